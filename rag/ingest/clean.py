"""Cleaning extracted text: drop web-site chrome, mend PDF damage, keep the words.

Rules are generic (shapes of lines, not names of sites or files). Numbers, names and
masking characters ("*") are never changed; only whitespace, line breaks, page-number
debris and whole chrome lines are removed, and every removal is written to the ledger
with its rule (`Cleaned.removed`), so `rag inspect` can show it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from rag import language
from rag.ingest.fields import meta_fields
from rag.ingest.ledger import Removal
from rag.textshape import is_heading_like, is_prose

# Characters of finished paragraphs after a footer label that show the text goes on.
_MORE_CONTENT = 600
# Lines shorter than this are titles or labels; their inner spaces may be deliberate.
_SHORT_LINE = 60
# Unfinished lines end with one of these (or with a plain character inside prose). A colon
# is not one: a line ending in "：" introduces what follows (主送机关, "各位代表：").
_CONTINUES = "，,、（(“‘《—-"


@dataclass(frozen=True)
class Line:
    """A line of the text being cleaned and the 1-based line of the extracted text it
    starts on (a mended line keeps the number of its first piece)."""

    no: int
    text: str


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text, what was removed, and for each line of the text (by its start
    offset) the line of the extracted text it began on."""

    text: str
    removed: tuple[Removal, ...]
    line_numbers: dict[int, int]


def clean_text(raw: str) -> str:
    """The cleaned text of one file (see `clean`)."""
    return clean(raw).text


def clean(raw: str) -> Cleaned:
    """Chrome removed, broken lines mended, one blank line at most between paragraphs;
    every removed line is in `removed` with its rule."""
    removed: list[Removal] = []
    lines = _normalize(raw)
    lines = _drop_chrome(lines, removed)
    lines = _strip_page_prefixes(lines, removed)
    lines = _join_broken_lines(lines)
    lines = [Line(line.no, _remove_stray_spaces(line.text)) for line in lines]
    lines = _drop_repeats(lines, removed)
    return _assemble(lines, removed)


def _assemble(lines: list[Line], removed: list[Removal]) -> Cleaned:
    """The lines as one text, with at most one blank line between paragraphs."""
    parts: list[str] = []
    numbers: dict[int, int] = {}
    at, blank = 0, False
    for line in lines:
        if not line.text:
            blank = bool(parts)
            continue
        if parts:
            separator = "\n\n" if blank else "\n"
            parts.append(separator)
            at += len(separator)
        numbers[at] = line.no
        parts.append(line.text)
        at += len(line.text)
        blank = False
    return Cleaned("".join(parts), tuple(sorted(removed, key=lambda r: r.line)), numbers)


def _normalize(raw: str) -> list[Line]:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = language.INVISIBLE.sub("", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    return [Line(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1)]


def _drop_chrome(lines: list[Line], removed: list[Removal]) -> list[Line]:
    content_after = _paragraph_chars_after(lines)
    body_started = False
    kept: list[Line] = []
    for i, line in enumerate(lines):
        text = line.text
        if body_started and language.FOOTER.match(text):
            if content_after[i + 1] < _MORE_CONTENT:
                removed.extend(Removal(rest.text, "page footer", rest.no) for rest in lines[i:] if rest.text)
                break
            removed.append(Removal(text, "page footer label", line.no))
            continue
        if text and len(text) <= _SHORT_LINE and not _is_sentence(text):
            counter = language.VIEW_COUNTER.search(text)
            if counter:
                removed.append(Removal(counter.group(0), "view counter", line.no))
                text = language.VIEW_COUNTER.sub("", text).strip()
            rule = None if meta_fields(text) is not None else _chrome_rule(text)
            if rule:
                removed.append(Removal(text, rule, line.no))
                continue
        body_started = body_started or is_prose(text)
        kept.append(Line(line.no, text))
    return kept


def _chrome_rule(text: str) -> str | None:
    """Why a short unpunctuated line is page chrome, or None when it is not."""
    if language.CHROME.search(text):
        return "page chrome: navigation, sharing or site footer"
    if len(language.NAV_SEPARATOR.findall(text)) >= 2:
        return "page chrome: navigation bar"
    if language.PAGE_NUMBER_LINE.match(text):
        return "page number"
    return None


def _paragraph_chars_after(lines: list[Line]) -> list[int]:
    """For each index i, the characters of finished paragraphs in lines[i:]. Related-article
    snippets end in "..." and do not count."""
    after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i].text
        finished = is_prose(text) and text[-1] in "。！？!?"
        after[i] = after[i + 1] + (len(text) if finished else 0)
    return after


def _is_sentence(line: str) -> bool:
    """Narrower than `is_prose`: "欢迎您!" stays chrome, "建设无障碍设施，……" is content."""
    return any(c in "。，," for c in line)


