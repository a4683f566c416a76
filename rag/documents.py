"""Splitting one cleaned file into logical documents, and finding their section headings.

A file holds one of four shapes, tried in this order:
- a compilation: several reports, each opening with its title line and a date line
  ("(2025年9月11日)"); the table of contents before the first report is not content;
- a set of speeches, each headed by its speaker organisation on a line of its own
  ("北京市教育委员会"), usually just after the speech's headline;
- numbered parts glued into one text ("……谢谢!第二篇近年来……");
- a plain article: its headline is the last short line before the date or the body, and
  anything above the headline (site name, menus) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from rag.schema import Document, Heading
from rag.textshape import (
    CN_NUMERAL,
    DATE_LINE,
    ORGANISATION,
    PROSE_MARKS,
    SENTENCE_END,
    enumerator_level,
    find_date,
    is_heading_like,
    is_prose,
)

_TOC_ENTRY = re.compile(r"^\d{1,3}[.、．]|\d{1,4}$")
_PART_MARKER = re.compile(rf"(?:^|(?<=[{SENTENCE_END}]))第[{CN_NUMERAL}\d]{{1,3}}篇", re.MULTILINE)
_SALUTATION = re.compile(r"^(.{0,60}?)(?:尊敬的|各位领导|同志们)[^:：]{0,30}[:：]")
# Inline headings: a short first sentence that opens a paragraph ("聚焦思政建设,把牢……。正文……").
# Enumerated leads ("第二,……。") may be longer than plain ones.
_LEAD = re.compile(rf"^([^{SENTENCE_END}“‘「\d][^{SENTENCE_END}\d]{{3,39}})[。！？!?]")
_PLAIN_LEAD_CHARS = 32
_MIN_PLAIN_LEADS = 3
_PART_TITLE_CHARS = 24


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    title: str
    date: str | None = None


def split_documents(text: str, source: str, base_id: str, fallback_title: str) -> list[Document]:
    """The logical documents of one cleaned file. Ids are `base_id`, or `base_id/N` when the
    file holds several documents."""
    lines = _lines(text)
    if not lines:
        return []
    segments = _compilation(lines, len(text)) or _speeches(lines, len(text)) or _parts(text)
    if not segments:
        segments = [_article(lines, len(text), fallback_title)]
    documents = []
    for n, segment in enumerate(segments, start=1):
        body = text[segment.start : segment.end].strip()
        if not body:
            continue
        doc_id = base_id if len(segments) == 1 else f"{base_id}/{n}"
        documents.append(
            Document(
                doc_id=doc_id,
                title=segment.title,
                source=source,
                text=body,
                date=segment.date or _header_date(body),
                headings=find_headings(body),
            )
        )
    return documents


def _lines(text: str) -> list[_Line]:
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        stripped = match.group(0).strip()
        if stripped:
            offset = match.group(0).index(stripped)
            lines.append(_Line(match.start() + offset, match.start() + offset + len(stripped), stripped))
    return lines


def _compilation(lines: list[_Line], text_end: int) -> list[_Segment]:
    """Reports opening with a title line directly followed by a date line; an unpunctuated
    kicker line just above the title belongs to the report too."""
    openings: list[tuple[int, int, int]] = []
    for i in range(1, len(lines)):
        if DATE_LINE.match(lines[i].text) and is_heading_like(lines[i - 1].text):
            first = i - 1
            kicker = lines[first - 1].text if first > 0 else ""
            if is_heading_like(kicker) and not _TOC_ENTRY.search(kicker) and not DATE_LINE.match(kicker):
                first -= 1
            openings.append((first, i - 1, i))
    if len(openings) < 2:
        return []
    segments = []
    for n, (first, title, date) in enumerate(openings):
        end = lines[openings[n + 1][0]].start if n + 1 < len(openings) else text_end
        segments.append(_Segment(lines[first].start, end, lines[title].text, find_date(lines[date].text)))
    return segments


def _speeches(lines: list[_Line], text_end: int) -> list[_Segment]:
    """Speeches headed by an organisation line (and usually a headline just above it)."""
    openings: list[tuple[int, str]] = []
    for i, line in enumerate(lines[:-1]):
        if ORGANISATION.match(line.text) and is_prose(lines[i + 1].text):
            headline = lines[i - 1].text if i > 0 and is_heading_like(lines[i - 1].text) else ""
            first = i - 1 if headline else i
            openings.append((first, f"{line.text}：{headline}" if headline else line.text))
    if len(openings) < 2:
        return []
    return [
        _Segment(lines[first].start, lines[openings[n + 1][0]].start if n + 1 < len(openings) else text_end, title)
        for n, (first, title) in enumerate(openings)
    ]


def _parts(text: str) -> list[_Segment]:
    """Parts introduced by markers such as "第二篇", even when glued to the previous sentence."""
    markers = list(_PART_MARKER.finditer(text))
    if len(markers) < 2:
        return []
    bounds = [0] + [m.start() for m in markers] + [len(text)]
    segments = []
    for start, end in pairwise(bounds):
        part = text[start:end]
        if not is_prose(part.strip()):
            continue
        marker = _PART_MARKER.match(part)
        title = f"{marker.group(0)}：{_opening_words(part[marker.end():])}" if marker else _leading_title(part)
        segments.append(_Segment(start, end, title or _opening_words(part)))
    return segments


def _article(lines: list[_Line], text_end: int, fallback_title: str) -> _Segment:
    """One document: headline before the date line or the body (a numbered line is a section
    heading, not a headline); lines above the headline are site chrome."""
    first_prose = next((i for i, line in enumerate(lines) if is_prose(line.text)), None)
    if first_prose is None:  # a short report: its body starts at the first punctuated line
        first_prose = next((i for i, line in enumerate(lines) if any(c in PROSE_MARKS for c in line.text)), 0)
    header = lines[:first_prose]
    dates = [i for i, line in enumerate(header) if DATE_LINE.match(line.text)]
    date = find_date(header[dates[-1]].text) if dates else None
    if dates and dates[-1] > 0 and is_heading_like(header[dates[-1] - 1].text):
        headline = dates[-1] - 1
    else:
        titles = [i for i, line in enumerate(header) if is_heading_like(line.text) and not enumerator_level(line.text)]
        headline = titles[-1] if titles else -1
    if headline >= 0:
        return _Segment(header[headline].start, text_end, header[headline].text, date)
    return _Segment(lines[0].start, text_end, _leading_title(lines[0].text) or fallback_title, date)


def _leading_title(text: str) -> str | None:
    """A title glued before a speech's salutation: "在……会上的发言尊敬的各位领导:……"."""
    match = _SALUTATION.match(text.lstrip())
    if match and 4 <= len(match.group(1).strip()) and is_heading_like(match.group(1).strip()):
        return match.group(1).strip()
    return None


