"""Splitting one cleaned file into its logical documents, scored against keeping it whole.

A file usually holds one document. It holds several only when its text says so, strongly
and consistently: several reports each opening with a title line and a date line under it
(a compilation, often after a table of contents), several speeches each headed by the
organisation speaking (a speech set), or parts numbered "第二篇", "第三篇"... Each reading
gets a score (the evidence for it); one document scores its own evidence (the frame of one
official document, the metadata of one web page). The best reading wins, and `rag inspect`
shows them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from rag import language
from rag.ingest.raw import Hints
from rag.textshape import Line, find_date, is_heading_like, is_organ_line, is_prose, lines_of

# Each segment of a split must hold at least this much running text (a paragraph).
MIN_SEGMENT_PROSE = 60
_PART_TITLE_CHARS = 24


@dataclass(frozen=True)
class Segment:
    """A stretch `text[start:end]` of the file that is one document; `title` and `date`
    when the reading that found it knows them (a compilation's report titles)."""

    start: int
    end: int
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Reading:
    """One way to read a file: its name, score and segments."""

    name: str
    score: float
    segments: tuple[Segment, ...]
    why: str


def readings(text: str, hints: Hints) -> list[Reading]:
    """Every reading of the file with its score, the chosen one (highest score) first."""
    lines = lines_of(text)
    found = [_whole(text, lines, hints)]
    for reader in (_compilation, _speeches, _parts):
        reading = reader(text, lines)
        if reading is not None:
            found.append(reading)
    return sorted(found, key=lambda r: -r.score)


def _whole(text: str, lines: list[Line], hints: Hints) -> Reading:
    """One document. Its evidence: a page's own metadata (a web page with one article),
    the frame of one 公文 (a 发文字号 at the top, a 署名 and 成文日期 at the end)."""
    score, why = 2.0, ["one document unless the text says otherwise"]
    if hints.meta.get("title"):
        score, why = score + 2, why + ["the page names one article"]
    head = [line.text for line in lines[:12]]
    tail = [line.text for line in lines[-4:]]
    if any(language.DOC_NUMBER_LINE.match(t) for t in head):
        score, why = score + 2, why + ["a 发文字号 heads it"]
    if any(language.DATE_LINE.match(t) for t in tail) and any(is_organ_line(t) for t in tail):
        score, why = score + 2, why + ["a signature and date close it"]
    return Reading("one document", score, (Segment(0, len(text)),), "; ".join(why))


def _scored(name: str, text: str, segments: list[Segment], bonus: float, why: str) -> Reading | None:
    """A split's score: one point per document found, plus `bonus`. An opening followed by
    too little running text (a signature and its date) opens no document: its text stays
    with the document before it. `why` says what was found, "{n}" the number of documents."""
    kept: list[Segment] = []
    for segment in segments:
        prose = sum(len(x) for x in text[segment.start : segment.end].split("\n") if is_prose(x))
        if prose >= MIN_SEGMENT_PROSE or not kept:
            kept.append(segment)
        else:
            kept[-1] = Segment(kept[-1].start, segment.end, kept[-1].title, kept[-1].date)
    if len(kept) < 2 or not any(is_prose(x) for x in text[kept[0].start : kept[0].end].split("\n")):
        return None
    return Reading(name, 1.0 + len(kept) + bonus, tuple(kept), why.format(n=len(kept)))


def _compilation(text: str, lines: list[Line]) -> Reading | None:
    """Reports opening with a title line directly followed by a date line; an unpunctuated
    kicker line just above the title belongs to the report too. Entries of a table of
    contents that name the reports add to the evidence."""
    openings: list[tuple[int, int, int]] = []
    for i in range(1, len(lines)):
        if language.DATE_LINE.match(lines[i].text) and _title_like(lines[i - 1].text):
            first = i - 1
            kicker = lines[first - 1].text if first > 0 else ""
            if _title_like(kicker) and not language.TOC_ENTRY.search(kicker) and not language.DATE_LINE.match(kicker):
                first -= 1
            openings.append((first, i - 1, i))
    segments = []
    for n, (first, title, date) in enumerate(openings):
        end = lines[openings[n + 1][0]].start if n + 1 < len(openings) else len(text)
        segments.append(Segment(lines[first].start, end, lines[title].text, find_date(lines[date].text)))
    contents = " ".join(line.text for line in lines[: openings[0][0]]) if openings else ""
    listed = sum(1 for s in segments if s.title and s.title in contents)
    bonus = 2.0 if segments and listed * 2 >= len(segments) else 0.0
    why = "{n} reports open with a title and a date line" + (f"; {listed} listed in a table of contents" if bonus else "")
    return _scored("compilation", text, segments, bonus, why)


def _title_like(text: str) -> bool:
    """A line that may title a report: short, unpunctuated, not a metadata label."""
    return is_heading_like(text) and not language.COLON.search(text)


def _speeches(text: str, lines: list[Line]) -> Reading | None:
    """Speeches headed by an organisation line (and usually a headline just above it)."""
    openings: list[tuple[int, str]] = []
    for i, line in enumerate(lines[:-1]):
        if language.SPEAKER_ORGAN.match(line.text) and is_prose(lines[i + 1].text):
            headline = lines[i - 1].text if i > 0 and _title_like(lines[i - 1].text) else ""
            first = i - 1 if headline else i
            openings.append((first, f"{line.text}：{headline}" if headline else line.text))
    segments = [
        Segment(lines[first].start, lines[openings[n + 1][0]].start if n + 1 < len(openings) else len(text), title)
        for n, (first, title) in enumerate(openings)
    ]
    return _scored("speech set", text, segments, 0.0, "{n} speeches open with the speaking organisation")


def _parts(text: str, lines: list[Line]) -> Reading | None:
    """Parts introduced by markers such as "第二篇", even when glued to the previous sentence."""
    markers = list(language.PART_MARKER.finditer(text))
    if len(markers) < 2:
        return None
    bounds = [0] + [m.start() for m in markers] + [len(text)]
    segments = []
    for start, end in pairwise(bounds):
        part = text[start:end]
        if not is_prose(part.strip()):
            continue
        marker = language.PART_MARKER.match(part)
        title = f"{marker.group(0)}：{_opening_words(part[marker.end():])}" if marker else _leading_title(part)
        segments.append(Segment(start, end, title or _opening_words(part)))
    return _scored("numbered parts", text, segments, 0.0, "{n} parts marked 第N篇")


def _leading_title(text: str) -> str | None:
    """A title glued before a speech's salutation: "在……会上的发言尊敬的各位领导:……"."""
    match = language.GLUED_SALUTATION.match(text.lstrip())
    if match and 4 <= len(match.group(1).strip()) and is_heading_like(match.group(1).strip()):
        return match.group(1).strip()
    return None


def _opening_words(text: str) -> str:
    """The first words of a part, after any salutation, as a stand-in title."""
    text = text.lstrip()
    salutation = language.GLUED_SALUTATION.match(text)
    if salutation:
        text = text[salutation.end() :]
    sentence = language.OPENING_SENTENCE_END.split(text, maxsplit=1)[0]
    clauses = language.CLAUSE.findall(sentence)
    words = clauses[0][:_PART_TITLE_CHARS] if clauses else ""
    for clause in clauses[1:]:
        if len(words) + len(clause) > _PART_TITLE_CHARS:
            break
        words += clause
    return words.rstrip("，,、：: ")
