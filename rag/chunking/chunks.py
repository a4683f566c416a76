"""Chunking documents into retrievable spans with exact offsets, never across a section.

A document's headings cut it into sections (the text before the first heading is one too).
Short sections that follow each other merge into one chunk only while they share a heading
(siblings under one parent, or a heading with its first subsections), and that chunk's
heading path is then their common parent; a section longer than a chunk is cut inside
itself. So the heading path of a chunk always names the section of every sentence in it,
or a section that holds it.

Inside a section, LangChain's recursive splitter cuts at the largest boundary that fits:
paragraph, line, sentence end (。！？；), then clause (，、). Offsets are found by locating
each piece in the section's text, so `document.text[chunk.start:chunk.end] == chunk.text`
by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.schema import Chunk, Document, Heading

# The boundaries the splitter cuts at, the largest first.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "!", "?", "；", ";", "，", ",", "、", ""]


@dataclass(frozen=True)
class Section:
    """`text[start:end]` of a document under one chain of headings (outermost first)."""

    start: int
    end: int
    chain: tuple[Heading, ...]


def sections(document: Document) -> list[Section]:
    """The document cut at every heading's start: each section runs to the next heading."""
    starts = sorted({0, *(h.start for h in document.headings)})
    ends = [*starts[1:], len(document.text)]
    return [Section(s, e, document.heading_chain(s)) for s, e in zip(starts, ends) if document.text[s:e].strip()]


def _splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    """The splitter for these sizes; separators stay at the end of the piece they close."""
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
    )


def _common(a: tuple[Heading, ...], b: tuple[Heading, ...]) -> tuple[Heading, ...]:
    """The headings two chains share, outermost first."""
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return a[:shared]


def _runs(parts: list[Section], chunk_size: int) -> Iterator[Section]:
    """Consecutive sections merged while together they fit one chunk and share a heading;
    each run's chain is the headings its sections share."""
    run: Section | None = None
    for part in parts:
        if run is not None:
            shared = _common(run.chain, part.chain)
            if shared and part.end - run.start <= chunk_size:
                run = Section(run.start, part.end, shared)
                continue
            yield run
        run = part
    if run is not None:
        yield run


def _pieces(text: str, section: Section, splitter: RecursiveCharacterTextSplitter, overlap: int) -> list[tuple[int, int]]:
    """(start, end) of each piece of one section. A piece starts after the previous one's
    start and no earlier than the previous end minus the overlap; searching from there
    places it right even in repetitive text. A piece holding only the section's heading
    joins the piece after it (a heading alone answers nothing)."""
    body = text[section.start : section.end]
    spans: list[tuple[int, int]] = []
    for piece in splitter.split_text(body):
        earliest = max(spans[-1][0] + 1, spans[-1][1] - overlap) if spans else 0
        start = body.find(piece, earliest)
        if start < 0:
            raise ValueError(f"a chunk was not found in its section at offset {section.start}")
        spans.append((start, start + len(piece)))
    heading_end = max((h.end - section.start for h in section.chain if h.start == section.start), default=0)
    if len(spans) > 1 and spans[0][1] <= heading_end:
        spans[:2] = [(spans[0][0], spans[1][1])]
    return [(section.start + start, section.start + end) for start, end in spans]


def _chunk_document(document: Document, splitter: RecursiveCharacterTextSplitter, size: int, overlap: int) -> list[Chunk]:
    """Split one document, section by section; each chunk's heading path is its run's."""
    chunks: list[Chunk] = []
    for run in _runs(sections(document), size):
        for start, end in _pieces(document.text, run, splitter, overlap):
            chunks.append(
                Chunk(
                    doc_id=document.doc_id,
                    chunk_id=f"{document.doc_id}#{len(chunks)}",
                    title=document.title,
                    heading=tuple(h.title for h in run.chain),
                    start=start,
                    end=end,
                    text=document.text[start:end],
                )
            )
    return chunks


def chunk_documents(documents: Iterable[Document], chunk_size: int, chunk_overlap: int) -> list[Chunk]:
    """All chunks of all documents, in document order."""
    splitter = _splitter(chunk_size, chunk_overlap)
    return [chunk for document in documents for chunk in _chunk_document(document, splitter, chunk_size, chunk_overlap)]
