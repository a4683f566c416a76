"""Ingest: from files on disk to logical documents.

    load (rag.ingest.load)          files -> raw text (`RawText`, rag.ingest.raw) with the format's
                                    hints, read by one module per format (rag.ingest.formats)
    clean (rag.ingest.clean)        raw text -> clean text, and a ledger (rag.ingest.ledger) of what was removed
    split (rag.ingest.split)        clean text -> the documents the file holds (scored readings)
    structure (rag.ingest.structure)  each document -> 公文 elements, metadata (rag.ingest.fields),
                                    title (rag.ingest.titles) and date
    headings (rag.ingest.headings)  each document -> its heading tree

`understand` (rag.ingest.pipeline) runs them on one file and returns a `FileReport` with
every decision, which `rag inspect` prints; `load_documents` does it for whole folders.
"""

from rag.ingest.ledger import Removal
from rag.ingest.load import (
    SUPPORTED_SUFFIXES,
    extract_text,
    file_sha256,
    find_files,
    read_bytes,
    read_file,
    read_files,
)
from rag.ingest.pipeline import (
    INGEST_VERSION,
    FileReport,
    assign_ids,
    base_id,
    file_documents,
    load_documents,
    understand,
)
from rag.ingest.raw import Hints, LoadError, RawText

__all__ = [
    "INGEST_VERSION",
    "SUPPORTED_SUFFIXES",
    "FileReport",
    "Hints",
    "LoadError",
    "RawText",
    "Removal",
    "assign_ids",
    "base_id",
    "extract_text",
    "file_documents",
    "file_sha256",
    "find_files",
    "load_documents",
    "read_bytes",
    "read_file",
    "read_files",
    "understand",
]
