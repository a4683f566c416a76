"""How the two stores of rag/stores.py scale: build time, query latency, recall and memory on realistic data.

Data (`realistic_data`, reusable by other backends):
- Base texts are real: every chunk and sentence of the sample corpus (docs/corpus) and of the real
  documents (/work/shared/realworld, README.md left out), read, cut and embedded as rag/indexing.py does
  (`extract_text` -> `file_documents` -> `chunk_documents`, sentences by `sentence_spans`, texts by
  `embedding_text` with the chunk's title and heading path, vectors by the project's `Embedder`). Their
  e5 passage vectors, their tokens (`lexical_tokens`: jieba search-mode tokens of the label and the
  chunk) and the embedding throughput are cached in a file outside git (`--cache`, default under /tmp).
- Vector i is a base vector picked at random plus Gaussian noise, renormalised. e5's vectors share a
  large common part (unrelated passages of the corpus have a cosine of 0.887 on average, a passage and its
  real nearest neighbour 0.977 median), so the noise goes to the residual (vector - mean), which keeps its
  length: unrelated pairs keep their 0.887. It is drawn from the covariance of the real vectors (N(0, S)),
  not isotropically, so it moves a vector along the directions in which real texts differ: a generated
  vector looks like a paraphrase rather than a point off the model's manifold. Its scale gives a mean
  cosine of `--noise-cos` (default 0.96) between a generated vector and its base: the copies of a base form
  a loose cluster (0.935 among themselves) that overlaps its neighbours', the nearest generated neighbour
  has cosine 0.955 median (real: 0.977, inflated by overlapping chunks of one document) and a query's
  10th-best cosine is 0.911 (real questions against the real texts: 0.912). The 0.85-0.95 first suggested
  for near-duplicate paragraphs does not fit this model: at 0.90 a copy would be barely closer to its base
  than an unrelated passage is (0.887), i.e. almost no neighbourhood structure (like the uniform random vectors used before).
- Queries are the real gold questions (benchmarks/gold/realworld.jsonl and sample.jsonl) embedded with
  `embed_query` (never bases), cycled and given small noise of the same shape (cosine 0.98 to the
  question) so that the `--queries` vectors differ. Their tokens are `tokenize(question)`, as retrieval
  searches BM25.
- Token list i is the real token list of the chunk that holds row i's base text, with 10% of its
  tokens swapped for tokens drawn from the real token stream (keeping the words' frequencies) and 1%
  replaced by new words (a real word joined to another), so that the vocabulary grows with n as a
  real corpus's does (names, numbers, places) instead of staying at the sample's few thousand words.
  Tokens are interned, as `lexical_tokens` does.

Stores, for each size n (the `embedded` backend, what the app runs in its own process):
- `flat`: the store exactly as the product builds it from many segments: n rows cut into segments of
  `--segment-rows` (one source file each), joined by `DenseStore.combine(keys=...)` into runs and scored
  exactly (numpy matrix-vector products);
- `hnsw`: FAISS IndexHNSWFlat (inner product) for each `--hnsw M:efConstruction` (32:80 is what
  `DenseStore.graph` builds for a segment of `hnsw_threshold` rows or more), efSearch swept;
- `ivf`: FAISS IndexIVFFlat (inner product), nlist = 4*sqrt(n) unless `--nlist`, trained on 40 points a
  list (10 k-means iterations), nprobe swept;
- `ivf-sq8`: the same lists (the trained quantizer is reused) holding 8-bit scalar-quantised vectors,
  the candidates reranked exactly (IndexRefineFlat, `--refine` times k candidates), nprobe swept;
- `bm25`: `TermCounts.of` (done once, when a segment is written) then `LexicalStore.combine` (done at
  every open) over the token lists.
FAISS indexes are searched through `DenseStore.combine([index])`, as the product serves a graph.
recall@10 is measured against exact search (numpy, all n vectors) for the same queries.

Per row: build_s, single-query latency p50/p95 in ms (FAISS on `--threads` OpenMP threads, default 1;
numpy's BLAS threads as the app leaves them), recall@10, rss_mb (growth of VmRSS across the build, store
alive, data not counted), peak_mb (growth of peak RSS during the build), disk_mb (the files a segment
keeps) and load_s (reading them and combining them into a store, as `open_index` does); `params` the
index parameters. A swept parameter gives one row per value with the same build figures; disk and
load are on the first. `input` rows give the time and memory of generating the data.
Latencies are wall-clock: other load on the machine inflates them (the load average is logged).

A backend is a function taking the generated data (`BACKENDS`); a `milvus` backend measuring a
Milvus collection on the same data would be added there.

Usage: .venv/bin/python benchmarks/scale.py [--sizes 100000 1000000] [--queries 200]
       [--dense flat hnsw ivf ivf-sq8] [--hnsw 32:80 16:64] [--ef-search 128 256 512]
       [--nprobe 32 64 128 256 512] [--skip-hnsw-above N] [--threads 1] [--build-threads 0]
       [--cache PATH] [--backend embedded] [--no-save] [--json]
       .venv/bin/python benchmarks/scale.py --embedder-rate   (texts/s of the embedder, record bytes a chunk)

Chosen at 1M (docs/benchmarks.md, "Scale"): IndexIVFFlat, nlist = 4*sqrt(n), nprobe = 128 (3% of the
lists): recall@10 0.954, p95 13 ms on one thread of a loaded 2-core machine.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np

from rag.stores import DenseStore, LexicalStore, TermCounts, Vocabulary, tokenize

log = logging.getLogger("scale")

ROOT = Path(__file__).resolve().parents[1]
TEXT_FOLDERS = (ROOT / "docs" / "corpus", ROOT.parent / "shared" / "realworld")
GOLD_FILES = (ROOT / "benchmarks" / "gold" / "realworld.jsonl", ROOT / "benchmarks" / "gold" / "sample.jsonl")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "rag-scale" / "base.npz"
CACHE_VERSION = 1

K = 10
BATCH = 50_000
NOISE_COS = 0.96  # mean cosine of a generated vector to its base
QUERY_COS = 0.98  # mean cosine of a query vector to its question
SWAP_RATE = 0.10  # tokens swapped for other real tokens
NEW_WORD_RATE = 0.01  # tokens replaced by new words
TRAIN_PER_LIST = 40  # IVF training points per list (FAISS warns under 39)
KMEANS_ITERATIONS = 10
COLUMNS = (
    "store",
    "kind",
    "n",
    "build_s",
    "p50_ms",
    "p95_ms",
    "recall@10",
    "rss_mb",
    "peak_mb",
    "disk_mb",
    "load_s",
    "params",
)


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
    params: str | None = None


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


def deep_bytes(obj: object, seen: set[int] | None = None) -> int:
    """Bytes of `obj` and everything it references (each object counted once): what a list
    of records costs the process."""
    seen = set() if seen is None else seen
    total, stack = 0, [obj]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, "__dataclass_fields__"):
            stack.extend(getattr(item, f) for f in item.__dataclass_fields__)
        elif isinstance(item, np.ndarray):
            total += item.nbytes if item.base is None else 0
    return total


# Real base texts ------------------------------------------------------------------------------


@dataclass
class Base:
    """Real vectors and tokens that generated data is made from."""

    vectors: np.ndarray  # [m, dim] unit e5 passage vectors: the chunks, then the sentences
    chunk_of: np.ndarray  # [m] the chunk (a row of `tokens`) that holds each base's text
    tokens: list[tuple[str, ...]]  # lexical tokens of each real chunk
    query_vectors: np.ndarray  # [q, dim] embed_query of the gold questions
    query_tokens: list[tuple[str, ...]]  # tokenize() of the gold questions
    meta: dict[str, Any] = field(default_factory=dict)  # counts, embedding throughput, record bytes


def real_texts(
    folders: Sequence[Path],
) -> tuple[list[str], list[str], list[int], list[tuple[str, ...]], dict[str, Any]]:
    """Chunk texts, sentence texts, each sentence's chunk, chunk tokens, and what the app keeps
    in memory for them, from the files under `folders` as rag/indexing.py reads them."""
    from rag.chunking import chunk_documents
    from rag.index import document_sentences, embedding_text, lexical_tokens
    from rag.ingest import assign_ids, extract_text, file_documents, find_files
    from rag.settings import Settings

    settings = Settings.from_env()
    folders = [f for f in folders if f.exists()]
    files = [f for f in find_files(folders) if f.name != "README.md"]
    ids = assign_ids(files, folders)
    chunk_texts: list[str] = []
    sentence_texts: list[str] = []
    sentence_chunk: list[int] = []
    tokens: list[tuple[str, ...]] = []
    documents_all, chunks_all, sentences_all = [], [], []
    for file in files:
        documents = file_documents(extract_text(file, file.read_bytes()), ids[file])
        chunks = chunk_documents(documents, settings.chunk_size, settings.chunk_overlap)
        sentences = document_sentences(documents, chunks)
        by_id = {d.doc_id: d for d in documents}
        first = len(chunk_texts)
        chunk_texts += [embedding_text(by_id[c.doc_id], c, settings.embed_context) for c in chunks]
        tokens += [lexical_tokens(by_id[c.doc_id], c) for c in chunks]
        sentence_texts += [embedding_text(by_id[s.doc_id], s, settings.embed_context) for s in sentences]
        sentence_chunk += [first + s.chunk for s in sentences]
        documents_all += documents
        chunks_all += chunks
        sentences_all += sentences
    record_bytes = deep_bytes([documents_all, chunks_all, sentences_all])
    text_chars = sum(len(d.text) for d in documents_all)
    meta = {
        "files": len(files),
        "documents": len(documents_all),
        "chunks": len(chunks_all),
        "sentences": len(sentences_all),
        "text_chars": text_chars,
        "record_bytes": record_bytes,  # documents (with their text) + chunk + sentence records
        "record_bytes_per_chunk": record_bytes / max(len(chunks_all), 1),
    }
    return chunk_texts, sentence_texts, sentence_chunk, tokens, meta


def gold_questions(files: Sequence[Path] = GOLD_FILES) -> list[str]:
    questions = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            questions += [json.loads(line)["question"] for line in handle if line.strip()]
    return questions


def build_base(folders: Sequence[Path] = TEXT_FOLDERS) -> Base:
    """Embed the real texts (slow: minutes on a CPU) and tokenise them."""
    from rag.embedding import load_embedder
    from rag.settings import Settings

    chunk_texts, sentence_texts, sentence_chunk, tokens, meta = real_texts(folders)
    log.info("base: %d chunks and %d sentences from %d files", len(chunk_texts), len(sentence_texts), meta["files"])
    embedder = load_embedder(Settings.from_env())
    texts = list(dict.fromkeys(chunk_texts + sentence_texts))
    texts.sort(key=len)  # as rag/indexing.py batches them
    started = time.perf_counter()
    vectors: dict[str, np.ndarray] = {}
    for at in range(0, len(texts), 256):
        batch = texts[at : at + 256]
        vectors.update(zip(batch, embedder.embed_documents(batch)))
        log.info("  embedded %d / %d texts", at + len(batch), len(texts))
    seconds = time.perf_counter() - started
    questions = gold_questions()
    query_started = time.perf_counter()
    query_vectors = np.stack([np.asarray(embedder.embed_query(q), np.float32) for q in questions])
    query_seconds = time.perf_counter() - query_started
    meta |= {
        "model": embedder.name,
        "device": embedder.device,
        "batch_size": embedder.batch_size,
        "embedded_texts": len(texts),
        "embedded_chars": sum(len(t) for t in texts),
        "embed_s": seconds,
        "texts_per_s": len(texts) / seconds,
        "chunk_texts_mean_chars": float(np.mean([len(t) for t in chunk_texts])),
        "queries": len(questions),
        "query_ms": 1000 * query_seconds / len(questions),
        "cpu": os.cpu_count(),
    }
    log.info("base: embedded %d texts in %.0f s (%.1f texts/s)", len(texts), seconds, meta["texts_per_s"])
    return Base(
        np.stack([vectors[t] for t in chunk_texts + sentence_texts]).astype(np.float32),
        np.asarray(list(range(len(chunk_texts))) + sentence_chunk, dtype=np.int64),
        tokens,
        query_vectors,
        [tuple(tokenize(q)) for q in questions],
        meta,
    )


def load_base(cache: Path = DEFAULT_CACHE) -> Base:
    """The base texts' vectors and tokens, from `cache` or embedded now (and cached there)."""
    sidecar = cache.with_suffix(".json")
    if cache.exists() and sidecar.exists():
        extra = json.loads(sidecar.read_text(encoding="utf-8"))
        if extra.get("version") == CACHE_VERSION:
            with np.load(cache) as arrays:
                return Base(
                    arrays["vectors"],
                    arrays["chunk_of"],
                    [tuple(sys.intern(t) for t in ts) for ts in extra["tokens"]],
                    arrays["query_vectors"],
                    [tuple(ts) for ts in extra["query_tokens"]],
                    extra["meta"],
                )
    base = build_base()
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=base.vectors, chunk_of=base.chunk_of, query_vectors=base.query_vectors)
    extra = {"version": CACHE_VERSION, "tokens": base.tokens, "query_tokens": base.query_tokens, "meta": base.meta}
    sidecar.write_text(json.dumps(extra, ensure_ascii=False), encoding="utf-8")
    return base


