"""The records that flow through the pipeline: documents -> chunks.

Every position is a character offset into `Document.text`, the cleaned text of one
logical document, so a citation can always be highlighted exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A section heading inside a document, spanning `text[start:end]`; a heading written on
    several consecutive lines has those lines joined by a space as its title."""

    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True)
class Document:
    """One logical document: a report, a speech or an article (a file may hold several)."""

    doc_id: str
    title: str
    source: str
    text: str
    date: str | None = None
    headings: tuple[Heading, ...] = field(default=(), repr=False)

    def heading_path(self, offset: int) -> tuple[str, ...]:
        """The chain of headings (outermost first) in force at `offset`."""
        path: list[Heading] = []
        for heading in self.headings:
            if heading.start > offset:
                break
            while path and path[-1].level >= heading.level:
                path.pop()
            path.append(heading)
        return tuple(h.title for h in path)


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of a document: `document.text[start:end] == text`."""

    doc_id: str
    chunk_id: str
    title: str
    heading: tuple[str, ...]
    start: int
    end: int
    text: str
