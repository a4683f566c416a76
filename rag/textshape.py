"""Character classes and line shapes shared by cleaning and document splitting.

Chinese reports mix full-width and ASCII punctuation freely, so every class here
accepts both.
"""

from __future__ import annotations

import re
import unicodedata

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’—…·"
SENTENCE_END = "。！？!?；;…"
# Punctuation that only occurs inside a sentence: a line containing one is prose, not a heading.
PROSE_MARKS = "。，,；;！？!?"
CN_NUMERAL = "一二三四五六七八九十百零〇"

# A calendar date, with an optional time: "2025年9月11日", "2022-03-25 13:23", "2024/1/5".
_DATE_PATTERN = (
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
DATE = re.compile(_DATE_PATTERN)
# A line that is only a date, maybe bracketed: "(2025年9月11日)", "2025-09-16 13:23".
DATE_LINE = re.compile(rf"^[(（\[【]?\s*{_DATE_PATTERN}\s*[)）\]】]?$")
# A line naming an organisation alone: a speech's speaker or a document's signature.
ORGANISATION = re.compile(rf"^[{CJK}]{{2,24}}(?:委员会|教育厅|教育局|厅|局|委|政府|办公室|大学|学院|学校|研究院|中心|协会)$")
# Enumerators that open a heading, from outermost to innermost level.
ENUMERATORS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{CN_NUMERAL}]+、")),
    (1, re.compile(rf"^第[{CN_NUMERAL}\d]+(?:章|部分|节)")),
    (2, re.compile(rf"^[（(][{CN_NUMERAL}]+[)）]")),
    (3, re.compile(rf"^第[{CN_NUMERAL}]+[,，、:：]")),
    (3, re.compile(rf"^[{CN_NUMERAL}]+是")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
)


def find_date(text: str) -> str | None:
    """The first valid date in `text` as ISO `YYYY-MM-DD`, if any."""
    for match in DATE.finditer(text):
        month, day = int(match["m"]), int(match["d"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{match['y']}-{month:02d}-{day:02d}"
    return None


def is_prose(line: str) -> bool:
    """Running text: long enough and punctuated like sentences."""
    return len(line) >= 40 and any(c in PROSE_MARKS for c in line)


def is_heading_like(line: str, max_len: int = 40) -> bool:
    """A short line with no sentence punctuation: a title, heading, name or label."""
    return (
        0 < len(line) <= max_len
        and sum(c.isalnum() for c in line) >= 2
        and not any(c in PROSE_MARKS for c in line)
        and not DATE_LINE.match(line)
    )


def enumerator_level(text: str) -> int | None:
    """The heading level implied by a leading enumerator ("一、" -> 1, "（一）" -> 2, ...)."""
    for level, pattern in ENUMERATORS:
        if pattern.match(text):
            return level
    return None


def char_pairs(text: str) -> set[str]:
    """The adjacent character pairs of the squashed text: a cheap measure of how much
    two Chinese texts share, used where word boundaries are unknown."""
    text = squash(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def squash(text: str) -> str:
    """Text for matching regardless of width and spacing: NFKC, whitespace removed (PDF
    copies put spaces inside Chinese words and mix full- and half-width forms)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