def _opening_words(text: str) -> str:
    """The first words of a part, after any salutation, as a stand-in title."""
    text = text.lstrip()
    salutation = _SALUTATION.match(text)
    if salutation:
        text = text[salutation.end() :]
    sentence = re.split(rf"[{SENTENCE_END}\n]", text, maxsplit=1)[0]
    clauses = re.findall(r"[^，,、]+[，,、]?", sentence)
    words = clauses[0][:_PART_TITLE_CHARS] if clauses else ""
    for clause in clauses[1:]:
        if len(words) + len(clause) > _PART_TITLE_CHARS:
            break
        words += clause
    return words.rstrip("，,、：: ")


def _header_date(body: str) -> str | None:
    """A date on one of the first lines, as compilations and speeches print it."""
    for line in body.split("\n")[:4]:
        if DATE_LINE.match(line.strip()):
            return find_date(line)
    return None


def find_headings(text: str) -> tuple[Heading, ...]:
    """Section headings of one document, in order: short standalone lines (consecutive ones
    form one heading) and, where a document uses them throughout, short lead sentences."""
    lines = _lines(text)
    first_prose = next((i for i, line in enumerate(lines) if is_prose(line.text)), len(lines))
    standalone: list[Heading] = []
    enumerated_leads: list[Heading] = []
    plain_leads: list[Heading] = []
    for i, line in enumerate(lines):
        # Above the first paragraph stand title, kicker, date and speaker: only numbered lines there are headings.
        if i < first_prose and not enumerator_level(line.text):
            continue
        if is_heading_like(line.text) and i + 1 < len(lines):
            previous = standalone[-1] if standalone else None
            if previous and not text[previous.end : line.start].strip():
                standalone[-1] = Heading(previous.start, line.end, previous.level, f"{previous.title} {line.text}")
            else:
                standalone.append(Heading(line.start, line.end, enumerator_level(line.text) or 1, line.text))
        elif (lead := _LEAD.match(line.text)) and len(line.text) - lead.end() >= 40 and _balanced(lead.group(1)):
            level = enumerator_level(lead.group(1))
            heading = Heading(line.start, line.start + lead.end(1), level or 2, lead.group(1))
            if level:
                enumerated_leads.append(heading)
            elif len(heading.title) <= _PLAIN_LEAD_CHARS:
                plain_leads.append(heading)
    # Unnumbered lead sentences count as headings only where the document uses them throughout.
    leads = enumerated_leads + (plain_leads if len(plain_leads) >= _MIN_PLAIN_LEADS else [])
    return tuple(sorted(standalone + leads, key=lambda h: h.start))


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count("‘") == text.count("’")
