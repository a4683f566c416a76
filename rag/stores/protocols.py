"""What retrieval and answering ask of the search structures, whichever backend holds them:
the embedded stores (`DenseStore`, `LexicalStore`) or the Milvus adapters (rag/stores/milvus).
Rows are positions in the index: row `i` is chunk (or sentence) `i` of the loaded version."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class VectorSearch(Protocol):
    """What retrieval asks of chunk or sentence vectors, whichever backend holds them
    (`DenseStore` here, `rag.stores.milvus` on a Milvus server). Rows are positions in the index."""

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the `k` nearest vectors, optionally among `allowed` rows only."""
        ...

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosine of `query` with each of `rows`."""
        ...


class TextSearch(Protocol):
    """What retrieval and answering ask of BM25, whichever backend holds it."""

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the best `k` rows with a positive score."""
        ...

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of `token` over the whole library."""
        ...
