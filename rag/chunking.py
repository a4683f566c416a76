"""Chunking documents into retrievable spans with exact offsets.

LangChain's recursive splitter cuts at the largest boundary that fits: paragraph, line,
sentence end (。！？；), then clause (，、). Offsets are found by locating each piece in
the document text, so `document.text[chunk.start:chunk.end] == chunk.text` by construction.
"""

from __future__ import annotations

from collections.abc import Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.schema import Chunk, Document

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "!", "?", "；", ";", "，", ",", "、", ""]


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    """The splitter used for every document (sizes in characters)."""
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
    )


def chunk_document(document: Document, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """Split one document; each chunk knows its heading path at its first character."""
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(document.text):
        start = document.text.find(piece, cursor)
        if start < 0:  # overlap may begin before the cursor
            start = document.text.find(piece)
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
        cursor = start + 1
    return chunks


def chunk_documents(documents: Iterable[Document], chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """All chunks of all documents, in document order."""
    splitter = make_splitter(chunk_size, chunk_overlap)
    return [chunk for document in documents for chunk in chunk_document(document, splitter)]
