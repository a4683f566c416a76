"""How the Milvus backend's storage scales on Milvus Lite: insert, flush, load, search, memory, disk.

`measure_milvus(vectors, token_lists, query_vectors, query_tokens, k)` lays n chunks out as
rag/stores/milvus does (`create_collections(connection, dim)` on a fresh Milvus Lite file: the `_chunks`
collection with its HNSW index `DENSE_INDEX` on `vector`, SPARSE_INVERTED_INDEX/IP on `bm25`,
INVERTED on `segment` and `doc_id`), inserts rows shaped as `_insert` makes them (pk
"<segment>/<row>", one segment and one document per `SEGMENT_ROWS` rows as if each were a
source file, the text, the vector, the BM25 weights `tf / (tf + norm)` computed by
`rag.stores.milvus.layout.term_weights` with the average length of all n rows) in batches of
`INSERT_BATCH`, then flushes. A fresh process then opens the file (a new client on the same
path in this process would reuse the running in-process server, not read the disk), times
`load_collection`, and searches: dense with `dense_params(k)` (HNSW ef 128), recall@k
against exact numpy search; BM25 with query weights idf (as `MilvusLexical.search`), its
top-k compared with the embedded `LexicalStore`'s exact BM25 (see the bm25 row). Only the chunks collection is filled: the
sentences collection is the same shape without text and BM25 (about 5 sentences a chunk
in the corpora, so a library's sentences cost several times its chunks' dense figures).

Rows (dicts with the fields of benchmarks/scale.py's `Row`, so `Row(**row)` makes one):
- kind `write`: build_s = insert + flush + close. Milvus Lite builds a segment's HNSW graph
  in a background thread after the flush and writes it beside the data; stopping the
  server waits for that, so close is the index build. rss_mb / peak_mb: the writing
  process's RSS growth and peak (VmHWM) growth, the in-process Milvus Lite server
  included, the input data not; disk_mb the .db folder; load_s the reader's
  `load_collection` (a new client and the load); params the split and the insert rate.
- kind `hnsw`: p50_ms / p95_ms of single dense searches (output_fields=["pk"]) in the
  reader, recall@k; rss_mb the reader's RSS growth over the load, peak_mb its peak growth
  (VmHWM reset at its start: Linux carries ru_maxrss over from the forking parent);
  load_s the first dense search after the load.
- kind `bm25`: p50_ms / p95_ms of single sparse searches; recall the share of the exact BM25
  top k of `LexicalStore` matched by hits of at least its k-th score (near-duplicate chunks
  tie; the plain overlap is in params); load_s the first sparse search (Milvus Lite builds the
  segment's sparse posting lists then, in Python).
Latencies are wall-clock in a process that shares the CPU (the load average is logged).

Standalone, with synthetic clustered data (base vectors plus Gaussian noise, unit, 384-d;
token lists drawn from a Zipf vocabulary) or, with `--realistic`, benchmarks/scale.py's
`realistic_data` (real e5 vectors of corpus texts plus noise, real token lists):

Usage: .venv/bin/python benchmarks/scale_milvus.py [--sizes 10000 100000] [--queries 200]
       [--realistic] [--json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.stores import LexicalStore, TermCounts, bm25_idf

ROOT = Path(__file__).resolve().parents[1]

log = logging.getLogger("scale_milvus")

K = 10
SEGMENT_ROWS = 500  # rows per pretend source file (segment), as scale.py's flat store
PREP_BATCH = 20_000  # rows whose BM25 weights and row dicts are made at a time
DIM = 384


# Memory ---------------------------------------------------------------------------------------


def status_mb(field: str) -> float:
    """VmRSS / VmHWM of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(field)


