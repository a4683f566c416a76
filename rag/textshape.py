"""Line shapes and text comparisons shared by ingest, retrieval and answering; the
character classes and patterns they use are in `rag.language`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rag import language

# A sentence without commas this long is a paragraph, not a run-in heading ("（一）指导思想。").
SHORT_PARAGRAPH = 20
_CN_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "Ｏ": 0}


@dataclass(frozen=True)
class Line:
    """A non-blank line `text[start:end]` of a text, without its surrounding spaces."""

    start: int
    end: int
    text: str


def lines_of(text: str) -> list[Line]:
    """The non-blank lines of `text` with their offsets."""
    found = []
    for match in language.LINE.finditer(text):
        stripped = match.group(0).strip()
        if stripped:
            start = match.start() + match.group(0).index(stripped)
            found.append(Line(start, start + len(stripped), stripped))
    return found


def is_organ_line(text: str) -> bool:
    """A line naming an organ, or several, alone: a signature (署名) or a speaker."""
    return len(text) <= 40 and bool(language.ORGAN.match(text) or language.ORGANS.match(text))


def is_date_line(text: str) -> bool:
    """A line that is only a date, or only a month (Arabic or Chinese numerals, maybe bracketed)."""
    return bool(
        language.DATE_LINE.match(text) or language.CN_DATE.fullmatch(text.strip("()（） ")) or language.MONTH_LINE.match(text)
    )


def line_date(text: str) -> str | None:
    """The date a line states: ISO `YYYY-MM-DD`, or `YYYY-MM` for a line that names only a
    month ("二〇二二年十二月": a month stays a month)."""
    found = find_date(text)
    month = language.MONTH_LINE.match(text) if found is None else None
    if month is None:
        return found
    year = month["y"] if month["y"].isdigit() else _cn_year(month["y"])
    number = cn_number(month["m"])
    return f"{year}-{number:02d}" if 1 <= number <= 12 else None


def doc_number_of(text: str) -> str | None:
    """The 发文字号 of a line holding only one ("教体艺〔2014〕1号"), spaces removed; else None."""
    match = language.DOC_NUMBER_LINE.match(text)
    return language.WHITESPACE.sub("", match.group("number")) if match else None


def doc_number_key(number: str) -> str:
    """A 发文字号 compared however its year's brackets were typed or read (〔〕, （）, [], 【】)."""
    return language.DOC_NUMBER_YEAR.sub(r"〔\1〕", squash(number))


def find_date(text: str, latest: bool = False) -> str | None:
    """The first (or with `latest`, the last) valid date in `text` as ISO `YYYY-MM-DD`, if
    any (Arabic or Chinese numerals)."""
    found = [(m.start(), m["y"], int(m["m"]), int(m["d"])) for m in language.DATE.finditer(text)]
    found += [
        (m.start(), _cn_year(m["y"]), cn_number(m["m"]), cn_number(m["d"])) for m in language.CN_DATE.finditer(text)
    ]
    for _, year, month, day in sorted(found, reverse=latest):
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    return None


def _cn_year(text: str) -> str:
    return "".join(str(_CN_DIGITS[c]) for c in text)


def cn_number(text: str) -> int:
    """"二十二" -> 22, "十" -> 10, "六" -> 6, "两" -> 2, "12" -> 12 (0 when it is none)."""
    if text.isdigit():
        return int(text)
    text = text.replace("两", "二")
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def is_prose(line: str) -> bool:
    """Running text: long enough and punctuated like sentences."""
    return len(line) >= 40 and any(c in language.PROSE_MARKS for c in line)


def is_paragraph(line: str) -> bool:
    """Body text: running text, or a shorter sentence ending like one ("各县要成立工作专班，
    明确分管领导。"); a heading never ends with a full stop and a comma inside."""
    return is_prose(line) or (
        line[-1:] in language.FINAL_MARKS and (any(c in "，,；;" for c in line) or len(line) >= SHORT_PARAGRAPH)
    )


def is_heading_like(line: str, max_len: int = 40) -> bool:
    """A short line with no sentence punctuation: a title, heading, name or label."""
    return (
        0 < len(line) <= max_len
        and sum(c.isalnum() for c in line) >= 2
        and not any(c in language.PROSE_MARKS for c in line)
        and not language.DATE_LINE.match(line)
    )


def heading_rank(text: str) -> float | None:
    """The nesting rank of the heading style `text` opens with ("一、" 4, "（一）" 5, ...;
    see `language.HEADING_STYLES`), or None when it opens with none."""
    for rank, _, pattern in language.HEADING_STYLES:
        if pattern.match(text):
            return rank
    return None


def char_pairs(text: str) -> set[str]:
    """The adjacent character pairs of the squashed text: a cheap measure of how much
    two Chinese texts share, used where word boundaries are unknown."""
    text = squash(text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def squash(text: str) -> str:
    """Text for matching regardless of width and spacing: NFKC, whitespace removed (PDF
    copies put spaces inside Chinese words and mix full- and half-width forms)."""
    return language.WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
