"""How the two stores of rag/stores.py scale: build time, query latency and memory on synthetic data.

For each size n (chunks) this builds, searches, saves and reloads, as one index segment of
n chunks (rag/segments.py) would be:
- DenseStore exact (flat) and HNSW over n random unit vectors (seeded): flat is
  `DenseStore.combine([vectors])`, HNSW is `DenseStore.graph(vectors)` (what a segment of
  `hnsw_threshold` rows or more stores) served through `combine`. Top-10 recall of HNSW is
  measured against the exact results of the same queries. Random vectors have no cluster
  structure, so they are the worst case for HNSW recall and build time;
- LexicalStore (BM25) over n synthetic Chinese token lists: a vocabulary of CJK "words" of 1-4
  characters, ~120 tokens a chunk drawn with Zipf-like (power-law) frequencies; queries are 8
  tokens drawn the same way. Built as `LexicalStore.build` does: `TermCounts.of` (done once,
  when a segment is written) then `LexicalStore.combine` (done at every open). Token lists
  reuse the vocabulary's string objects, so the corpus costs list pointers only; its memory
  is reported in the `input` row.

Per row: build_s, single-query latency p50/p95 in ms, recall@10 (HNSW only), rss_mb (growth of
VmRSS across the build, store alive), peak_mb (growth of peak RSS during the build), disk_mb
(the files a segment keeps: chunks.npy for flat, chunks.faiss for HNSW, terms.json|.npz for
BM25) and load_s (reading those files and combining them into a store, as `open_index` does
for a segment it does not hold yet). `input` rows give the time and memory of generating the data.
Latencies are wall-clock: other load on the machine inflates them (the load average is logged),
and FAISS's OpenMP threads suffer most from it (compare `--threads 1`).

Usage: .venv/bin/python benchmarks/scale.py [--sizes 100000 1000000] [--dim 384] [--queries 200]
       [--skip-hnsw-above N] [--threads N] [--json]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Self

import numpy as np

from rag.stores import DenseStore, LexicalStore, TermCounts, Vocabulary

log = logging.getLogger("scale")

K = 10
BATCH = 50_000
VOCAB_SIZE = 50_000
ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 2.7  # Zipf-Mandelbrot shift: the top ranks are less extreme (stop words are dropped)
CHUNK_TOKENS = (90, 150)  # tokens per chunk, uniform; mean 120, like a 300-character chunk after jieba
QUERY_TOKENS = 8
WORD_LENGTHS = (1, 2, 3, 4)
WORD_LENGTH_WEIGHTS = (0.15, 0.6, 0.15, 0.1)
COLUMNS = ("store", "kind", "n", "build_s", "p50_ms", "p95_ms", "recall@10", "rss_mb", "peak_mb", "disk_mb", "load_s")


@dataclass
class Row:
    store: str
    kind: str
    n: int
    build_s: float
    rss_mb: float
    peak_mb: float
    p50_ms: float | None = None
    p95_ms: float | None = None
    recall: float | None = None
    disk_mb: float | None = None
    load_s: float | None = None


# Memory ---------------------------------------------------------------------------------------


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


_LIBC = ctypes.CDLL("libc.so.6")


def _release_freed() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so RSS counts live memory only."""
    gc.collect()
    _LIBC.malloc_trim(0)


class Measured:
    """Wall time, RSS growth and peak-RSS growth of a block (peak reset through clear_refs)."""

    def __enter__(self) -> Self:
        _release_freed()
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        self.rss_before = status_mb("VmRSS")
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        _release_freed()
        self.rss_mb = status_mb("VmRSS") - self.rss_before
        self.peak_mb = status_mb("VmHWM") - self.rss_before


def _folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


# Synthetic data -------------------------------------------------------------------------------


