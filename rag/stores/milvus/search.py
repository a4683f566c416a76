"""`VectorSearch` and `TextSearch` over the Milvus collections: HNSW search on the server,
exact scores from fetched vectors for a few rows, and BM25 as sparse inner products (see
the package docstring)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from rag.index.segment import SegmentRecords
from rag.stores.bm25 import bm25_idf
from rag.stores.milvus.connection import MAX_TOPK, MilvusConnection
from rag.stores.milvus.fetch import Fetcher
from rag.stores.milvus.layout import term_key

# `score` of up to this many rows fetches their vectors (cached: a pk's vector never
# changes) and scores them exactly; more rows are scored by one search among their documents.
FETCH_ROWS = 4096
SEARCH_EF = 128


class CollectionRows:
    """The rows of one collection as one index version numbers them: segments one after
    another, in the version's order. Hits of segments the version does not hold (added
    since, or being added) are left out."""

    def __init__(self, connection: MilvusConnection, fetcher: Fetcher, kind: str, dim: int, segments: Sequence[SegmentRecords], doc_ids: list[list[str]]) -> None:  # fmt: skip
        self.connection = connection
        self.fetcher = fetcher
        self.kind = kind
        self.dim = dim
        self.ids = [s.id for s in segments]
        sizes = [len(d) for d in doc_ids]
        self.starts = np.cumsum([0, *sizes])[:-1].astype(np.int64)
        self.first = dict(zip(self.ids, self.starts.tolist()))
        self.doc_of = [d for docs in doc_ids for d in docs]
        self.all_docs = set(self.doc_of)

    def pks(self, rows: np.ndarray) -> list[str]:
        part = np.searchsorted(self.starts, rows, side="right") - 1
        return [f"{self.ids[p]}/{r - self.starts[p]}" for p, r in zip(part.tolist(), rows.tolist())]

    def row(self, pk: str) -> int | None:
        segment, _, local = pk.rpartition("/")
        first = self.first.get(segment)
        return None if first is None else first + int(local)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of `rows`."""
        return self.fetcher.vectors(self.kind, self.pks(rows), self.dim)

    def search(
        self, field: str, data: Any, k: int, allowed: np.ndarray | None, params: dict[str, Any]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the best `k` hits, among `allowed` rows' documents when given."""
        expression, wanted = "", None
        if allowed is not None:
            wanted = set(np.asarray(allowed, dtype=np.int64).tolist())
            if not wanted:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            expression = self._within({self.doc_of[r] for r in wanted})
        hits = []
        for pk, score in self.connection.search(self.kind, field, data, k, expression, params):
            row = self.row(pk)
            if row is not None and (wanted is None or row in wanted):
                hits.append((row, score))
        return np.asarray([r for r, _ in hits], dtype=np.int64), np.asarray([s for _, s in hits], dtype=np.float32)

    def _within(self, doc_ids: set[str]) -> str:
        """A filter for rows of `doc_ids`: as the documents left out when they are most of
        the library ("similar" searches every document but one)."""
        others = self.all_docs - doc_ids
        if len(others) < len(doc_ids):
            return f"doc_id not in {json.dumps(sorted(others), ensure_ascii=False)}" if others else ""
        return f"doc_id in {json.dumps(sorted(doc_ids), ensure_ascii=False)}"


class MilvusVectors:
    """`VectorSearch` over a collection's vectors: HNSW search on the server."""

    def __init__(self, rows: CollectionRows) -> None:
        self.rows = rows

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        vector = query.reshape(-1).astype(np.float32)
        if allowed is not None and len(allowed) <= FETCH_ROWS:  # exact, as the embedded store is
            rows = np.asarray(allowed, dtype=np.int64)
            scores = self.score(vector, rows)
            best = np.argsort(-scores, kind="stable")[:k]
            return rows[best], scores[best]
        return self.rows.search("vector", vector.tolist(), k, allowed, dense_params(k))

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosines for up to `FETCH_ROWS` rows; beyond, the best `MAX_TOPK` of them
        by one search (the others get -1: callers rank and keep the best few)."""
        rows = np.asarray(rows, dtype=np.int64)
        vector = query.reshape(-1).astype(np.float32)
        if len(rows) <= FETCH_ROWS:
            return self.rows.vectors(rows) @ vector
        found, scores = self.rows.search("vector", vector.tolist(), MAX_TOPK, rows, dense_params(MAX_TOPK))
        out = np.full(len(rows), -1.0, np.float32)
        position = {r: i for i, r in enumerate(rows.tolist())}
        for row, score in zip(found.tolist(), scores.tolist()):
            out[position[row]] = score
        return out


class MilvusLexical:
    """`TextSearch` as BM25 over the chunks' sparse vectors (see the package docstring)."""

    def __init__(self, rows: CollectionRows, df: dict[str, int]) -> None:
        self.rows = rows
        self.df = df
        self.size = len(rows.doc_of)

    def idf(self, token: str) -> float:
        return bm25_idf(self.size, self.df.get(token, 0))

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        weights: dict[int, float] = {}
        for token in tokens:  # a repeated word counts again, as in the embedded store
            key = term_key(token)
            weights[key] = weights.get(key, 0.0) + self.idf(token)
        if not weights or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return self.rows.search("bm25", weights, k, allowed, {"metric_type": "IP"})


def dense_params(k: int) -> dict[str, Any]:
    """HNSW search parameters for `k` hits: `ef` at least k."""
    return {"metric_type": "IP", "params": {"ef": max(SEARCH_EF, min(k, MAX_TOPK))}}
