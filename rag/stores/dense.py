"""Dense search: nearest neighbours among a loaded index's chunk (or sentence) vectors.

Row `i` is chunk `i` of the index. Inner product over normalised vectors (cosine). Each
segment's vectors are scored exactly where they lie, memory-mapped; a segment of
`hnsw_threshold` vectors or more brings its own FAISS HNSW graph, built once when it was
written (benchmarks/scale.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np

# How far an HNSW graph search looks: 128 found 0.87 of the true top 10 at 1M realistic
# vectors, 512 finds 0.96 at 6 ms p95 (benchmarks/scale.py, docs/benchmarks.md "Scale").
HNSW_EF_SEARCH = 512
# Vectors go into an HNSW graph this many rows at a time.
ADD_BATCH = 8192
# Consecutive segments' vectors are joined into runs of about this many segments (cut by
# their ids' hashes) and at most this many rows: few enough parts that a search pays
# little per part (a matrix-vector product over a small array runs at about half the
# speed of one over a big one), small enough that a change joins little again.
RUN_BLOCKS = 16
RUN_ROWS = 65536
# Vectors as one array, or as a list of row vectors (which identical texts can share).
VectorRows = np.ndarray | Sequence[np.ndarray]
# A FAISS index (typed loosely: faiss ships no type hints).
faiss_index = Any


class DenseStore:
    """Nearest-neighbour search over unit vectors by inner product.

    A store is a list of parts, each over a contiguous range of rows: a run of consecutive
    segments' vectors joined into one array and scored exactly, or the HNSW graph of a
    segment big enough to have its own. Runs are cut where a segment's key says, not by
    position, so adding or removing a file changes only the run it falls in; the next
    version's store takes the other runs from the one served before (`combine(reuse=...)`)
    and joins only that one again: opening after an upload costs the upload, not the library."""

    def __init__(self, parts: Sequence[tuple[int, np.ndarray | faiss_index]], dim: int, runs: dict[tuple[str, ...], np.ndarray] | None = None) -> None:  # fmt: skip
        self.parts = list(parts)  # (first row, array or FAISS index), in row order
        self.dim = dim
        self.runs = runs or {}  # the keys of a run's segments -> its joined array
        self.size = sum(row_count(block) for _, block in self.parts)
        self._starts = np.asarray([start for start, _ in self.parts], dtype=np.int64)
        self._graphs: list[tuple[int, faiss_index]] = [(start, block) for start, block in self.parts if is_graph(block)]
        self._arrays = [block for _, block in self.parts if not is_graph(block)]
        # The row of each score the arrays give, joined.
        ranges = [np.arange(start, start + len(block)) for start, block in self.parts if not is_graph(block)]
        self._array_rows = np.concatenate(ranges) if ranges else np.zeros(0, np.int64)

    @staticmethod
    def graph(vectors: VectorRows, dim: int) -> faiss_index:
        """An HNSW graph over `vectors`, for a segment too big to search exactly."""
        import faiss

        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
        for at in range(0, len(vectors), ADD_BATCH):
            index.add(np.ascontiguousarray(np.asarray(vectors[at : at + ADD_BATCH], dtype=np.float32)))
        return index

    @classmethod
    def combine(
        cls,
        blocks: Sequence[VectorRows | faiss_index],
        dim: int,
        keys: Sequence[str] | None = None,
        reuse: DenseStore | None = None,
    ) -> DenseStore:
        """A store of the rows of `blocks` in order. FAISS graphs are searched as they are;
        arrays (or lists of rows) are joined into runs. With `keys` (one per block, e.g.
        segment ids) a run ends after a block whose key's hash picks it, or at `RUN_ROWS`
        rows; without, all arrays make one run. Runs `reuse` holds are taken from it."""
        keys = list(keys) if keys is not None else [""] * len(blocks)
        held = reuse.runs if reuse is not None else {}
        parts: list[tuple[int, np.ndarray | faiss_index]] = []
        runs: dict[tuple[str, ...], np.ndarray] = {}
        run: list[tuple[str, VectorRows]] = []
        row = 0

        def close() -> None:
            rows = sum(len(b) for _, b in run)
            if rows:
                key = tuple(k for k, _ in run)
                joined = held.get(key)
                if joined is None:
                    joined = np.concatenate([np.asarray(b, dtype=np.float32).reshape(-1, dim) for _, b in run])
                runs[key] = joined
                parts.append((row - rows, joined))
            run.clear()

        for key, block in zip(keys, blocks, strict=True):
            if is_graph(block):
                close()
                parts.append((row, block))
            else:
                run.append((key, block))
            row += row_count(block)
            if key and (_cuts_after(key) or sum(len(b) for _, b in run) >= RUN_ROWS):
                close()
        close()
        return cls(parts, dim, runs)

    @property
    def kind(self) -> str:
        return "hnsw" if self._graphs else "flat"

    def __len__(self) -> int:
        return self.size

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and cosine scores of the `k` nearest vectors. With `allowed` (the rows
        of the documents a search is limited to) the scores are computed exactly over
        those rows: graph search with a filter misses results when few rows qualify."""
        query = query.reshape(-1).astype(np.float32)
        if allowed is not None:
            rows = np.asarray(allowed, dtype=np.int64)
            scores = self.score(query, rows) if len(rows) else np.zeros(0, np.float32)
        else:
            rows, scores = self._array_rows, np.concatenate([block @ query for block in self._arrays] or [np.zeros(0, np.float32)])
            if 0 < k < len(scores):
                best = np.argpartition(-scores, k - 1)[:k]
                rows, scores = rows[best], scores[best]
            for start, graph in self._graphs:
                found, ids = graph.search(query.reshape(1, -1), min(k, int(graph.ntotal)), params=_hnsw_params())
                keep = ids[0] >= 0
                rows, scores = np.concatenate([rows, ids[0][keep] + start]), np.concatenate([scores, found[0][keep]])
        best = np.argsort(-scores, kind="stable")[:k]
        return rows[best].astype(np.int64), scores[best].astype(np.float32)

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of `query` with the vectors of `rows`."""
        return self.vectors_of(rows) @ query.reshape(-1).astype(np.float32)

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of `rows`, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), self.dim), np.float32)
        part_of = np.searchsorted(self._starts, rows, side="right") - 1
        for p in np.unique(part_of).tolist():
            start, block = self.parts[p]
            mine = np.flatnonzero(part_of == p)
            local = rows[mine] - start
            out[mine] = block.reconstruct_batch(local) if is_graph(block) else block[local]
        return out


def _hnsw_params() -> Any:
    """Search parameters for every graph, whatever efSearch its file was written with
    (made per search: FAISS parameter objects are not meant to be shared between threads)."""
    import faiss

    return faiss.SearchParametersHNSW(efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]


def _cuts_after(key: str) -> bool:
    """Whether a run ends after the block of `key`: one key in `RUN_BLOCKS`, by its hash."""
    return int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16) % RUN_BLOCKS == 0


def is_graph(block: VectorRows | faiss_index) -> TypeGuard[faiss_index]:
    """Whether `block` is a FAISS index (a segment's HNSW graph), not vectors."""
    return hasattr(block, "ntotal")


def row_count(block: VectorRows | faiss_index) -> int:
    """How many vectors an array, a list of rows or a FAISS index holds."""
    return int(block.ntotal) if is_graph(block) else len(block)