def embedder_rate(texts: int = 256, folders: Sequence[Path] = TEXT_FOLDERS) -> dict[str, Any]:
    """Passages per second of the project's embedder on this machine, for `texts` chunk texts
    and as many sentence texts (spread over the corpus), and the app's record bytes per chunk
    of each text folder (documents with their text, chunk and sentence records)."""
    from rag.embedding import load_embedder
    from rag.settings import Settings

    out: dict[str, Any] = {}
    for folder in folders:
        meta = real_texts([folder])[4]
        out[f"record_bytes_per_chunk {folder.name}"] = round(meta["record_bytes_per_chunk"])
        out[f"text_chars_per_chunk {folder.name}"] = round(meta["text_chars"] / max(meta["chunks"], 1))
        out[f"sentences_per_chunk {folder.name}"] = round(meta["sentences"] / max(meta["chunks"], 1), 2)
    chunk_texts, sentence_texts, _, _, _ = real_texts(folders)
    embedder = load_embedder(Settings.from_env())
    embedder.embed_documents(chunk_texts[:8])  # loads the model
    for name, pool in (("chunks", chunk_texts), ("sentences", sentence_texts)):
        picked = sorted(pool[:: max(1, len(pool) // texts)][:texts], key=len)
        started = time.perf_counter()
        embedder.embed_documents(picked)
        seconds = time.perf_counter() - started
        out[f"{name}_per_s"] = round(len(picked) / seconds, 1)
        out[f"{name}_chars_per_s"] = round(sum(map(len, picked)) / seconds)
        out[f"{name}_mean_chars"] = round(sum(map(len, picked)) / len(picked))
    out |= {"device": embedder.device, "batch_size": embedder.batch_size, "torch_threads": _torch_threads()}
    return out


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


# Generated data -------------------------------------------------------------------------------


@dataclass
class Data:
    """n generated chunks: unit vectors and token lists, and the queries to time."""

    vectors: np.ndarray  # [n, dim] float32, unit
    tokens: list[list[str]]
    query_vectors: np.ndarray  # [queries, dim] float32, unit
    query_tokens: list[list[str]]
    base_of: np.ndarray  # [n] the base each row was made from
    stats: dict[str, float] = field(default_factory=dict)


def noise_shape(vectors: np.ndarray) -> np.ndarray:
    """A matrix L with L @ z ~ N(0, S) for z ~ N(0, I), S the covariance of `vectors`."""
    centred = vectors.astype(np.float64) - vectors.mean(axis=0)
    values, axes = np.linalg.eigh(centred.T @ centred / len(vectors))
    return (axes * np.sqrt(np.clip(values, 0, None))).astype(np.float32)


def noisy(
    rng: np.random.Generator, bases: np.ndarray, mean: np.ndarray, shape: np.ndarray, cosine: float
) -> np.ndarray:
    """`bases` moved by noise, renormalised, the mean cosine to their base about `cosine`.

    The model's vectors share a large common part (`mean`): what tells texts apart is the
    residual b - mean. The noise (covariance shape @ shape.T) is added to the residual, which
    is then scaled back to its own length, so that a generated vector keeps the cosine
    that any passage has with any other and only its own neighbourhood changes."""
    common = float(np.mean(bases @ mean))  # the part of a base's unit length that all share
    centred = float(np.clip((cosine - common) / max(1 - common, 1e-6), 0.05, 1.0))  # cosine of the residuals
    residual = bases - mean
    lengths = np.linalg.norm(residual, axis=1, keepdims=True)
    noise = rng.standard_normal((len(bases), shape.shape[1]), dtype=np.float32) @ shape.T
    moved = residual + np.sqrt(1 / centred**2 - 1) * noise
    moved *= lengths / np.linalg.norm(moved, axis=1, keepdims=True)
    out = mean + moved
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def realistic_data(
    n: int, seed: int = 0, queries: int = 200, cache: Path = DEFAULT_CACHE, noise_cos: float = NOISE_COS
) -> Data:
    """n chunk vectors and token lists made from real ones, and `queries` query vectors and
    token lists made from the real gold questions (see the module's docstring)."""
    base = load_base(cache)
    rng = np.random.default_rng(seed)
    shape, mean = noise_shape(base.vectors), base.vectors.mean(axis=0)
    m, dim = base.vectors.shape
    base_of = rng.integers(0, m, size=n)
    vectors = np.empty((n, dim), np.float32)
    for start in range(0, n, BATCH):
        rows = base_of[start : start + BATCH]
        vectors[start : start + len(rows)] = noisy(rng, base.vectors[rows], mean, shape, noise_cos)
    picked = np.arange(queries) % len(base.query_vectors)
    query_vectors = noisy(rng, base.query_vectors[picked], base.query_vectors.mean(axis=0), shape, QUERY_COS)
    tokens = token_lists(rng, base, base.chunk_of[base_of])
    sample = min(n, 20_000)
    stats = {
        "bases": m,
        "cos_to_base": float(np.mean(np.sum(vectors[:sample] * base.vectors[base_of[:sample]], axis=1))),
        "query_cos_to_question": float(np.mean(np.sum(query_vectors * base.query_vectors[picked], axis=1))),
        "vocabulary": len({t for ts in tokens for t in ts}) if n <= 100_000 else float("nan"),
        "tokens_per_chunk": float(np.mean([len(t) for t in tokens[:sample]])),
    }
    return Data(vectors, tokens, query_vectors, [list(base.query_tokens[i]) for i in picked], base_of, stats)


def token_lists(rng: np.random.Generator, base: Base, chunks: np.ndarray) -> list[list[str]]:
    """For each of `chunks` (rows of base.tokens), its real tokens with some swapped or new."""
    words = np.array(list(dict.fromkeys(t for ts in base.tokens for t in ts)), dtype=object)
    column = {w: i for i, w in enumerate(words.tolist())}
    lengths = np.asarray([len(ts) for ts in base.tokens], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    stream = np.asarray([column[t] for ts in base.tokens for t in ts], dtype=np.int64)  # every real token
    lists: list[list[str]] = []
    for start in range(0, len(chunks), BATCH):
        rows = chunks[start : start + BATCH]
        sizes = lengths[rows]
        ends = np.cumsum(sizes)
        within = np.arange(int(ends[-1])) - np.repeat(ends - sizes, sizes)
        ids = stream[np.repeat(offsets[rows], sizes) + within]
        swap = rng.random(len(ids)) < SWAP_RATE
        ids[swap] = stream[rng.integers(0, len(stream), size=int(swap.sum()))]
        flat = words[ids]
        new = np.flatnonzero(rng.random(len(ids)) < NEW_WORD_RATE)
        tails = words[rng.integers(0, len(words), size=len(new))]
        flat[new] = [sys.intern(a + b) for a, b in zip(flat[new].tolist(), tails.tolist())]
        flat = flat.tolist()
        lists.extend(flat[end - size : end] for size, end in zip(sizes.tolist(), ends.tolist()))
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


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> list[np.ndarray]:
    """The true k nearest rows of each query (inner product), by brute force."""
    best = np.zeros((len(queries), 0), np.int64)
    scores = np.zeros((len(queries), 0), np.float32)
    for start in range(0, len(vectors), 4 * BATCH):
        block = queries @ vectors[start : start + 4 * BATCH].T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        best = np.concatenate([best, top + start], axis=1)
        scores = np.concatenate([scores, np.take_along_axis(block, top, axis=1)], axis=1)
        keep = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        best, scores = np.take_along_axis(best, keep, axis=1), np.take_along_axis(scores, keep, axis=1)
    return list(best)


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
        loaded = load(folder)
        row.load_s = time.perf_counter() - started
        del loaded


def _faiss() -> Any:
    return importlib.import_module("faiss")


@dataclass
class Options:
    """What the dense and lexical measurements take from the command line."""

    dense: Sequence[str] = ("flat", "hnsw", "ivf", "ivf-sq8")
    stores: Sequence[str] = ("dense", "lexical")
    hnsw: Sequence[tuple[int, int]] = ((32, 80),)
    ef_search: Sequence[int] = (128, 256, 512)
    nlist: int | None = None
    nprobe: Sequence[int] = (32, 64, 128, 256, 512)
    refine: int = 4
    segment_rows: int = 500
    skip_hnsw_above: int | None = None
    threads: int = 1
    build_threads: int = 0
    save: bool = True


class _Threads:
    """FAISS's OpenMP threads for a block (builds use `build`, searches `search`)."""

    def __init__(self, options: Options) -> None:
        self.build, self.search = (
            options.build_threads or (os.cpu_count() or 1),
            options.threads or (os.cpu_count() or 1),
        )

    def building(self) -> None:
        _faiss().omp_set_num_threads(self.build)

    def searching(self) -> None:
        _faiss().omp_set_num_threads(self.search)


def _swept(
    base: Row,
    store: DenseStore,
    set_param: Callable[[int], None],
    values: Sequence[int],
    label: Callable[[int], str],
    data: Data,
    exact: list[np.ndarray],
) -> Iterator[Row]:
    for value in values:
        set_param(value)
        found, p50, p95 = latencies_ms(lambda i: store.search(data.query_vectors[i], K)[0], len(data.query_vectors))
        row = Row(
            **{
                **asdict(base),
                "p50_ms": p50,
                "p95_ms": p95,
                "recall": recall_at_k(found, exact),
                "params": label(value),
            }
        )
        log.info(
            "dense n=%d: %s %s recall@10 %.3f p95 %.2f ms", len(data.vectors), row.kind, row.params, row.recall, p95
        )
        yield row
        base.disk_mb = base.load_s = None


def flat_rows(data: Data, options: Options, exact: list[np.ndarray]) -> Iterator[Row]:
    """The product's store over many segments: exact runs of `segment_rows`-row blocks."""
    vectors, seg = data.vectors, options.segment_rows
    n, dim = vectors.shape
    keys = [f"segment-{i}" for i in range(0, n, seg)]
    with Measured() as built:
        store = DenseStore.combine([vectors[s : s + seg] for s in range(0, n, seg)], dim, keys)
    assert store.kind == "flat", store.kind
    runs = len(store.parts)
    found, p50, p95 = latencies_ms(lambda i: store.search(data.query_vectors[i], K)[0], len(data.query_vectors))
    row = Row("dense", "flat", n, built.seconds, built.rss_mb, built.peak_mb, p50, p95, recall_at_k(found, exact))
    row.params = f"{n // seg} segments of {seg} rows, {runs} runs"
    if options.save:

        def load(folder: Path) -> DenseStore:
            mapped = np.load(folder / "chunks.npy", mmap_mode="r")
            return DenseStore.combine([mapped[s : s + seg] for s in range(0, n, seg)], dim, keys)

        save_and_load(lambda folder: np.save(folder / "chunks.npy", vectors), load, row)
    log.info("dense n=%d: flat p95 %.2f ms (%d runs)", n, p95, runs)
    yield row


def _add(index: Any, vectors: np.ndarray) -> None:
    for at in range(0, len(vectors), 8192):  # rag.stores.dense.ADD_BATCH
        index.add(np.ascontiguousarray(vectors[at : at + 8192]))


def _faiss_rows(
    kind: str,
    build: Callable[[], Any],
    set_param: Callable[[Any, int], None],
    values: Sequence[int],
    label: Callable[[int], str],
    data: Data,
    options: Options,
    exact: list[np.ndarray],
    threads: _Threads,
) -> Iterator[Row]:
    """Build one FAISS index (`build`), save and reload it, then sweep its search parameter."""
    faiss = _faiss()
    n, dim = data.vectors.shape
    log.info("dense n=%d: building %s", n, kind)
    threads.building()
    with Measured() as built:
        index = build()
    threads.searching()
    log.info("dense n=%d: %s built in %.1f s", n, kind, built.seconds)
    store = DenseStore.combine([index], dim)
    row = Row("dense", kind, n, built.seconds, built.rss_mb, built.peak_mb)
    if options.save:
        save_and_load(
            lambda f: faiss.write_index(index, str(f / "chunks.faiss")),
            lambda f: faiss.read_index(str(f / "chunks.faiss")),
            row,
        )
    yield from _swept(row, store, lambda value: set_param(index, value), values, label, data, exact)


def hnsw_rows(data: Data, options: Options, exact: list[np.ndarray], threads: _Threads) -> Iterator[Row]:
    faiss = _faiss()
    dim = data.vectors.shape[1]
    for m, ef_construction in options.hnsw:

        def build(m: int = m, ef_construction: int = ef_construction) -> Any:
            index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
            _add(index, data.vectors)
            return index

        def set_ef(index: Any, ef: int) -> None:
            index.hnsw.efSearch = ef

        def label(ef: int, m: int = m, ef_construction: int = ef_construction) -> str:
            return f"M={m} efC={ef_construction} efS={ef}"

        yield from _faiss_rows("hnsw", build, set_ef, options.ef_search, label, data, options, exact, threads)


def ivf_rows(data: Data, options: Options, exact: list[np.ndarray], threads: _Threads) -> Iterator[Row]:
    faiss = _faiss()
    n, dim = data.vectors.shape
    nlist = options.nlist or round(4 * np.sqrt(n))
    train = data.vectors[
        np.sort(np.random.default_rng(1).choice(n, size=min(n, TRAIN_PER_LIST * nlist), replace=False))
    ]
    quantizer = faiss.IndexFlatIP(dim)  # trained once: the second kind reuses its k-means
    kinds = [k for k in ("ivf", "ivf-sq8") if k in options.dense]
    for kind in kinds:

        def build(kind: str = kind) -> Any:
            if kind == "ivf":
                index = searched = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            else:  # the lists hold 8-bit codes; IndexRefineFlat keeps the float vectors to rerank
                searched = faiss.IndexIVFScalarQuantizer(
                    quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
                )
                index = faiss.IndexRefineFlat(searched)
                index.k_factor = options.refine
            searched.cp.niter = KMEANS_ITERATIONS
            index.train(train)
            _add(index, data.vectors)
            return index

        def set_nprobe(index: Any, nprobe: int) -> None:
            faiss.extract_index_ivf(index).nprobe = nprobe

        # The second kind's build_s leaves out the k-means it shares with the first.
        extra = (
            (f" refine={options.refine}" + (" (k-means of ivf reused)" if kinds[0] == "ivf" else ""))
            if kind == "ivf-sq8"
            else ""
        )

        def label(nprobe: int, extra: str = extra) -> str:
            return f"nlist={nlist} nprobe={nprobe}{extra}"

        yield from _faiss_rows(kind, build, set_nprobe, options.nprobe, label, data, options, exact, threads)


def dense_rows(data: Data, options: Options) -> Iterator[Row]:
    n = len(data.vectors)
    threads = _Threads(options)
    exact = exact_top_k(data.vectors, data.query_vectors, K)
    if "flat" in options.dense:
        yield from flat_rows(data, options, exact)
    if "ivf" in options.dense or "ivf-sq8" in options.dense:
        yield from ivf_rows(data, options, exact, threads)
    if "hnsw" in options.dense:
        if options.skip_hnsw_above is not None and n > options.skip_hnsw_above:
            log.warning("dense n=%d: HNSW skipped (--skip-hnsw-above %d)", n, options.skip_hnsw_above)
        else:
            yield from hnsw_rows(data, options, exact, threads)


def lexical_rows(data: Data, options: Options) -> Iterator[Row]:
    n = len(data.tokens)
    log.info("lexical n=%d: building BM25", n)
    with Measured() as built:  # LexicalStore.build, keeping the term counts a segment keeps
        counts = TermCounts.of(data.tokens)
        store = LexicalStore.combine([counts])
    log.info("lexical n=%d: built in %.1f s (%d terms); querying", n, built.seconds, len(counts.terms))
    _, p50, p95 = latencies_ms(lambda i: store.search(data.query_tokens[i], K)[0], len(data.query_tokens))
    row = Row(
        "lexical", "bm25", n, built.seconds, built.rss_mb, built.peak_mb, p50, p95, params=f"{len(counts.terms)} terms"
    )
    if options.save:
        # A fresh vocabulary: an open that does not reuse the version served before.
        save_and_load(counts.save, lambda folder: LexicalStore.combine([TermCounts.load(folder)], Vocabulary()), row)
    yield row


def embedded_rows(data: Data, options: Options) -> Iterator[Row]:
    """The stores of rag/stores.py, in this process (what the app runs today)."""
    if "dense" in options.stores:
        yield from dense_rows(data, options)
    if "lexical" in options.stores:
        yield from lexical_rows(data, options)


def milvus_rows(data: Data, options: Options) -> Iterator[Row]:
    """rag/milvus.py's chunk collection on Milvus Lite, over the same data (benchmarks/scale_milvus.py)."""
    from scale_milvus import measure_milvus  # benchmarks/ is sys.path[0] when scale.py runs

    for row in measure_milvus(data.vectors, data.tokens, data.query_vectors, data.query_tokens, k=K):
        yield Row(**row)


# A backend measures its stores over the same generated data and yields rows.
BACKENDS: dict[str, Callable[[Data, Options], Iterator[Row]]] = {"embedded": embedded_rows, "milvus": milvus_rows}


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


def _pair(text: str) -> tuple[int, int]:
    m, ef = text.split(":")
    return int(m), int(ef)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="numbers of chunks")
    parser.add_argument("--queries", type=int, default=200, help="single queries timed per store")
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="embedded")
    parser.add_argument("--stores", nargs="+", choices=["dense", "lexical"], default=["dense", "lexical"])
    parser.add_argument(
        "--dense", nargs="+", choices=["flat", "hnsw", "ivf", "ivf-sq8"], default=["flat", "hnsw", "ivf", "ivf-sq8"]
    )
    parser.add_argument(
        "--hnsw", type=_pair, nargs="+", default=[(32, 80)], metavar="M:EFC", help="HNSW graphs to build"
    )
    parser.add_argument("--ef-search", type=int, nargs="+", default=[128, 256, 512], help="HNSW efSearch values swept")
    parser.add_argument("--nlist", type=int, default=None, help="IVF lists (default 4*sqrt(n))")
    parser.add_argument(
        "--nprobe", type=int, nargs="+", default=[32, 64, 128, 256, 512], help="IVF nprobe values swept"
    )
    parser.add_argument("--refine", type=int, default=4, help="ivf-sq8: candidates reranked exactly, times k")
    parser.add_argument("--segment-rows", type=int, default=500, help="flat: rows per segment (source file)")
    parser.add_argument("--skip-hnsw-above", type=int, default=None, metavar="N", help="no HNSW build above N vectors")
    parser.add_argument(
        "--noise-cos", type=float, default=NOISE_COS, help="mean cosine of a generated vector to its base"
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the embedded base texts are cached")
    parser.add_argument("--no-save", action="store_true", help="skip the save and reload (disk_mb, load_s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON object per row instead of a table")
    parser.add_argument("--threads", type=int, default=1, help="FAISS OpenMP threads for queries (0: all cores)")
    parser.add_argument("--build-threads", type=int, default=0, help="FAISS OpenMP threads for builds (0: all cores)")
    parser.add_argument(
        "--embedder-rate",
        action="store_true",
        help="only measure the embedder's texts/s and the record bytes per chunk",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.embedder_rate:
        log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
        print(json.dumps(embedder_rate(), ensure_ascii=False, indent=1))
        log.info("load average %.2f %.2f %.2f at the end", *os.getloadavg())
        return
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    # Loaded up front, so that no build time or RSS growth counts loading the libraries.
    _faiss()
    importlib.import_module("scipy.sparse")  # the BM25 store's matrices
    options = Options(
        dense=args.dense, stores=args.stores, hnsw=args.hnsw, ef_search=args.ef_search, nlist=args.nlist,
        nprobe=args.nprobe, refine=args.refine, segment_rows=args.segment_rows, skip_hnsw_above=args.skip_hnsw_above,
        threads=args.threads, build_threads=args.build_threads, save=not args.no_save,
    )  # fmt: skip
    measure = BACKENDS[args.backend]

    log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
    if not args.json:
        print(" ".join(f"{c:>9}" for c in COLUMNS), flush=True)
    for n in args.sizes:
        log.info("n=%d: generating data", n)
        with Measured() as made:
            data = realistic_data(n, args.seed, args.queries, args.cache, args.noise_cos)
        log.info("n=%d: data %s", n, json.dumps(data.stats))
        emit(
            Row(
                "data",
                "input",
                n,
                made.seconds,
                made.rss_mb,
                made.peak_mb,
                params=f"cos to base {data.stats['cos_to_base']:.3f}",
            ),
            args.json,
        )
        for row in measure(data, options):
            emit(row, args.json)
        del data
        log.info("load average %.2f %.2f %.2f after n=%d", *os.getloadavg(), n)


if __name__ == "__main__":
    main()
