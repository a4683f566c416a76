"""Question answering over Chinese policy reports with exact, checkable citations."""

from rag.chunking import chunk_documents
from rag.corpus import load_documents
from rag.schema import Chunk, Document, Heading
from rag.settings import Settings

__all__ = ["Chunk", "Document", "Heading", "Settings", "chunk_documents", "load_documents"]
