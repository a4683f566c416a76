"""The records that flow through the pipeline: documents -> chunks -> hits.

Every position is a character offset into `Document.text`, the cleaned text of one
logical document, so a citation can always be highlighted exactly.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from rag import language


@dataclass(frozen=True)
class Heading:
    """A section heading inside a document, spanning `text[start:end]`; a heading written on
    several consecutive lines has those lines joined by a space as its title."""

    start: int
    end: int
    level: int
    title: str


# Element kinds, in the order they appear in a 公文 (see `Element`).
ELEMENT_KINDS = (
    "issuer_mark", "doc_number", "title", "subtitle", "speaker", "recipient", "salutation",
    "attachment", "signature", "date", "dateline", "copy_to", "printed",
)


@dataclass(frozen=True)
class Element:
    """A part of an official document that is not body text, spanning `text[start:end]`:
    its title, 发文字号, 主送机关, 署名, 成文日期, a speaker line, ... (`kind` says which,
    see `ELEMENT_KINDS`). Answers never cite one as a fact."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Document:
    """One logical document: a report, a speech, a notice or an article (a file may hold
    several). `date` is its 成文日期 (or the page's publication date); `doc_number`,
    `issuer` and `kind` (通知, 意见, 报告, ...) are what users name documents by; `meta`
    holds the other metadata found (publication date, source, index number, ...)."""

    doc_id: str
    title: str
    source: str
    text: str
    date: str | None = None
    headings: tuple[Heading, ...] = field(default=(), repr=False)
    doc_number: str | None = None
    issuer: str | None = None
    kind: str | None = None
    meta: dict[str, str] = field(default_factory=dict, repr=False)
    elements: tuple[Element, ...] = field(default=(), repr=False)

    def heading_path(self, offset: int) -> tuple[str, ...]:
        """The titles of the headings (outermost first) in force at `offset`."""
        return tuple(h.title for h in self.heading_chain(offset))

    def heading_chain(self, offset: int) -> tuple[Heading, ...]:
        """The headings (outermost first) in force at `offset`."""
        starts, chains = self._heading_chains
        at = bisect_right(starts, offset)
        return chains[at - 1] if at else ()

    @cached_property
    def _heading_chains(self) -> tuple[list[int], list[tuple[Heading, ...]]]:
        """Each heading's start and the chain in force from there, computed once: a long
        report has thousands of headings and every chunk asks for its chain."""
        starts: list[int] = []
        chains: list[tuple[Heading, ...]] = []
        chain: list[Heading] = []
        for heading in self.headings:
            while chain and chain[-1].level >= heading.level:
                chain.pop()
            chain.append(heading)
            starts.append(heading.start)
            chains.append(tuple(chain))
        return starts, chains


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable span of a document: `document.text[start:end] == text`."""

    doc_id: str
    chunk_id: str
    title: str
    heading: tuple[str, ...]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A chunk returned by search, with its score (higher is better; fused ranks for
    hybrid search, so compare scores only within one result list)."""

    doc_id: str
    chunk_id: str
    title: str
    source: str
    heading: tuple[str, ...]
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence `text[start:end]` of a document; `chunk` is the position (in its segment's
    chunk list, or in the list it was cut with) of the chunk holding most of it. The
    index's rows of them are `Index.sentence_chunk`."""

    doc_id: str
    start: int
    end: int
    chunk: int


@dataclass(frozen=True)
class Citation:
    """A cited span, numbered as its `[n]` marker in the answer: `text == document.text[start:end]`.
    `level` says how strongly it supports its part of the answer, in words a reader
    understands ("强", "中", "弱"; see the user guide), or "" where no level applies."""

    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    text: str
    level: str = ""

    @classmethod
    def of(cls, n: int, document: Document, start: int, end: int, level: str = "") -> Citation:
        """Citation `n` of `document.text[start:end]`: the only way answers build one, so
        the span and its text always agree."""
        return cls(n, document.doc_id, document.title, document.source, start, end, document.text[start:end], level)


@dataclass(frozen=True)
class Answer:
    """An answer whose every claim carries a `[n]` marker pointing into `citations`.

    `sources` are the passages the answer was drawn from (the best near-misses when
    `abstained`, and `reason` then says why in one line); `unsupported` lists sentences
    of a generated answer that no cited sentence supports; `notes` tell the reader what
    happened (e.g. an LLM fallback)."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    sources: tuple[Hit, ...] = ()
    mode: str = "extractive"
    unsupported: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str | None = None  # why the answer abstained, in one line


@dataclass(frozen=True)
class Match:
    """Where a remembered sentence comes from: the original span `text == document.text[start:end]`,
    how similar it is to what was pasted (0-1), and whether the wording is verbatim."""

    doc_id: str
    title: str
    source: str
    start: int
    end: int
    text: str
    similarity: float
    exact: bool


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents a search or an answer may draw on: some ids, and the metadata users
    name documents by (a year, part of the issuer's name, a kind such as 通知, a 发文字号).
    Every given condition must hold; an empty filter lets every document through."""

    doc_ids: tuple[str, ...] = ()
    year: str | None = None
    issuer: str | None = None
    kind: str | None = None
    doc_number: str | None = None

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.year or self.issuer or self.kind or self.doc_number)

    def matches(self, document: Document) -> bool:
        def squashed(text: str | None) -> str:
            return "".join((text or "").split()).translate(language.DOC_NUMBER_BRACKETS)

        return (
            (not self.doc_ids or document.doc_id in self.doc_ids)
            and (not self.year or (document.date or "").startswith(self.year.strip().removesuffix("年")))
            and (not self.issuer or squashed(self.issuer) in squashed(document.issuer))
            and (not self.kind or self.kind.strip() == document.kind)
            and (not self.doc_number or squashed(self.doc_number) == squashed(document.doc_number))
        )
