"""What every format reader hands on: the extracted text of one file (`RawText`), still
dirty (`clean` tidies it), with what its format says about it (`Hints`), and the
conventions the readers share for marking a title, an outline level and a table row.

The format readers (`rag.ingest.formats`) and the loader that picks one by suffix
(`rag.ingest.load`) both build on this module, so neither needs the other's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rag import language
from rag.ingest.ledger import Removal
from rag.textshape import squash

# Rank of the document title among the format's heading marks (headings rank from 1).
TITLE_RANK = 0.0


class LoadError(Exception):
    """A file could not be read; the message says why in a few words."""


@dataclass(frozen=True)
class Hints:
    """What a file's format says about its text, beyond the words.

    `headings` maps a line (squashed: see `textshape.squash`) to its heading rank as the
    format marks it: 0 for the document title (Word's Title style, a page's headline), and
    for headings the rank `headings` nests them by. `meta` holds page metadata by field
    name (see `language.META_LABELS`): "title", "published", "source", "site", ..."""

    headings: dict[str, float] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def rank(self, line: str) -> float | None:
        """The heading rank the format gives this line, or None when it marks none."""
        return self.headings.get(squash(line))


@dataclass(frozen=True)
class PageRead:
    """How one page of a PDF or image was read, for `rag inspect`: `how` is "OCR" (no usable
    text layer) or "text layer"; an OCR'd page has its recognizer's mean `confidence` and
    the lines it was `unsure` of (kept in the text); `tables` counts the tables read as rows."""

    number: int
    how: str
    confidence: float | None = None
    unsure: tuple[str, ...] = ()
    tables: int = 0


@dataclass(frozen=True)
class RawText:
    """The text of one file as extracted, before cleaning, with its format's hints,
    whatever the extraction left out (each with the reason), and how each page was read
    (PDFs and images with OCR'd pages or tables only)."""

    source: Path
    text: str
    hints: Hints = field(default_factory=Hints)
    removed: tuple[Removal, ...] = ()
    pages: tuple[PageRead, ...] = ()


def outline_rank(depth: int) -> float:
    """The rank of an outline level the format states (Word's Heading N, HTML's hN, Markdown's
    N #): above every numbered heading style (ranks 4 and deeper, `language.HEADING_STYLES`),
    since the author's own outline is what the numbering serves."""
    return 0.5 + 0.5 * min(max(depth, 1), 6)


def table_rows(rows: list[list[str | None]], repeats_merged: bool = True) -> list[str]:
    """A table as text lines, one per row, cells joined by "｜" (with no spaces around, which
    would make the row look like a navigation bar). A merged cell appears once: Word and
    HTML repeat it in every column it spans (`repeats_merged`), PDF tables give None for the
    columns it covers (and there a repeated value is two cells); empty cells and rows are
    left out."""
    lines = []
    for row in rows:
        cells: list[str] = []
        for cell in row:
            text = " ".join((cell or "").split())
            if text and (not repeats_merged or not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(language.CELL_SEPARATOR.join(cells))
    return lines