def reset_peak() -> None:
    """Make VmHWM the current RSS (so that a later VmHWM is the peak of what follows)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# Writing --------------------------------------------------------------------------------------


def _quiet() -> None:
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    for name in ("pymilvus", "pymilvus.milvus_client", "grpc._server", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _backend(db: Path) -> Any:
    from rag.settings import Settings
    from rag.stores.milvus import MilvusBackend

    settings = Settings(index_dir=db.parent / "index", backend="milvus", milvus_uri=str(db), milvus_collection="scale")
    return MilvusBackend(settings)


def chunk_rows(at: int, vectors: np.ndarray, tokens: Sequence[Sequence[str]], average: float) -> list[dict[str, Any]]:
    """Rows `at`.. as `MilvusBackend._insert` makes them (weights by `term_weights`)."""
    from rag.stores.milvus.layout import fit_varchar, term_weights

    weights = term_weights(TermCounts.of(tokens), average)
    rows = []
    for i, (v, ts, w) in enumerate(zip(vectors, tokens, weights), start=at):
        segment = f"s{i // SEGMENT_ROWS:07d}"
        rows.append({"pk": f"{segment}/{i % SEGMENT_ROWS}", "segment": segment, "doc_id": f"d{i // SEGMENT_ROWS:07d}", "text": fit_varchar("".join(ts)), "vector": v.tolist(), "bm25": w})  # fmt: skip
    return rows


def write(db: Path, vectors: np.ndarray, token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    """Create the collections as rag/milvus.py does, insert the chunks, flush."""
    from rag.stores.milvus.connection import CHUNKS, INSERT_BATCH
    from rag.stores.milvus.layout import create_collections

    n = len(vectors)
    average = sum(len(t) for t in token_lists) / max(n, 1)
    rss = status_mb("VmRSS")
    reset_peak()
    backend = _backend(db)
    create_collections(backend.connection, int(vectors.shape[1]))
    name = backend.connection.name(CHUNKS)
    prep_s = insert_s = 0.0
    started_all = time.perf_counter()
    last_log = started_all
    with backend.connection.calls() as client:
        for start in range(0, n, PREP_BATCH):
            started = time.perf_counter()
            rows = chunk_rows(
                start, vectors[start : start + PREP_BATCH], token_lists[start : start + PREP_BATCH], average
            )
            prep_s += time.perf_counter() - started
            started = time.perf_counter()
            for at in range(0, len(rows), INSERT_BATCH):
                client.insert(name, rows[at : at + INSERT_BATCH])
            insert_s += time.perf_counter() - started
            del rows
            if time.perf_counter() - last_log > 30:
                last_log = time.perf_counter()
                log.info("  inserted %d / %d rows (%.0f rows/s), RSS %.0f MB, load %s", start + PREP_BATCH, n, (start + PREP_BATCH) / insert_s, status_mb("VmRSS"), load_average())  # fmt: skip
        started = time.perf_counter()
        client.flush(name)
        flush_s = time.perf_counter() - started
        client.close()
    peak = status_mb("VmHWM") - rss
    grown = status_mb("VmRSS") - rss
    from milvus_lite.server_manager import server_manager_instance

    started = time.perf_counter()
    server_manager_instance.release_server(str(db))  # stops the in-process server: the reader reads the disk
    close_s = time.perf_counter() - started
    backend.connection._client = None
    return {"prep_s": prep_s, "insert_s": insert_s, "flush_s": flush_s, "close_s": close_s, "write_rss_mb": grown, "write_peak_mb": peak, "write_total_s": time.perf_counter() - started_all}  # fmt: skip


# Reading (a fresh process) --------------------------------------------------------------------


def reader(folder: Path) -> None:
    """In a fresh process: load the collection, time searches, write reader.json."""
    _quiet()
    job = json.loads((folder / "queries.json").read_text())
    base_rss = status_mb("VmRSS")
    reset_peak()  # ru_maxrss would start at the parent's peak: Linux keeps it across exec
    from pymilvus import MilvusClient

    from rag.stores.milvus.connection import CHUNKS
    from rag.stores.milvus.search import dense_params

    started = time.perf_counter()
    client = MilvusClient(uri=job["db"])
    name = f"scale_{CHUNKS}"
    client.load_collection(name)
    load_s = time.perf_counter() - started
    loaded_rss = status_mb("VmRSS")
    k = job["k"]
    params = dense_params(k)
    vectors = np.load(folder / "queries.npy")

    def dense(i: int) -> list[dict[str, Any]]:
        return client.search(name, data=[vectors[i].tolist()], anns_field="vector", limit=k, output_fields=["pk"], search_params=params)[0]  # fmt: skip

    def sparse(i: int) -> list[dict[str, Any]]:
        weights = {int(key): w for key, w in job["sparse"][i].items()}
        if not weights:
            return []
        return client.search(name, data=[weights], anns_field="bm25", limit=k, output_fields=["pk"], search_params={"metric_type": "IP"})[0]  # fmt: skip

    out: dict[str, Any] = {"load_s": load_s}
    started = time.perf_counter()
    dense(0)
    out["first_dense_s"] = time.perf_counter() - started
    started = time.perf_counter()
    sparse(0)
    out["first_sparse_s"] = time.perf_counter() - started
    for kind, search in (("dense", dense), ("sparse", sparse)):
        for i in range(min(5, len(vectors))):
            search(i)
        times, found = [], []
        for i in range(len(vectors)):
            started = time.perf_counter()
            hits = search(i)
            times.append((time.perf_counter() - started) * 1000)
            found.append([h["pk"] for h in hits])
        out[kind] = {
            "p50_ms": float(np.percentile(times, 50)),
            "p95_ms": float(np.percentile(times, 95)),
            "found": found,
        }
    client.close()
    out["rss_mb"] = loaded_rss - base_rss
    out["rss_after_mb"] = status_mb("VmRSS") - base_rss
    out["peak_mb"] = status_mb("VmHWM") - base_rss
    out["maxrss_mb"] = status_mb("VmHWM")
    (folder / "reader.json").write_text(json.dumps(out))
    os._exit(0)  # skip the in-process server's slow shutdown


def pk_row(pk: str) -> int:
    segment, _, local = pk.rpartition("/")
    return int(segment[1:]) * SEGMENT_ROWS + int(local)


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> list[set[int]]:
    out: list[set[int]] = []
    for start in range(0, len(queries), 64):
        block = queries[start : start + 64] @ vectors.T
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        out += [set(t.tolist()) for t in top]
    return out


def measure_milvus(
    vectors: np.ndarray,
    token_lists: Sequence[Sequence[str]],
    query_vectors: np.ndarray,
    query_tokens: Sequence[Sequence[str]],
    k: int = K,
    keep: Path | None = None,
    timeout_s: float = 3600,
) -> list[dict[str, Any]]:
    """The Milvus backend's chunk storage on Milvus Lite for these n chunks (see the module
    docstring): rows with the fields of scale.py's `Row`."""
    from rag.stores.milvus.layout import term_key

    _quiet()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    query_vectors = np.ascontiguousarray(query_vectors, dtype=np.float32)
    n = len(vectors)
    folder = Path(tempfile.mkdtemp(prefix=f"milvus-scale-{n}-", dir=keep))
    db = folder / "scale.db"
    try:
        log.info("milvus n=%d: writing (load %s)", n, load_average())
        started = time.perf_counter()
        written = write(db, vectors, token_lists)
        written["write_call_s"] = time.perf_counter() - started
        log.info(
            "milvus n=%d: %s (load %s)", n, json.dumps({k: round(v, 1) for k, v in written.items()}), load_average()
        )

        # BM25 queries as MilvusLexical.search weighs them (idf of the whole library).
        counts = TermCounts.of(token_lists)
        df = dict(zip(counts.terms, np.bincount(counts.term_ids, minlength=len(counts.terms)).tolist()))
        store = LexicalStore.combine([counts])
        del counts
        sparse = []
        for tokens in query_tokens:
            weights: dict[int, float] = {}
            for token in tokens:
                weights[term_key(token)] = weights.get(term_key(token), 0.0) + bm25_idf(n, df.get(token, 0))
            sparse.append({str(key): w for key, w in weights.items()})
        exact_bm25, bm25_scores = [], []
        for tokens in query_tokens:
            scores = store.scores(list(tokens))
            exact_bm25.append(set(store.search(list(tokens), k)[0].tolist()))
            bm25_scores.append(scores)
        del store, df
        exact = exact_top_k(vectors, query_vectors, k)
        (folder / "queries.json").write_text(json.dumps({"db": str(db), "k": k, "sparse": sparse}))
        np.save(folder / "queries.npy", query_vectors)

        log.info("milvus n=%d: loading and searching in a fresh process", n)
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--reader", str(folder)], check=True, timeout=timeout_s)
        reader_s = time.perf_counter() - started
        got = json.loads((folder / "reader.json").read_text())
        disk = folder_mb(db)
        dense_found = [{pk_row(p) for p in f} for f in got["dense"]["found"]]
        sparse_found = [{pk_row(p) for p in f} for f in got["sparse"]["found"]]
        recall = float(np.mean([len(f & e) / k for f, e in zip(dense_found, exact)]))
        bm25_overlap = float(
            np.mean([len(f & e) / max(len(e), 1) for f, e in zip(sparse_found, exact_bm25) if e] or [1.0])
        )
        # Near-duplicate chunks tie: a hit counts when its exact score reaches the exact k-th
        # score (to float32 rounding), whichever of the tied rows either side returned.
        bm25_agree = float(np.mean([
            sum(scores[r] >= min(scores[list(e)]) * (1 - 1e-5) for r in f) / len(e)
            for f, e, scores in zip(sparse_found, exact_bm25, bm25_scores) if e
        ] or [1.0]))  # fmt: skip
        build_s = written["insert_s"] + written["flush_s"] + written["close_s"]
        log.info(
            "milvus n=%d: load %.1f s, reader %.1f s, disk %.0f MB (load %s)",
            n,
            got["load_s"],
            reader_s,
            disk,
            load_average(),
        )
        hnsw = f"M=16 efConstruction=200 ef={max(128, k)}"
        return [
            {
                "store": "milvus", "kind": "write", "n": n, "build_s": build_s,
                "rss_mb": written["write_rss_mb"], "peak_mb": written["write_peak_mb"],
                "p50_ms": None, "p95_ms": None, "recall": None, "disk_mb": disk, "load_s": got["load_s"],
                "params": f"insert {written['insert_s']:.1f}s ({n / max(written['insert_s'], 1e-9):.0f} rows/s) flush {written['flush_s']:.1f}s index+close {written['close_s']:.1f}s rows-prep {written['prep_s']:.1f}s",
            },
            {
                "store": "milvus", "kind": "hnsw", "n": n, "build_s": build_s,
                "rss_mb": got["rss_mb"], "peak_mb": got["peak_mb"],
                "p50_ms": got["dense"]["p50_ms"], "p95_ms": got["dense"]["p95_ms"], "recall": recall,
                "disk_mb": None, "load_s": got["first_dense_s"], "params": f"{hnsw}; reader peak RSS {got['maxrss_mb']:.0f} MB",
            },
            {
                "store": "milvus", "kind": "bm25", "n": n, "build_s": build_s,
                "rss_mb": None, "peak_mb": None,
                "p50_ms": got["sparse"]["p50_ms"], "p95_ms": got["sparse"]["p95_ms"], "recall": bm25_agree,
                "disk_mb": None, "load_s": got["first_sparse_s"], "params": f"sparse IP; recall = hits scoring at least LexicalStore's k-th (ties count); plain top-k overlap {bm25_overlap:.3f}",
            },
        ]  # fmt: skip
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


