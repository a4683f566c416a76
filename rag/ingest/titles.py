"""The title of one document: the best-scoring candidate in its header, with the reasons.

A candidate is a line, or a run of 2-3 short lines (a title wrapped as PDFs print long
ones), in the header and not metadata. It scores for matching the page's or metadata's
title, for being marked as the title or a heading by the format, for the 标题 shape
"…关于…的<文种>", for what surrounds it (a 发文字号 above, a date, speaker, 主送机关 or
the body below), and, where the format marks no title, for opening the document. A
subtitle line ("——在…会议上的讲话"), an attachment label ("附件1"), an organ alone and a
line of running text are never the title; a letter-spaced title ("政 府 工 作 报 告") is
read without its spaces. Without candidates the page's title, the words before a glued
salutation, or the file name stand in. The title also names the document's 文种
(`kind_of`) and often its issuer (`issuer_of_title`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag import language
from rag.ingest.raw import TITLE_RANK, Hints
from rag.textshape import (
    Line,
    doc_number_of,
    heading_rank,
    is_date_line,
    is_heading_like,
    is_organ_line,
    is_prose,
    squash,
)

# Lines of the header searched for the title, and lines under the title searched for its date.
HEADER_LINES = 16
UNDER_TITLE = 4


@dataclass(frozen=True)
class TitleChoice:
    """The title chosen, the rows of the lines it stands on (none when the page or the file
    name gave it), and the decisions that `rag inspect` shows."""

    title: str
    rows: list[int]
    decisions: list[str]


def choose_title(
    lines: list[Line],
    hints: Hints,
    meta: dict[str, str],
    meta_rows: set[int],
    first_body: int,
    fallback: str,
    given: str | None,
) -> TitleChoice:
    """The title of a document whose `lines` are read: `meta` and `meta_rows` are its
    metadata and the lines that state it, `first_body` its first line of running text. A
    `given` title (from the split into documents) wins; `fallback` (the file name) is the
    last resort."""
    return _TitleReader(lines, hints, meta, meta_rows, first_body).choose(fallback, given)


def kind_of(title: str) -> str | None:
    """The 文种 a title ends with ("…的实施意见" -> 意见), ignoring a closing 》 or a
    bracketed note such as "（试行）" or "（摘登）"."""
    core = language.TITLE_NOTE.sub("", title.strip()).rstrip("》」”")
    for word, kind in language.KINDS:
        if core.endswith(word):
            return kind
    note = language.TITLE_NOTE.search(title.strip())
    return next((kind for word, kind in language.KINDS if note and note.group(1) == word), None)


def issuer_of_title(title: str) -> str | None:
    """The organ(s) a 标题 names before 关于/印发 ("国务院办公厅关于…" -> 国务院办公厅); a
    forwarded title ("转发X关于…") names the original issuer X."""
    core = language.TITLE_RELAY.sub("", title.strip())
    match = language.TITLE_ABOUT.match(core)
    if not match:
        return None
    issuer = match.group("issuer").strip(" 、")
    parts = [p for p in language.ISSUER_SEPARATORS.split(issuer) if p]
    if parts and all(language.ORGAN.match(p) or p in language.CENTRAL_ORGANS for p in parts):
        return issuer
    return None


def tidy_title(title: str) -> str:
    """A title as one line: spaces between Chinese characters and digits, left by PDF and
    Word, removed ("关于开展 2025 年暑期…" -> "关于开展2025年暑期…"); the space between two
    organs ("中共中央 国务院") kept."""
    title = " ".join(title.split())
    return language.TITLE_STRAY_SPACE.sub("", title)


def unspaced(line: str) -> str:
    """A line as a title reads it: letter-spaced without its spaces ("政 府 工 作 报 告" ->
    "政府工作报告"), without a footnote mark at its end ("…统计公报①")."""
    line = language.FOOTNOTE_MARK.sub("", line) or line
    return squash(line) if language.LETTER_SPACED.match(line) else line


class _TitleReader:
    """Finds and scores the title candidates of one document's header."""

    def __init__(
        self, lines: list[Line], hints: Hints, meta: dict[str, str], meta_rows: set[int], first_body: int
    ) -> None:
        self.lines = lines
        self.hints = hints
        self.meta = meta
        self.meta_rows = meta_rows
        self.first_body = first_body

    def choose(self, fallback: str, given: str | None) -> TitleChoice:
        """The given title, else the best candidate, else the page's title, else the words
        glued before a salutation, else the fallback."""
        if given is not None:
            rows = [i for i in range(min(len(self.lines), 3)) if _part_of_title(given, self.lines[i].text)]
            return TitleChoice(given, rows, [f"title {given!r}: the heading that opens this document in the file"])
        decisions: list[str] = []
        candidates = self._candidates()
        if candidates:
            score, rows, why = max(candidates, key=lambda c: (c[0], -c[1][0]))
            inner = self._article_title(rows, candidates)
            if inner is not None:
                decisions.append(
                    f"the page's headline {''.join(self.lines[r].text for r in rows)!r} names no kind of document; "
                    "the article's own 标题 under it is the title"
                )
                score, rows, why = inner
            title = tidy_title(self._text(rows))
            decisions.append(f"title {title!r} (score {score:.1f}: {why})")
            return TitleChoice(title, rows, decisions)
        for source in ("title", "page_title"):
            if self.hints.meta.get(source):
                title = tidy_title(self.hints.meta[source])
                decisions.append(f"title {title!r}: the page's {source.replace('_', ' ')}")
                return TitleChoice(title, [], decisions)
        first = self.lines[0].text if self.lines else ""
        glued = language.GLUED_SALUTATION.match(first)
        if glued and len(glued.group(1).strip()) >= 4 and is_heading_like(glued.group(1).strip()):
            title = glued.group(1).strip()
            decisions.append(f"title {title!r}: the words before the salutation of the first line")
            return TitleChoice(title, [], decisions)
        decisions.append(f"title {fallback!r}: no title line found, the file name")
        return TitleChoice(fallback, [], decisions)

    def _candidates(self) -> list[tuple[float, list[int], str]]:
        """(score, line rows, reasons) for each line, or run of 2-3 short lines, that may be
        the title: in the header, not metadata, shaped like a title."""
        limit = min(len(self.lines), max(self.first_body, 1) + 1, HEADER_LINES)
        found = []
        for i in range(limit):
            for size in (1, 2, 3):
                rows = list(range(i, i + size))
                if rows[-1] >= len(self.lines) or any(r in self.meta_rows for r in rows):
                    break
                texts = [unspaced(self.lines[r].text) for r in rows]
                if size > 1 and not self._wrapped(texts):
                    continue  # two lines may be no title where three are ("…关于…的" / "通 知")
                scored = self._score("".join(texts), rows)
                if scored is not None:
                    found.append((scored[0], rows, scored[1]))
        return found

    def _text(self, rows: list[int]) -> str:
        """The lines at `rows` as one title reads them (see `unspaced`)."""
        return "".join(unspaced(self.lines[r].text) for r in rows)

    def _opens(self, row: int) -> bool:
        """Does this line open the document, with only labels and 公文 marks above it? Where the
        format marks no title (plain text, PDF, DOCX without styles), that is where it stands."""
        if TITLE_RANK in self.hints.headings.values() or self.hints.meta.get("title"):
            return False
        above = [self.lines[r].text for r in range(row) if r not in self.meta_rows]
        return all(language.PART_LABEL.match(t) or language.ISSUER_MARK.match(t) or doc_number_of(t) for t in above)

    def _article_title(
        self, rows: list[int], candidates: list[tuple[float, list[int], str]]
    ) -> tuple[float, list[int], str] | None:
        """A page's headline that is a column entry ("每周一学（3月13日-3月19日）") rather than a
        document's title yields to a 标题-shaped heading opening the article right under it."""
        if kind_of(self._text(rows)):
            return None
        below = [c for c in candidates if rows[-1] < c[1][0] <= rows[-1] + UNDER_TITLE]
        for candidate in sorted(below, key=lambda c: c[1][0]):
            text = self._text(candidate[1])
            if self.hints.rank(text) is not None and language.TITLE_SHAPE.match(text):
                return candidate
        return None

    def _wrapped(self, texts: list[str]) -> bool:
        """Are these short lines one title wrapped over several lines (as PDFs print long
        titles)? Only when together, not apart, they make a title, the page's title, or
        the title the format marks (an OCR'd page's large centred block)."""
        if not all(is_heading_like(t, 40) and not heading_rank(t) and not language.PART_LABEL.match(t) for t in texts):
            return False
        joined = squash("".join(texts))
        names = [squash(v) for k, v in self.hints.meta.items() if k in ("title", "page_title") and v]
        names += [squash(self.meta["title"])] if self.meta.get("title") else []
        if joined in names or self.hints.rank("".join(texts)) == TITLE_RANK:
            return True
        if language.TITLE_SHAPE.match("".join(texts)) and not language.TITLE_SHAPE.match(texts[0]):
            return True
        # An organ set on its own line above the rest of the title ("江西省人民政府外事办公室" /
        # "2022年招考外语类公务员考试大纲"), as attachments and disclosures print it.
        return is_organ_line(texts[0]) and bool(kind_of("".join(texts))) and not kind_of(texts[0])

    def _score(self, text: str, rows: list[int]) -> tuple[float, str] | None:
        """A candidate's score (earlier lines win ties) and its reasons; None when it
        cannot be the title."""
        if len(text) < 4 or len(text) > 120 or any(c in language.FINAL_MARKS for c in text) or is_date_line(text):
            return None
        if doc_number_of(text) or language.RECIPIENT.match(text) or language.SALUTATION.match(text) or language.SPEAKER.match(text):
            return None
        if language.SUBTITLE.match(text) or language.PART_LABEL.match(text):
            return None
        if is_organ_line(text) and not kind_of(text):
            return None  # an organ alone: a 发文机关标志 or a signature, never a title
        score, why = 0.0, list[str]()
        line = squash(text)
        hinted = self.hints.rank(text)
        names = {k: squash(v) for k, v in self.hints.meta.items() if k in ("title", "page_title") and v}
        names.update({"metadata title": squash(self.meta["title"])} if self.meta.get("title") else {})
        if any(line == name for name in names.values()):
            score, why = score + 6, why + ["the page's or metadata's title"]
        elif any(len(line) >= 6 and (line in name or name in line) for name in names.values()):
            score, why = score + 3, why + ["part of the page's title"]
        if hinted == TITLE_RANK:
            score, why = score + 5, why + ["marked as title by the format"]
        elif hinted is not None:
            score, why = score + 1, why + ["marked as a heading"]
        if shape := language.TITLE_SHAPE.match(text):
            score, why = score + 3, why + ["shaped like a 标题 (…关于…的<文种>)"]
            if shape.group("issuer"):
                score, why = score + 1, why + ["names its issuer"]
        elif kind_of(text):
            score, why = score + 1.5, why + ["ends with a document kind"]
        if heading_rank(text) is not None and heading_rank(text) != 1.0:
            score, why = score - 4, why + ["numbered like a section heading"]
        if not is_heading_like(text, 120) and hinted is None:
            if not names:
                return None  # running text (commas) is a title only where the page or format says so
            score -= 1
        after = rows[-1] + 1
        if after < len(self.lines):
            below = self.lines[after].text
            if doc_number_of(below) or is_date_line(below) or language.DELIVERED.match(below) or language.SUBTITLE.match(below) or language.SPEAKER.match(below):
                score, why = score + 2, why + ["a 发文字号, date or speaker follows"]
            elif language.RECIPIENT.match(below) or language.SALUTATION.match(below) or (after in self.meta_rows):
                score, why = score + 1.5, why + ["主送机关, salutation or metadata follows"]
            elif after == self.first_body:
                score, why = score + 1, why + ["the body follows"]
        if rows[0] > 0 and doc_number_of(self.lines[rows[0] - 1].text):
            score, why = score + 1, why + ["under a 发文字号"]
        if self._opens(rows[0]) and is_heading_like(text, 120):
            score, why = score + 1, why + ["opens the document (the format marks no title)"]
        if score <= 0:
            return None
        return score - 0.05 * rows[0], ", ".join(why)


def _part_of_title(title: str, text: str) -> bool:
    """Is this line (part of) the title a split gave its document? A speech set's title
    joins the speaker and the headline; a part's title is its opening words, and a line of
    running text that only opens with them stays body text."""
    whole, line = language.COLON.sub("", squash(title)), language.COLON.sub("", squash(text))
    return len(line) >= 4 and (line in whole or (line.startswith(whole) and not is_prose(text)))
