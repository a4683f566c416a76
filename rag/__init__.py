"""Question answering over Chinese policy reports with exact, checkable citations."""

from rag.chunking import chunk_documents
from rag.engine import Engine
from rag.index import BadIndexError
from rag.ingest import load_documents
from rag.schema import Answer, Chunk, Citation, Document, DocumentFilter, Heading, Hit, Match, Sentence
from rag.settings import Settings

__all__ = [
    "Answer",
    "BadIndexError",
    "Chunk",
    "Citation",
    "Document",
    "DocumentFilter",
    "Engine",
    "Heading",
    "Hit",
    "Match",
    "Sentence",
    "Settings",
    "chunk_documents",
    "load_documents",
]