# Synthetic data -------------------------------------------------------------------------------


def synthetic_data(
    n: int, queries: int = 200, seed: int = 0, dim: int = DIM
) -> tuple[np.ndarray, list[list[str]], np.ndarray, list[list[str]]]:
    """Clustered unit vectors (n / 20 base vectors plus Gaussian noise) and Zipf token lists
    (80 tokens a chunk from a 50,000-word vocabulary), and queries made the same way."""
    rng = np.random.default_rng(seed)
    clusters = max(1, n // 20)
    bases = rng.standard_normal((clusters, dim), dtype=np.float32)
    bases /= np.linalg.norm(bases, axis=1, keepdims=True)
    vectors = np.empty((n, dim), np.float32)
    for start in range(0, n, 50_000):
        m = min(50_000, n - start)
        block = bases[rng.integers(0, clusters, m)] + 0.05 * rng.standard_normal((m, dim), dtype=np.float32)
        vectors[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    picked = vectors[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, dim), dtype=np.float32)
    query_vectors = (picked / np.linalg.norm(picked, axis=1, keepdims=True)).astype(np.float32)
    words = np.array([sys.intern(f"w{i}") for i in range(50_000)], dtype=object)
    ranks = np.minimum(rng.zipf(1.2, size=(n, 80)) - 1, len(words) - 1)
    token_lists = [words[r].tolist() for r in ranks]
    query_ranks = np.minimum(rng.zipf(1.5, size=(queries, 6)) - 1, len(words) - 1)
    return vectors, token_lists, query_vectors, [words[r].tolist() for r in query_ranks]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"
    return str(value)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--reader":
        reader(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--realistic", action="store_true", help="benchmarks/scale.py's realistic_data instead of synthetic data"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="keep the Milvus Lite files under this folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    _quiet()
    log.info("load average %s on %d cores", load_average(), os.cpu_count())
    header = False
    for n in args.sizes:
        started = time.perf_counter()
        if args.realistic:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from scale import realistic_data

            data = realistic_data(n, args.seed, args.queries)
            inputs = (data.vectors, data.tokens, data.query_vectors, data.query_tokens)
        else:
            inputs = synthetic_data(n, args.queries, args.seed)
        log.info("n=%d: data in %.1f s", n, time.perf_counter() - started)
        rows = measure_milvus(*inputs, k=K, keep=args.keep)
        for row in rows:
            if not args.json and not header:  # the columns of scale.py's Row, which rows hold
                print("| " + " | ".join(row) + " | load avg |\n" + "|" + "---|" * (len(row) + 1), flush=True)
                header = True
            print(json.dumps({**row, "load_average": load_average()}) if args.json else "| " + " | ".join(_cell(v) for v in row.values()) + f" | {load_average()} |", flush=True)  # fmt: skip
        del inputs, rows


if __name__ == "__main__":
    main()
