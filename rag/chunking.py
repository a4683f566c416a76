"""Chunking documents into retrievable spans with exact offsets, and finding sentences.

LangChain's recursive splitter cuts at the largest boundary that fits: paragraph, line,
sentence end (。！？；), then clause (，、). Offsets are found by locating each piece in
the document text, so `document.text[chunk.start:chunk.end] == chunk.text` by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.language import CJK
from rag.schema import Chunk, Document

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "!", "?", "；", ";", "，", ",", "、", ""]


def _splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
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


# A sentence runs to a sentence-ending mark (with any closing quotes after it) or to the
# end of its line; "…" alone does not end one, since it often stands inside a quote.
_SENTENCE = re.compile(r"[^\n]*?(?:[。！？!?；;]+[”’」』）)\"']*|(?=\n)|$)")
_WORD = re.compile(rf"[0-9A-Za-z{CJK}]")
MIN_SENTENCE_WORD_CHARS = 4


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, surrounding spaces excluded; fragments
    with fewer than 4 letters, digits or Chinese characters (stray labels) are skipped."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if len(_WORD.findall(text[start:end])) >= MIN_SENTENCE_WORD_CHARS:
            spans.append((start, end))
    return spans
