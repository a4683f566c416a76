"""Section headings of a document and how they nest.

A standalone heading is a line that is a heading by itself: numbered (一、 （一） 1. …), marked
by the file's format (Word styles, HTML tags, bold or centred paragraphs, Markdown `#`), or
short and unpunctuated; where a document uses several, also an unnumbered headline with
commas. A lead heading is a paragraph's short first sentence ("（一）指导思想。全面贯彻……"),
numbered, or plain where the document uses them throughout. Levels nest by the rank of each
style (`language.HEADING_STYLES`) as the document actually uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag import language
from rag.ingest.fields import meta_fields
from rag.ingest.raw import TITLE_RANK, Hints
from rag.schema import Heading
from rag.textshape import Line, heading_rank, is_heading_like, is_organ_line, is_prose, lines_of

# Plain headings that contain a comma count only where a document uses several of them.
MIN_PLAIN_HEADINGS = 3
# Un-numbered lead sentences count as headings only where a document uses several.
MIN_PLAIN_LEADS = 3
# A lead sentence heads a paragraph only when this much text follows it on its line (a
# numbered one needs less: its number already marks it).
MIN_LEAD_REST, MIN_PLAIN_LEAD_REST = 8, 40
# A numbered line ending with "。" is a heading ("（二）基本原则。") only up to this length.
MAX_STOPPED_HEADING = 24


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    rank: float
    title: str
    marked: bool = False  # marked as a heading by the file's format


def find_headings(text: str, hints: Hints | None = None, elements: set[int] | None = None, title_end: int = 0) -> tuple[Heading, ...]:
    """Section headings of one document, in order, with their levels: standalone heading
    lines (numbered, marked by the format, or short and unpunctuated; consecutive pieces of
    one heading are joined) and lead sentences that open a paragraph as its heading
    ("（一）指导思想。全面贯彻……"). Levels nest by the rank of each heading style
    (`language.HEADING_STYLES`) as the document uses them."""
    hints = hints or Hints()
    elements = elements or set()
    lines = lines_of(text)
    standalone: list[_Found] = []
    comma_plain: list[_Found] = []
    leads: list[_Found] = []
    plain_leads: list[_Found] = []
    first_prose = next((i for i, line in enumerate(lines) if is_prose(line.text) and line.start >= title_end), len(lines))
    for i, line in enumerate(lines):
        if line.start < title_end or line.start in elements:
            continue
        last = i + 1 == len(lines)
        found = None if last else _standalone(line, hints)
        if found is not None and i < first_prose and not found.marked and heading_rank(line.text) is None:
            # Above the first paragraph stand title, kicker and bylines: a plain line there is
            # a heading only when it heads that paragraph, below the document's first line.
            found = found if (i == first_prose - 1 and i > 0) else None
        if found is not None:
            previous = standalone[-1] if standalone else None
            if previous and not text[previous.end : line.start].strip() and _continues_heading(previous, found, line.text):
                standalone[-1] = _Found(previous.start, found.end, previous.rank, f"{previous.title} {found.title}")
            else:
                standalone.append(found)
            continue
        if not last and _comma_heading(line.text) and is_prose(lines[i + 1].text):
            comma_plain.append(_Found(line.start, line.end, language.PLAIN_HEADING_RANK, line.text))
            continue
        lead = _lead(line)
        if lead is not None:
            (leads if lead.rank != language.PLAIN_LEAD_RANK else plain_leads).append(lead)
    found_all = standalone + leads
    found_all += comma_plain if len(comma_plain) >= MIN_PLAIN_HEADINGS else []
    if len(plain_leads) >= MIN_PLAIN_LEADS:
        # The first paragraph's lead sentence opens the document, not a section.
        first_body = next((line.start for line in lines if line.start >= title_end and line.start not in elements and is_prose(line.text)), -1)
        found_all += [f for f in plain_leads if f.start != first_body]
    return _levels(sorted(found_all, key=lambda f: f.start))


def _standalone(line: Line, hints: Hints) -> _Found | None:
    """A line that is a heading by itself, with its rank; None for anything else."""
    text = line.text
    hinted = hints.rank(text)
    numbered = heading_rank(text)
    if hinted is not None and hinted != TITLE_RANK:
        return _Found(line.start, line.end, hinted if hinted < 4 or numbered is None else numbered, text, marked=True)
    if len(text) > language.HEADING_MAX_CHARS or language.DATE_LINE.match(text) or meta_fields(text) is not None:
        return None
    if not _balanced(text) or text[-1] in "：:" or language.CELL_SEPARATOR in text:
        return None  # a heading never introduces a list, stops inside a quotation, or is a table row
    if numbered is not None:
        inner = text[:-1] if text[-1] in "。．." else text
        if not any(c in language.FINAL_MARKS for c in inner) and (inner == text or not any(c in language.PROSE_MARKS for c in inner)):
            if inner != text and len(inner) > MAX_STOPPED_HEADING:
                return None
            return _Found(line.start, line.start + len(inner), numbered, inner)
        return None
    if is_heading_like(text) and not is_organ_line(text):
        return _Found(line.start, line.end, language.PLAIN_HEADING_RANK, text)
    return None


def _continues_heading(previous: _Found, found: _Found, text: str) -> bool:
    """Is `text` the second line of the heading before it ("（一）强师铸魂" / "激活教师队伍…")?
    Not when it is numbered itself or ranks differently."""
    if previous.marked or found.marked:
        return False  # a format marks each heading paragraph on its own
    return heading_rank(text) is None and found.rank == language.PLAIN_HEADING_RANK and len(previous.title) + len(text) <= language.HEADING_MAX_CHARS


def _comma_heading(text: str) -> bool:
    """A short unnumbered line with a comma but no sentence end: a headline such as
    "一年来加大宏观调控力度，推动经济运行持续好转"."""
    return len(text) <= 50 and heading_rank(text) is None and not any(c in language.FINAL_MARKS for c in text) and any(c in "，," for c in text)


def _lead(line: Line) -> _Found | None:
    """The heading that opens a paragraph: its short first sentence, numbered ("（一）指导思想。",
    "一是着力扩内需稳增长，推动经济持续向新向优量质齐升。") or plain ("聚焦思政建设,把牢……。")."""
    text = line.text
    numbered = heading_rank(text)
    match = language.LEAD.match(text)
    if match is None or not is_prose(text) or not _balanced(match.group(1)):
        return None
    lead, rest = match.group(1), len(text) - match.end()
    if numbered is not None and rest >= MIN_LEAD_REST:
        number = next(p.match(lead) for r, _, p in language.HEADING_STYLES if r == numbered)
        words = lead[number.end() :] if number else lead
        if len(lead) <= language.LEAD_MAX_CHARS and not language.DIGIT.search(words):
            return _Found(line.start, line.start + len(lead), numbered, lead)
        return None
    plain = rest >= MIN_PLAIN_LEAD_REST and text[match.end() - 1] in "。？?" and not language.SALUTATION.match(lead + "：")
    if plain and 4 <= len(lead) <= language.PLAIN_LEAD_MAX_CHARS and not language.DIGIT.search(lead):
        return _Found(line.start, line.start + len(lead), language.PLAIN_LEAD_RANK, lead)
    return None


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count("‘") == text.count("’") and text.count("《") == text.count("》")


def _levels(found: list[_Found]) -> tuple[Heading, ...]:
    """Levels by nesting: a heading closes every open heading of its rank or deeper."""
    stack: list[float] = []
    headings = []
    for f in found:
        while stack and stack[-1] >= f.rank:
            stack.pop()
        stack.append(f.rank)
        headings.append(Heading(f.start, f.end, len(stack), f.title))
    return tuple(headings)
