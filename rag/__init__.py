"""Question answering over Chinese policy reports with exact, checkable citations."""

from rag.chunking import chunk_documents
from rag.corpus import load_documents
from rag.engine import Engine
from rag.indexing import BadIndexError
from rag.schema import Chunk, Document, Heading, Hit, Sentence
from rag.settings import Settings

__all__ = [
    "BadIndexError",
    "Chunk",
    "Document",
    "Engine",
    "Heading",
    "Hit",
    "Sentence",
    "Settings",
    "chunk_documents",
    "load_documents",
]
