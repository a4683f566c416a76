"""The torch runtime: a sentence-transformers model, for any model and on a GPU.

It embeds passages where the ONNX path is not taken (a GPU, `RAG_EMBED_RUNTIME=torch`, a
model that does not export) and is what the ONNX export is made from and checked against.
Importing sentence-transformers takes 5 s, so the model loads on first use.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from rag.embedding.protocol import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class TorchModel:
    """A sentence-transformers model id or folder, run by torch on `device`."""

    def __init__(self, name: str, path: str, device: str) -> None:
        self.name, self.path, self.device = name, path, device

    @functools.cached_property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model, loaded on first use (half precision on a GPU)."""
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(self.path, device=self.device, local_files_only=True)
        except Exception as exc:  # the library raises many kinds; all mean "cannot load"
            raise ModelError(f"cannot load embedding model {self.name!r}: {exc}".splitlines()[0]) from exc
        if self.device.startswith("cuda"):
            model.half()
        return model

    def prompts(self) -> tuple[str, str]:
        """The model's own query and passage prompts ("" where it has none)."""
        prompts = self.model.prompts or {}
        return prompts.get("query") or "", prompts.get("document") or prompts.get("passage") or ""

    def dim(self) -> int:
        return int(self.model.get_embedding_dimension() or 0)

    def encode(self, texts: list[str], prompt: str, batch_size: int, progress: bool) -> np.ndarray:
        """Normalised float32 vectors of `prompt` + each text."""
        vectors = self.model.encode(
            texts,
            prompt=prompt,
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)