def _strip_page_prefixes(lines: list[Line], removed: list[Removal]) -> list[Line]:
    """Remove page numbers glued to the start of pages ("2、专业学 校..."): a run of lines
    numbered n, n+1, n+2 ... most of which continue an unfinished sentence."""
    numbered: list[tuple[int, int, str]] = []  # (line index, number, previous non-empty line)
    previous = ""
    for i, line in enumerate(lines):
        if match := language.PAGE_PREFIX.match(line.text):
            numbered.append((i, int(match.group(1)), previous))
        previous = line.text or previous
    if len(numbered) < 3:
        return lines
    consecutive = all(b[1] == a[1] + 1 for a, b in pairwise(numbered))
    continuing = sum(1 for _, _, before in numbered[1:] if _is_unfinished(language.PAGE_PREFIX.sub("", before)))
    if not consecutive or continuing * 2 < len(numbered) - 1:
        return lines
    stripped = list(lines)
    for i, _, _ in numbered:
        prefix = language.PAGE_PREFIX.match(lines[i].text)
        assert prefix is not None
        removed.append(Removal(prefix.group(0).strip(), "page number glued to a page's first line", lines[i].no))
        stripped[i] = Line(lines[i].no, lines[i].text[prefix.end() :])
    return stripped


def _is_unfinished(line: str) -> bool:
    """Does this line stop in the middle of a sentence?"""
    if not line or line[-1] in language.SENTENCE_END:
        return False
    if line[-1] in _CONTINUES:
        return True
    if line[-1] in "”’」』)）：:" and len(line) > 1 and (line[-2] in language.SENTENCE_END or line[-1] in "：:"):
        return False
    inner_sentence_end = any(c in language.SENTENCE_END for c in line[:-1])
    return (is_prose(line) or inner_sentence_end) and not _enumerated(line)


def _enumerated(line: str) -> bool:
    return any(pattern.match(line) for _, _, pattern in language.HEADING_STYLES)


def _stands_alone(previous: str, line: str) -> bool:
    """Lines a wrap never joins: a heading opening the next line, a 主送机关 ("各县（区）教育局："),
    or a 标题 ("…关于…的通知") ending the previous one; 公文 print each on a line of its own;
    and the rows of a table (cells joined by `language.CELL_SEPARATOR`), each a line."""
    return language.CELL_SEPARATOR in previous or language.CELL_SEPARATOR in line or _enumerated(line) or bool(language.RECIPIENT.match(line)) or bool(language.TITLE_SHAPE.match(previous) and is_heading_like(previous, language.HEADING_MAX_CHARS))


def _join_broken_lines(lines: list[Line]) -> list[Line]:
    """Join a line that stops mid-sentence with the line that continues it (page and wrap
    breaks). A line is wrapped when its last physical piece fills the page's width."""
    wrap_width = _wrap_width(lines)
    joined: list[Line] = []
    last_piece = ""  # the last physical line glued into joined[-1]
    for line in lines:
        previous = joined[-1].text if joined else ""
        wrapped = bool(wrap_width) and len(last_piece) >= wrap_width and bool(previous) and previous[-1] not in language.SENTENCE_END
        if not line.text and previous and (previous[-1] in _CONTINUES or wrapped):
            continue  # a page break inside a sentence, not a paragraph break
        if line.text and previous and (wrapped or _is_unfinished(previous)) and not _stands_alone(previous, line.text):
            joined[-1] = Line(joined[-1].no, _glue(previous, line.text))
        else:
            joined.append(line)
        last_piece = line.text
    return joined


def _wrap_width(lines: list[Line]) -> int:
    """If the text is hard-wrapped at a fixed width (as PDF extraction leaves it), the length
    from which a line counts as full; else 0. Wrapped when half the lines (and at least six)
    are within 15% of one common width."""
    lengths = Counter(len(line.text) for line in lines if len(line.text) >= 10)
    total = sum(lengths.values())
    near = {w: sum(c for n, c in lengths.items() if w * 0.85 <= n <= w) for w in lengths}
    width = max(near, key=lambda w: (near[w], w), default=0)
    if 20 <= width <= 120 and near[width] >= max(6, total / 2):
        return int(width * 0.85)
    return 0


def _glue(left: str, right: str) -> str:
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _remove_stray_spaces(line: str) -> str:
    if len(line) < _SHORT_LINE:
        return line
    return language.STRAY_SPACE.sub("", language.SPLIT_DECIMAL.sub(".", line))


def _drop_repeats(lines: list[Line], removed: list[Removal]) -> list[Line]:
    """Drop a short line that repeats the previous non-empty line (duplicated titles, widgets)."""
    kept: list[Line] = []
    previous = ""
    for line in lines:
        if line.text and line.text == previous and len(line.text) <= _SHORT_LINE:
            removed.append(Removal(line.text, "repeats the line before it", line.no))
            continue
        kept.append(line)
        previous = line.text or previous
    return kept


