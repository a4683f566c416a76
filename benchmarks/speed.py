"""Index build time against pure encoding time, and warm query latency.

- build: `build_index` on the corpus into a fresh folder (model already loaded), against
  `model.encode` of exactly the texts the index embeds (chunks and sentences, with their
  context). The ratio is the indexing overhead: loading, cleaning, chunking, BM25, FAISS,
  writing and checksums.
- latency: `engine.search` and `engine.ask` per question, `engine.similar` and
  `engine.locate` per pasted passage (the text in 「」), after warm-up, over the questions
  of a gold file (or a built-in list), repeated; p50/p95 and the query-embedding share;
  then each call on pastes of the longest length used (`query_max_chars`, from the
  corpus), the worst case a user can cause.
  Measured in a fresh process that opens the index, as a running app would.

Usage: .venv/bin/python benchmarks/speed.py [--gold ../shared/eval/dev.jsonl] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rag.embedding import Embedder
from rag.engine import Engine, load_embedder
from rag.evaluation import load_gold
from rag.indexing import build_index, embedding_text, open_index
from rag.questions import pasted_text
from rag.schema import Chunk, Sentence
from rag.settings import Settings

QUERIES = ["各地如何推进职业教育产教融合？", "教师培训每年多少学时", "新增学位多少个", "乌海 负面清单", "智慧教育平台注册率"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_build(settings: Settings) -> dict[str, str | float]:
    started = time.perf_counter()
    embedder = load_embedder(settings)
    embedder.model  # noqa: B018 - loaded lazily; load it here so the build time excludes it
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    report = build_index(settings, embedder)
    build_s = time.perf_counter() - started

    index = open_index(settings.index_dir)
    spans: list[Chunk | Sentence] = [*index.chunks, *index.sentences]
    texts = [embedding_text(index.documents[s.doc_id], s, settings.embed_context) for s in spans]
    started = time.perf_counter()
    embedder.model.encode(texts, prompt=embedder.document_prompt, batch_size=settings.batch_size, normalize_embeddings=True)
    encode_s = time.perf_counter() - started
    return {
        "device": embedder.device,
        "chunks": report.chunks,
        "texts_embedded": len(texts),
        "model_load_s": round(load_s, 2),
        "build_s": round(build_s, 2),
        "encode_s": round(encode_s, 2),
        "build_over_encode": round(build_s / encode_s, 3),
        "texts_per_s": round(len(texts) / build_s, 1),
    }


def measure_latency(settings: Settings, queries: list[str], repeat: int) -> dict[str, str | float]:
    """Warm latency of search, ask, similar and quote, each call with an empty query-vector
    cache, so repeated questions cost what a new one would."""
    started = time.perf_counter()
    engine = Engine.open(settings=settings)
    open_s = time.perf_counter() - started
    for query in queries[:5]:
        engine.ask(query)
    pasted = [p for p in map(pasted_text, queries) if p] or queries[:3]
    calls: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "search": (lambda q: engine.search(q, k=10), queries),
        "ask": (engine.ask, queries),
        "similar": (lambda p: engine.similar(p, k=10), pasted),
        "quote": (lambda p: engine.locate(p, k=5), pasted),
        "embed_query": (engine.embedder.embed_query, queries),
    }
    # The longest input used (a longer paste is cut to this): the worst case per call.
    limit = settings.query_max_chars
    longest = [d.text[:limit] for d in engine.documents if len(d.text) >= limit][:3]
    for name in ("search", "ask", "similar", "quote"):
        calls[f"{name}_{limit}chars"] = (calls[name][0], longest)
    results: dict[str, str | float] = {"engine_open_s": round(open_s, 2), "queries": len(queries) * repeat}
    for name, (call, inputs) in calls.items():
        times = []
        for _ in range(repeat):
            for text in inputs:
                Embedder.embed_query.cache_clear()
                started = time.perf_counter()
                call(text)
                times.append((time.perf_counter() - started) * 1000)
        results[f"{name}_p50_ms"] = round(statistics.median(times), 1)
        results[f"{name}_p95_ms"] = round(percentile(times, 0.95), 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, help="take the queries from this gold file")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the queries")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--latency-only", type=Path, help=argparse.SUPPRESS)  # the fresh process
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    queries = [i.question for i in load_gold(args.gold)] if args.gold else QUERIES
    if args.latency_only:
        settings = Settings.from_env().with_overrides(index_dir=args.latency_only)
        print(json.dumps(measure_latency(settings, queries, args.repeat)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_overrides(index_dir=Path(tmp) / "index")
        results = measure_build(settings)
        command = [sys.executable, __file__, "--latency-only", str(settings.index_dir), "--repeat", str(args.repeat)]
        command += ["--gold", str(args.gold)] if args.gold else []
        child = subprocess.run(command, capture_output=True, text=True, check=True)
        results.update(json.loads(child.stdout.splitlines()[-1]))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
