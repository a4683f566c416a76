"""Embedding runtimes side by side, index build time against pure encoding time, and warm
query latency.

- runtimes: the chunk texts of the sample index embedded with torch fp32, ONNX Runtime
  fp32 (the default on a CPU) and ONNX Runtime int8, in one run: texts/s, the cosine with
  torch, and, with `--eval GOLD=CORPUS` (repeatable), hit@1 and MRR@10 of an index built
  with each runtime on each gold file (and on its fit and test splits where it has them).
  Then `rag index --rebuild` of the sample corpus with RAG_EMBED_RUNTIME=torch and with
  the default, each in a fresh process, timed.
- build: `build_index` on the corpus into a fresh folder (model already loaded), against
  `embed_documents` of exactly the texts the index embeds (chunks and sentences, with
  their context). The ratio is the indexing overhead: loading, cleaning, chunking, BM25,
  FAISS, writing and checksums.
- latency: `engine.search` and `engine.ask` per question, `engine.similar` and
  `engine.locate` per pasted passage (the text in 「」), after warm-up, over the questions
  of a gold file (or a built-in list), repeated; p50/p95 and the query-embedding share;
  then each call on pastes of the longest length used (`query_max_chars`, from the
  corpus), the worst case a user can cause, and the ratio of the two.
  Measured in a fresh process that opens the index, as a running app would.

Usage: .venv/bin/python benchmarks/speed.py [--gold ../shared/eval/dev.jsonl] [--repeat 5]
           [--eval ../shared/eval/dev.jsonl=docs/corpus --eval benchmarks/gold/realworld.jsonl=DIR]
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rag.embedding import ModelEmbedder, load_embedder
from rag.engine import Engine
from rag.evaluation import evaluate_retrieval, load_gold, search_texts
from rag.index import build_index, embedding_text, open_index
from rag.schema import Chunk, Sentence
from rag.search.questions import pasted_text
from rag.settings import Settings

QUERIES = ["各地如何推进职业教育产教融合？", "教师培训每年多少学时", "新增学位多少个", "乌海 负面清单", "智慧教育平台注册率"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_build(settings: Settings) -> dict[str, str | float]:
    started = time.perf_counter()
    embedder = load_embedder(settings)
    embedder.runtime_used  # noqa: B018 - loaded lazily; load it here so the build time excludes it
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    report = build_index(settings, embedder)
    build_s = time.perf_counter() - started

    index = open_index(settings.index_dir)
    spans: list[Chunk | Sentence] = [*index.chunks, *index.sentences]
    texts = [embedding_text(index.documents[s.doc_id], s, settings.embed_context) for s in spans]
    started = time.perf_counter()
    embedder.embed_documents(texts)
    encode_s = time.perf_counter() - started
    return {
        "device": embedder.device,
        "runtime": embedder.runtime_used,
        "chunks": report.chunks,
        "texts_embedded": len(texts),
        "model_load_s": round(load_s, 2),
        "build_s": round(build_s, 2),
        "encode_s": round(encode_s, 2),
        "build_over_encode": round(build_s / encode_s, 3),
        "texts_per_s": round(len(texts) / build_s, 1),
    }


# The runtimes compared, as the settings that choose them; the first is the reference.
RUNTIMES: dict[str, dict[str, str]] = {
    "torch fp32": {"embed_runtime": "torch"},
    "onnx fp32": {"embed_runtime": "onnx"},
    "onnx int8": {"embed_runtime": "onnx", "embed_quantize": "int8"},
}


def measure_runtimes(settings: Settings, texts: list[str], evals: list[tuple[Path, Path]], work: Path) -> list[dict[str, str | float]]:
    """Each runtime on the same texts (after its export and a warm-up), and the retrieval
    figures of an index it builds for each (gold file, corpus)."""
    rows: list[dict[str, str | float]] = []
    reference = None
    for name, overrides in RUNTIMES.items():
        runtime_settings = settings.with_overrides(**overrides)
        embedder = load_embedder(runtime_settings)
        embedder.embed_documents(texts[:8])  # exported on first use, loaded, warmed up
        started = time.perf_counter()
        vectors = embedder.embed_documents(texts)
        seconds = time.perf_counter() - started
        reference = vectors if reference is None else reference
        cosine = (vectors * reference).sum(axis=1)
        row: dict[str, str | float] = {"runtime": name, "texts_per_s": round(len(texts) / seconds, 1)}
        row |= {"min_cosine": round(float(cosine.min()), 4), "mean_cosine": round(float(cosine.mean()), 4)}
        for gold, corpus in evals:
            folder = work / f"{name.replace(' ', '-')}-{gold.stem}"
            gold_settings = runtime_settings.with_overrides(corpus=(corpus,), index_dir=folder / "index", data_dir=folder / "data")
            build_index(gold_settings, embedder, [corpus])
            engine = Engine(open_index(gold_settings.index_dir), embedder, gold_settings)
            items = load_gold(gold)
            for split in (None, *sorted({i.split for i in items if i.split})):
                chosen = [i for i in items if split is None or i.split == split]
                means = evaluate_retrieval(chosen, functools.partial(search_texts, engine))["overall"].means()
                label = gold.stem + (f" {split}" if split else "")
                row |= {f"{label} hit@1": round(means["hit@1"], 3), f"{label} MRR@10": round(means["MRR@10"], 3)}
        rows.append(row)
    first = float(rows[0]["texts_per_s"])
    for row in rows:
        row["vs_torch"] = round(float(row["texts_per_s"]) / first, 2)
    return rows


def time_rebuilds(settings: Settings, work: Path) -> dict[str, float]:
    """`rag index --rebuild` of the corpus in a fresh process with RAG_EMBED_RUNTIME=torch,
    then with the default runtime, on the same corpus (the ONNX export already made)."""
    seconds = {}
    for name, runtime in (("torch", "torch"), ("default", "auto")):
        env = {**os.environ, "RAG_INDEX_DIR": str(work / f"rebuild-{name}"), "RAG_EMBED_RUNTIME": runtime}
        env["RAG_CORPUS"] = os.pathsep.join(str(p) for p in settings.corpus)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rag", "index", "--rebuild"], env=env, capture_output=True, check=True)
        seconds[f"rag_index_rebuild_{name}_s"] = round(time.perf_counter() - started, 1)
    seconds["rebuild_torch_over_default"] = round(seconds["rag_index_rebuild_torch_s"] / seconds["rag_index_rebuild_default_s"], 2)
    return seconds


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
                ModelEmbedder.embed_query.cache_clear()
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
    parser.add_argument("--eval", action="append", default=[], metavar="GOLD=CORPUS", help="retrieval figures per runtime")
    parser.add_argument("--skip-runtimes", action="store_true", help="only the build and latency figures")
    parser.add_argument("--latency-only", type=Path, help=argparse.SUPPRESS)  # the fresh process
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    queries = [i.question for i in load_gold(args.gold)] if args.gold else QUERIES
    if args.latency_only:
        settings = Settings.from_env().with_overrides(index_dir=args.latency_only)
        print(json.dumps(measure_latency(settings, queries, args.repeat)))
        return

    evals = [(Path(gold), Path(corpus)) for gold, corpus in (pair.split("=", 1) for pair in args.eval)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env().with_overrides(index_dir=Path(tmp) / "index")
        results = measure_build(settings)
        command = [sys.executable, __file__, "--latency-only", str(settings.index_dir), "--repeat", str(args.repeat)]
        command += ["--gold", str(args.gold)] if args.gold else []
        child = subprocess.run(command, capture_output=True, text=True, check=True)
        results.update(json.loads(child.stdout.splitlines()[-1]))
        runtimes: list[dict[str, str | float]] = []
        if not args.skip_runtimes:
            index = open_index(settings.index_dir)
            texts = [embedding_text(index.documents[c.doc_id], c, settings.embed_context) for c in index.chunks]
            runtimes = measure_runtimes(settings, texts, evals, Path(tmp))
            results.update(time_rebuilds(settings, Path(tmp)))
    if args.json:
        print(json.dumps({**results, "runtimes": runtimes}))
        return
    for key, value in results.items():
        print(f"{key:<28} {value}")
    if runtimes:
        print(f"\nembedding {len(texts)} chunk texts, batch {settings.batch_size}:")
        columns = list(runtimes[0])
        print(" | ".join(columns))
        for row in runtimes:
            print(" | ".join(str(row.get(c, "")) for c in columns))


if __name__ == "__main__":
    main()
