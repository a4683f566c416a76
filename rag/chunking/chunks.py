"""Chunking documents into retrievable spans with exact offsets.

LangChain's recursive splitter cuts at the largest boundary that fits: paragraph, line,
sentence end (。！？；), then clause (，、). Offsets are found by locating each piece in
the document text, so `document.text[chunk.start:chunk.end] == chunk.text` by construction.
"""

from __future__ import annotations

from collections.abc import Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.schema import Chunk, Document

# The boundaries the splitter cuts at, the largest first.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "!", "?", "；", ";", "，", ",", "、", ""]


def _splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    """The splitter for these sizes; separators stay at the end of the piece they close."""
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
    )


def _chunk_document(document: Document, splitter: RecursiveCharacterTextSplitter, overlap: int) -> list[Chunk]:
    """Split one document; each chunk knows its heading path at its first character.

    A piece starts after the previous piece's start and no earlier than the previous end
    minus the overlap; searching from there places it right even in repetitive text.
    """
    chunks: list[Chunk] = []
    for piece in splitter.split_text(document.text):
        if chunks:
            previous = chunks[-1]
            earliest = max(previous.start + 1, previous.end - overlap)
        else:
            earliest = 0
        start = document.text.find(piece, earliest)
        if start < 0:
            raise ValueError(f"chunk of {document.doc_id} not found in its text")
        end = start + len(piece)
        chunks.append(
            Chunk(
                doc_id=document.doc_id,
                chunk_id=f"{document.doc_id}#{len(chunks)}",
                title=document.title,
                heading=document.heading_path(start),
                start=start,
                end=end,
                text=piece,
            )
        )
    return chunks


def chunk_documents(documents: Iterable[Document], chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """All chunks of all documents, in document order."""
    splitter = _splitter(chunk_size, chunk_overlap)
    return [chunk for document in documents for chunk in _chunk_document(document, splitter, chunk_overlap)]
