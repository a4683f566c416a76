"""The structure of one logical document: the parts of an official document (GB/T 9704),
page and database metadata, the title, the date and the heading tree.

Each line is first read on its own: a metadata line ("发布时间：…", "信息名称：…", a dated
byline), a 发文字号, a date line, a speaker, a 主送机关, a signature, a heading, or body.
The document is then read as a whole: the title is the best-scoring candidate in the header
(page metadata, the 标题 shape "…关于…的通知", what surrounds it; see `rag.ingest.titles`),
the date the strongest one found (成文日期 under the signature, a date under the title, the
day a report was delivered, a news dateline; else the page's publication date). Metadata
lines leave the text for `Document.meta`; lines above the title (site names, menus) and
labels after the last paragraph leave it too; all of them go to the ledger. Headings stay
in the text (`rag.ingest.headings` finds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag import language
from rag.ingest.fields import byline_fields, labels_in, meta_fields
from rag.ingest.headings import find_headings
from rag.ingest.ledger import Removal
from rag.ingest.raw import TITLE_RANK, Hints
from rag.ingest.titles import UNDER_TITLE, choose_title, issuer_of_title, kind_of
from rag.schema import Element, Heading
from rag.textshape import (
    Line,
    doc_number_of,
    find_date,
    heading_rank,
    is_date_line,
    is_heading_like,
    is_organ_line,
    is_paragraph,
    is_prose,
    line_date,
    lines_of,
    squash,
)

# How strongly each finding supports a date (the strongest wins; ties go to the earliest found).
DATE_STRENGTH = {
    "成文日期 under the signature": 6, "written (metadata)": 5, "date under the title": 5, "delivered": 5,
    "adopted or amended (the latest)": 5,
    "dateline": 4, "published (metadata)": 2, "published (page)": 2,
}


@dataclass
class Parsed:
    """One document as understood: its text (offsets of everything else point into it)
    and what was found in it, with the decisions that `rag inspect` shows."""

    text: str
    title: str
    date: str | None
    doc_number: str | None
    issuer: str | None
    kind: str | None
    meta: dict[str, str]
    elements: tuple[Element, ...]
    headings: tuple[Heading, ...]
    removed: list[Removal] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)


def parse(
    text: str,
    hints: Hints,
    fallback_title: str,
    line_numbers: dict[int, int] | None = None,
    title: str | None = None,
    date: str | None = None,
    keep_above_title: bool = False,
) -> Parsed:
    """Understand one document's cleaned `text`. A `title` or `date` given by the split into
    documents (a compilation's report titles) overrides what is found; `keep_above_title`
    keeps lines above the title (a report's kicker). `line_numbers` maps a line's start
    offset to its line in the extracted file (for the ledger)."""
    reader = _Reader(lines_of(text), hints, line_numbers or {})
    reader.read(fallback_title, title, keep_above_title)
    return reader.result(text, date)


# --------------------------------------------------------------------------------------
# Reading the document
# --------------------------------------------------------------------------------------


class _Reader:
    """Assigns each line a role, then the document-level findings."""

    def __init__(self, lines: list[Line], hints: Hints, numbers: dict[int, int]) -> None:
        self.lines = lines
        self.hints = hints
        self.numbers = numbers  # line start offset -> line of the extracted file
        self.meta: dict[str, str] = {}
        self.meta_rows: set[int] = set()
        self.guessed: set[str] = set()  # fields guessed from a byline, not labelled
        self.roles: dict[int, str] = {}  # line index -> element kind
        self.removed: dict[int, str] = {}  # line index -> rule
        self.dates: list[tuple[int, int, str, str]] = []  # (strength, order, iso date, how)
        self.decisions: list[str] = []
        self.title = ""
        self.title_rows: list[int] = []
        self.doc_number: str | None = None  # from a 发文字号 line of the header

    # -- the reading, in order ------------------------------------------------------

    def read(self, fallback_title: str, given_title: str | None, keep_above_title: bool) -> None:
        self._metadata()
        self.first_body = self._first_body()
        chosen = choose_title(
            self.lines, self.hints, self.meta, self.meta_rows, self.first_body, fallback_title, given_title
        )
        self.title, self.title_rows = chosen.title, chosen.rows
        self.decisions += chosen.decisions
        if not keep_above_title:
            first_kept = min(self.title_rows, default=0)
            for i in range(first_kept):
                if i not in self.meta_rows and not self._is_front_element(i):
                    self.removed[i] = "above the title (site name, menu or column label)"
        self._header_elements()
        self._closing_elements()
        self._trailing_labels()

    def _metadata(self) -> None:
        """Metadata lines of the header (before the body begins), of an information-disclosure
        table (whose values may wrap onto the next lines), and notes such as "（来源：新华社）"
        anywhere. A dated byline counts only above the body."""
        field_open: str | None = None
        body_seen = False
        last_prose = max((i for i, line in enumerate(self.lines) if is_prose(line.text)), default=-1)
        for i, line in enumerate(self.lines):
            fields = meta_fields(line.text)
            closing = i > last_prose and fields is not None and set(fields) <= set(language.CLOSING_FIELDS)
            if fields is not None and body_seen and not (closing or _is_note(line.text) or language.DATABASE_STAMP.match(line.text)):
                fields = None
            guessed = False
            if fields is None and not body_seen and self.hints.rank(line.text) != TITLE_RANK and not self._matches_meta_title(line.text) and not _is_history(line.text):
                fields, guessed = byline_fields(line.text), True
            if fields is not None:
                self._record_meta(i, fields, guessed)
                field_open = next(reversed(fields)) if fields else None
                continue
            if field_open and not body_seen and self._continues_field(line.text, field_open, self.lines[i - 1].text):
                self.meta[field_open] = (self.meta.get(field_open, "") + line.text).strip()
                self.meta_rows.add(i)
                continue
            field_open = None
            body_seen = body_seen or (is_prose(line.text) and not language.RECIPIENT.match(line.text))

    def _record_meta(self, i: int, fields: dict[str, str], guessed: bool = False) -> None:
        """Keep the first value of each field; a labelled one ("来源：…") replaces one guessed
        from a byline."""
        self.meta_rows.add(i)
        for name, value in fields.items():
            if value and (not self.meta.get(name) or (name in self.guessed and not guessed)):
                self.meta[name] = value
                if guessed:
                    self.guessed.add(name)
                else:
                    self.guessed.discard(name)

    def _continues_field(self, text: str, name: str, previous: str) -> bool:
        """A line that goes on with the metadata value above it: a label alone ("来源:")
        takes the short line below it; a summary runs on until the title; a table cell
        wrapped at the page's edge leaves a short tail ("中华人民共和国教育" / "部")."""
        if self._matches_meta_title(text) or doc_number_of(text) or language.TITLE_SHAPE.match(text) or heading_rank(text):
            return False
        if text[-1] in "：:" or language.SALUTATION.match(text) or language.SPEAKER.match(text):
            return False
        if not self.meta.get(name):
            return len(text) <= 30 and not is_prose(text)
        return name == "summary" or (len(text) <= 8 and len(previous) >= 30)

    def _matches_meta_title(self, text: str) -> bool:
        names = [squash(v) for k, v in self.meta.items() if k == "title" and v]
        names += [squash(self.hints.meta[k]) for k in ("title", "page_title") if self.hints.meta.get(k)]
        line = squash(text)
        return any(line and (name.startswith(line) or line.startswith(name)) for name in names if len(line) >= 4)

    def _first_body(self) -> int:
        """The first line of running text that is neither metadata nor a 公文 element."""
        for i, line in enumerate(self.lines):
            if i in self.meta_rows or language.RECIPIENT.match(line.text) or self.hints.rank(line.text) == TITLE_RANK:
                continue
            if is_paragraph(line.text) and not any(p.match(line.text) for p in (language.DELIVERED, language.DATELINE, language.SUBTITLE)) and not _is_history(line.text):
                return i
        return len(self.lines)

    def _is_front_element(self, i: int) -> bool:
        text = self.lines[i].text
        return bool(doc_number_of(text) or language.ISSUER_MARK.match(text) or language.PART_LABEL.match(text))

    def _header_elements(self) -> None:
        """发文机关标志, 发文字号, the title's own lines, dates and speakers under it, 主送机关."""
        title_end = self.title_rows[-1] + 1 if self.title_rows else 0
        for r in self.title_rows:
            self.roles[r] = "title"
        for i in range(min(len(self.lines), max(self.first_body, title_end) + 1)):
            if i in self.roles or i in self.meta_rows or i in self.removed:
                continue
            text = self.lines[i].text
            if (number := doc_number_of(text)) is not None:
                self.roles[i] = "doc_number"
                self.doc_number = self.doc_number or number
            elif language.ISSUER_MARK.match(text) and i < title_end:
                self.roles[i] = "issuer_mark"
            elif language.PART_LABEL.match(text) and i < title_end:
                self.roles[i] = "attachment"
            elif language.RECIPIENT.match(text) and language.RECIPIENT_WORDS.search(text):
                self.roles[i] = "recipient"
            elif language.SALUTATION.match(text):
                self.roles[i] = "salutation"
            elif language.SPEAKER.match(text) and i >= title_end:
                self.roles[i] = "speaker"
                self.meta.setdefault("speaker", text)
            elif self._under_title(i, title_end) and (
                is_date_line(text) or language.DELIVERED.match(text) or language.SUBTITLE.match(text)
                or _is_history(text)
            ):
                self.roles[i] = "subtitle"
                if _is_history(text):  # a law's history: the text in force is the latest
                    self._date(find_date(text, latest=True), "adopted or amended (the latest)", -i)
                else:
                    self._date(line_date(text), "date under the title" if is_date_line(text) else "delivered", i)
            elif self._under_title(i, title_end) and language.DATELINE.match(text) and "电" in text:
                self.roles[i] = "dateline"
                self._date(find_date(text), "dateline", i)

    def _under_title(self, i: int, title_end: int) -> bool:
        """Is line `i` among the first lines under the title, not counting metadata lines and
        lines repeating the title (an article's own title block under a page's headline)?"""
        if i < title_end:
            return False
        title = squash(self.title)
        texts = [squash(self.lines[r].text).strip("《》（）()") for r in range(title_end, i) if r not in self.meta_rows]
        return sum(1 for text in texts if text not in title) < UNDER_TITLE

    def _last_paragraph(self) -> int:
        """The last line of body text: a paragraph that is no metadata and no 版记 line (抄送,
        印发, 附件说明), which sentence punctuation would make look like one."""
        closing = (language.COPY_TO, language.PRINTED, language.ATTACHMENT)
        return max(
            (
                i
                for i, line in enumerate(self.lines)
                if is_paragraph(line.text) and i not in self.meta_rows and not any(p.match(line.text) for p in closing)
            ),
            default=-1,
        )

    def _closing_elements(self) -> None:
        """After the last paragraph: 附件说明, 署名, 成文日期, a news dateline, 抄送, 印发. Before
        it, a 署名 over a 成文日期 closes a 公文 whose attachment follows (a 印发 notice and
        the document it issues)."""
        last_prose = self._last_paragraph()
        for i in range(self.first_body, last_prose - 1):
            signature, date = self.lines[i].text, self.lines[i + 1].text
            if i not in self.roles and is_organ_line(signature) and is_date_line(date) and not is_prose(signature):
                self.roles[i], self.roles[i + 1] = "signature", "date"
                self._date(line_date(date), "成文日期 under the signature", i + 1)
        in_attachments = False
        for i in range(max(last_prose - 1, self.first_body), len(self.lines)):
            if i in self.roles or i in self.meta_rows:
                continue
            text = self.lines[i].text
            in_attachments = in_attachments and heading_rank(text) is not None
            if language.ATTACHMENT.match(text):
                self.roles[i], in_attachments = "attachment", True
            elif language.COPY_TO.match(text):
                self.roles[i] = "copy_to"
            elif language.PRINTED.match(text):
                self.roles[i] = "printed"
            elif i <= last_prose:
                continue
            elif language.DATELINE.match(text) and "电" in text:
                self.roles[i] = "dateline"
                self._date(find_date(text), "dateline", i)
            elif is_date_line(text):
                self.roles[i] = "date"
                signed = i > 0 and self.roles.get(i - 1) == "signature"
                self._date(line_date(text), "成文日期 under the signature" if signed else "date under the title" if i < 3 else "dateline", i)
            elif in_attachments:
                self.roles[i] = "attachment"
            elif is_organ_line(text):
                self.roles[i] = "signature"

    def _trailing_labels(self) -> None:
        """A document cannot end on a heading: short unpunctuated lines after the last
        paragraph that are no 公文 element are leftovers of the page (ads, widget labels)."""
        last_prose = self._last_paragraph()
        if last_prose < 0:
            return
        for i in range(last_prose + 1, len(self.lines)):
            text = self.lines[i].text
            if i not in self.roles and i not in self.meta_rows and is_heading_like(text) and language.CELL_SEPARATOR not in text:
                self.removed[i] = "label after the last paragraph (page leftover)"

    def _date(self, iso: str | None, how: str, order: int) -> None:
        if iso:
            self.dates.append((DATE_STRENGTH[how], -order, iso, how))

    # -- the result -------------------------------------------------------------------

    def result(self, text: str, given_date: str | None) -> Parsed:
        removed: list[Removal] = []
        kept: list[tuple[Line, str | None]] = []
        for i, line in enumerate(self.lines):
            if i in self.meta_rows:
                removed.append(Removal(line.text, "metadata: " + ", ".join(labels_in(line.text)) if labels_in(line.text) else "metadata", self.numbers.get(line.start, 0)))
            elif i in self.removed:
                removed.append(Removal(line.text, self.removed[i], self.numbers.get(line.start, 0)))
            else:
                kept.append((line, self.roles.get(i)))
        body, elements = _assemble(text, kept)
        meta = {k: v for k, v in self.meta.items() if v}
        for name in ("published", "written", "effective"):
            if name in meta:
                meta[name] = find_date(meta[name]) or meta[name]
        date = self._choose_date(given_date, meta)
        line_number, table_number = self.doc_number, _clean_number(self._stated(meta, "doc_number"))
        meta.pop("doc_number", None)
        doc_number = line_number or table_number
        issuer, issuer_how = self._issuer(body, elements, meta)
        kind = kind_of(self.title)
        self.decisions += [
            f"发文字号 {doc_number} from the {'发文字号 line' if line_number else 'metadata'}" if doc_number else "no 发文字号",
            f"issuer {issuer} from the {issuer_how}" if issuer else "no issuer found",
            f"kind {kind} from the title's ending" if kind else "kind: the title ends with none of the 文种",
        ]
        hints = self.hints
        headings = find_headings(body, hints, {e.start for e in elements}, title_end=_title_end(elements))
        shown = {k: meta[k] for k in language.KEPT_FIELDS if k in meta}
        return Parsed(body, self.title, date, doc_number, issuer, kind, shown, elements, headings, removed, self.decisions)

    def _choose_date(self, given: str | None, meta: dict[str, str]) -> str | None:
        if given:
            self.decisions.append(f"date {given}: the date line under this document's heading in the file")
            return given
        for name, how in (("written", "written (metadata)"), ("published", "published (metadata)")):
            if stated := self._stated(meta, name):
                self._date(find_date(stated), how, 10_000)
        if self.hints.meta.get("published"):
            self._date(find_date(self.hints.meta["published"]), "published (page)", 10_001)
        if not self.dates:
            saved = self.hints.meta.get("file_date")
            # A file's properties say when it was saved or converted, not when the document was written.
            self.decisions.append(f"no date found (the file's properties say {saved}: not used)" if saved else "no date found")
            return None
        _, _, iso, how = max(self.dates)
        others = sorted({d for _, _, d, _ in self.dates if d != iso})
        self.decisions.append(f"date {iso} from the {how}" + (f" (also seen: {', '.join(others)})" if others else ""))
        return iso

    def _stated(self, meta: dict[str, str], name: str) -> str | None:
        """A field the document's metadata lines state, else the file's own metadata (a
        Markdown file's front matter)."""
        return meta.get(name) or self.hints.meta.get(name)

    def _issuer(self, text: str, elements: tuple[Element, ...], meta: dict[str, str]) -> tuple[str | None, str]:
        """The issuing organ(s) and where they were found: the 署名, the 发文机关标志, the
        title ("国务院办公厅关于…"), or the metadata."""
        signatures = [text[e.start : e.end] for e in elements if e.kind == "signature"]
        if signatures:
            return " ".join(signatures), "signature"
        mark = next((text[e.start : e.end] for e in elements if e.kind == "issuer_mark"), None)
        if mark:
            return language.ISSUER_MARK_TAIlanguage.sub("", mark), "发文机关标志"
        from_title = issuer_of_title(self.title)
        if from_title:
            return from_title, "title"
        if issuer := self._stated(meta, "issuer"):
            return issuer, "metadata"
        source = meta.get("source") or self.hints.meta.get("source")
        if source and language.ORGAN.match(source):
            return source, "source the page names (an organ)"
        return None, ""


def _is_history(text: str) -> bool:
    """A step of a law's history under its title: "2019年4月3日…国务院令第711号修订"."""
    return bool(language.DATE.match(text.lstrip("（(")) and language.LEGISLATIVE_STEP.search(text))


def _is_note(text: str) -> bool:
    """A bracketed note at the end of an article: "（来源：人民日报）"."""
    return text.startswith(("（", "(")) and text.endswith(("）", ")")) and len(text) <= 40


def _clean_number(number: str | None) -> str | None:
    if not number:
        return None
    found = language.DOC_NUMBER.search(number)
    return language.WHITESPACE.sub("", found.group(0)) if found else None


def _assemble(text: str, kept: list[tuple[Line, str | None]]) -> tuple[str, tuple[Element, ...]]:
    """The document text from its kept lines (blank lines between them kept, at most one),
    and the elements' spans in it."""
    parts: list[str] = []
    elements: list[Element] = []
    at = 0
    previous_end = None
    for line, role in kept:
        if previous_end is not None:
            gap = "\n\n" if "\n\n" in text[previous_end : line.start] else "\n"
            parts.append(gap)
            at += len(gap)
        parts.append(line.text)
        if role:
            elements.append(Element(at, at + len(line.text), role))
        at += len(line.text)
        previous_end = line.end
    return "".join(parts), tuple(elements)


def _title_end(elements: tuple[Element, ...]) -> int:
    return max((e.end for e in elements if e.kind == "title"), default=0)