def unit_vectors(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    """`n` random unit vectors, generated in batches so no float64 copy of the whole set exists."""
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, BATCH):
        block = rng.standard_normal((min(BATCH, n - start), dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + len(block)] = block
    return out


def vocabulary(rng: np.random.Generator) -> np.ndarray:
    """Distinct words of 1-4 CJK characters (U+4E00..U+9FFF) as an object array, in rank order."""
    words: dict[str, None] = {}
    while len(words) < VOCAB_SIZE:
        lengths = rng.choice(WORD_LENGTHS, size=VOCAB_SIZE, p=WORD_LENGTH_WEIGHTS)
        codes = rng.integers(0x4E00, 0xA000, size=(VOCAB_SIZE, max(WORD_LENGTHS)))
        for length, row in zip(lengths, codes):
            words.setdefault("".join(map(chr, row[:length])), None)
    return np.array(list(words)[:VOCAB_SIZE], dtype=object)


def zipf_weights() -> np.ndarray:
    ranks = np.arange(VOCAB_SIZE, dtype=np.float64)
    weights = (ranks + ZIPF_OFFSET) ** -ZIPF_EXPONENT
    return weights / weights.sum()


def token_lists(
    rng: np.random.Generator, vocab: np.ndarray, weights: np.ndarray, n: int, lengths: tuple[int, int]
) -> list[list[str]]:
    """`n` token lists whose items are the vocabulary's own str objects (no per-token strings)."""
    lists: list[list[str]] = []
    for start in range(0, n, BATCH):
        sizes = rng.integers(lengths[0], lengths[1] + 1, size=min(BATCH, n - start))
        flat = vocab[rng.choice(VOCAB_SIZE, size=int(sizes.sum()), p=weights)].tolist()
        ends = np.cumsum(sizes).tolist()
        lists.extend(flat[end - size : end] for size, end in zip(sizes.tolist(), ends))
        if (start // BATCH) % 5 == 4:
            log.info("  %d / %d token lists", start + len(sizes), n)
    return lists


# Measurements ---------------------------------------------------------------------------------


def latencies_ms(search: Callable[[int], np.ndarray], queries: int) -> tuple[list[np.ndarray], float, float]:
    """Ids returned for each query, and p50/p95 latency in ms of single-query search."""
    for i in range(min(5, queries)):  # warm-up
        search(i)
    results, times = [], []
    for i in range(queries):
        started = time.perf_counter()
        results.append(search(i))
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return results, float(p50), float(p95)


def recall_at_k(found: Sequence[np.ndarray], exact: Sequence[np.ndarray]) -> float:
    return float(np.mean([len(set(f.tolist()) & set(e.tolist())) / len(e) for f, e in zip(found, exact)]))


def save_and_load(save: Callable[[Path], None], load: Callable[[Path], object], row: Row) -> None:
    """Fill in the row's disk_mb (what `save` writes to a fresh folder) and load_s (`load` of it)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        save(folder)
        row.disk_mb = _folder_mb(folder)
        _release_freed()
        started = time.perf_counter()
        load(folder)
        row.load_s = time.perf_counter() - started


# A segment's vector files, as rag/segments.py writes and reads them: an array below
# `hnsw_threshold` rows (memory-mapped on load, then copied into the combined exact index),
# the HNSW graph itself above it.
def save_vectors(folder: Path, vectors: np.ndarray | object) -> None:
    if isinstance(vectors, np.ndarray):
        np.save(folder / "chunks.npy", vectors)
    else:
        importlib.import_module("faiss").write_index(vectors, str(folder / "chunks.faiss"))


def load_vectors(folder: Path, dim: int) -> DenseStore:
    graph = folder / "chunks.faiss"
    if graph.exists():
        return DenseStore.combine([importlib.import_module("faiss").read_index(str(graph))], dim)
    return DenseStore.combine([np.load(folder / "chunks.npy", mmap_mode="r")], dim)


def dense_row(vectors: np.ndarray, kind: str, queries: np.ndarray) -> tuple[Row, list[np.ndarray]]:
    """Build, time, save and reload one dense store; also the ids found for each query."""
    n, dim = vectors.shape
    log.info("dense n=%d: building %s", n, kind)
    with Measured() as built:
        block = vectors if kind == "flat" else DenseStore.graph(vectors, dim)
        store = DenseStore.combine([block], dim)
    assert store.kind == kind, store.kind
    log.info("dense n=%d: %s built in %.1f s; querying", n, kind, built.seconds)
    found, p50, p95 = latencies_ms(lambda i: store.search(queries[i], K)[0], len(queries))
    row = Row("dense", kind, n, built.seconds, built.rss_mb, built.peak_mb, p50, p95)
    save_and_load(lambda folder: save_vectors(folder, block), lambda folder: load_vectors(folder, dim), row)
    return row, found


def dense_rows(n: int, dim: int, queries: int, skip_hnsw_above: int | None, seed: int) -> list[Row]:
    log.info("dense n=%d: generating %d x %d unit vectors", n, n, dim)
    with Measured() as made:
        vectors = unit_vectors(np.random.default_rng(seed), n, dim)
    query_vectors = unit_vectors(np.random.default_rng(seed + 1), queries, dim)
    flat, exact = dense_row(vectors, "flat", query_vectors)
    rows = [Row("dense", "input", n, made.seconds, made.rss_mb, made.peak_mb), flat]
    if skip_hnsw_above is not None and n > skip_hnsw_above:
        log.warning("dense n=%d: HNSW skipped (--skip-hnsw-above %d)", n, skip_hnsw_above)
        return rows
    hnsw, found = dense_row(vectors, "hnsw", query_vectors)
    hnsw.recall = recall_at_k(found, exact)
    return rows + [hnsw]


def lexical_rows(n: int, queries: int, seed: int) -> list[Row]:
    rng = np.random.default_rng(seed)
    vocab, weights = vocabulary(rng), zipf_weights()
    log.info("lexical n=%d: generating token lists (vocabulary %d words)", n, len(vocab))
    with Measured() as made:
        corpus = token_lists(rng, vocab, weights, n, CHUNK_TOKENS)
    rows = [Row("lexical", "input", n, made.seconds, made.rss_mb, made.peak_mb)]
    query_tokens = token_lists(rng, vocab, weights, queries, (QUERY_TOKENS, QUERY_TOKENS))
    log.info("lexical n=%d: building BM25", n)
    with Measured() as built:  # LexicalStore.build, keeping the term counts a segment keeps
        counts = TermCounts.of(corpus)
        store = LexicalStore.combine([counts])
    del corpus
    log.info("lexical n=%d: built in %.1f s; querying", n, built.seconds)
    _, p50, p95 = latencies_ms(lambda i: store.search(query_tokens[i], K)[0], queries)
    row = Row("lexical", "bm25", n, built.seconds, built.rss_mb, built.peak_mb, p50, p95)
    # A fresh vocabulary: an open that does not reuse the version served before.
    save_and_load(counts.save, lambda folder: LexicalStore.combine([TermCounts.load(folder)], Vocabulary()), row)
    return rows + [row]


# Output ---------------------------------------------------------------------------------------


DIGITS = {"build_s": 1, "p50_ms": 2, "p95_ms": 2, "recall@10": 3, "load_s": 2}  # others: whole numbers


def record(row: Row) -> dict[str, str | float | None]:
    data = asdict(row)
    data["recall@10"] = data.pop("recall")
    return data


def _cell(value: str | float | None, digits: int) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table_line(row: Row) -> str:
    data = record(row)
    return " ".join(f"{_cell(data[c], DIGITS.get(c, 0)):>9}" for c in COLUMNS)


def emit(row: Row, as_json: bool) -> None:
    print(json.dumps(record(row)) if as_json else table_line(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="numbers of chunks")
    parser.add_argument("--dim", type=int, default=384, help="vector dimension")
    parser.add_argument("--queries", type=int, default=200, help="single queries timed per store")
    parser.add_argument("--skip-hnsw-above", type=int, default=None, metavar="N", help="no HNSW build above N vectors")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON object per row instead of a table")
    parser.add_argument("--threads", type=int, default=0, help="FAISS OpenMP threads (0: FAISS's default, all cores)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    # Loaded up front, so that no build time or RSS growth counts loading the libraries.
    faiss = importlib.import_module("faiss")
    importlib.import_module("scipy.sparse")  # the BM25 store's matrices
    if args.threads:
        faiss.omp_set_num_threads(args.threads)

    log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
    if not args.json:
        print(" ".join(f"{c:>9}" for c in COLUMNS), flush=True)
    for n in args.sizes:
        for row in dense_rows(n, args.dim, args.queries, args.skip_hnsw_above, args.seed):
            emit(row, args.json)
        for row in lexical_rows(n, args.queries, args.seed):
            emit(row, args.json)
    log.info("load average %.2f %.2f %.2f at the end", *os.getloadavg())


if __name__ == "__main__":
    main()
