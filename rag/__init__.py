"""Question answering over Chinese policy reports with exact, checkable citations."""

from rag.chunking import chunk_documents
from rag.corpus import load_documents
from rag.engine import Engine
from rag.indexing import BadIndexError
from rag.schema import Answer, Chunk, Citation, Document, Heading, Hit, Match, Sentence
from rag.settings import Settings

__all__ = [
    "Answer",
    "BadIndexError",
    "Chunk",
    "Citation",
    "Document",
    "Engine",
    "Heading",
    "Hit",
    "Match",
    "Sentence",
    "Settings",
    "chunk_documents",
    "load_documents",
]
