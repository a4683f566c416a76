"""Chunking: documents -> chunks with exact offsets and heading paths (`chunks`); the
sentence spans of a text (`sentences`)."""

from rag.chunking.chunks import chunk_documents
from rag.chunking.sentences import sentence_spans

__all__ = ["chunk_documents", "sentence_spans"]
