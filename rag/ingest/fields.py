"""Metadata lines: the "label：value" lines a page, an information-disclosure table or a
legal database prints around a document, and dated bylines. Cleaning leaves them alone
(they may hold chrome words such as 打印本页) and structure turns them into metadata."""

from __future__ import annotations

from rag import language
from rag.textshape import find_date

_FIELD_OF = dict(language.META_LABELS)


def meta_fields(text: str) -> dict[str, str] | None:
    """The metadata a line states ("发布时间：2026年03月04日 点击数： 次" -> published), or None
    when it is not a metadata line. A line of label：value pairs must open with a label."""
    stamp = language.DATABASE_STAMP.match(text)
    if stamp:
        return {"citation_code": text[stamp.end() :].strip()}
    bracket = language.BRACKET_FIELD.match(text)
    if bracket and bracket.group("label") in language.BRACKET_LABELS:
        return {language.BRACKET_LABELS[bracket.group("label")]: bracket.group("value").strip()}
    inner = text.strip("（）()【】[] ")
    labels = list(language.META_LABEL_COLON.finditer(inner))
    if not labels or labels[0].start() != 0:
        return None
    fields: dict[str, str] = {}
    for n, label in enumerate(labels):
        end = labels[n + 1].start() if n + 1 < len(labels) else len(inner)
        value = _without_chrome(inner[label.end() : end]).strip(" |｜")
        name = _FIELD_OF[label.group(1)]
        if name in ("title", "summary") and len(labels) == 1 and len(value) > 120:
            return None  # a sentence that opens with "标题：" is not a metadata table
        fields.setdefault(name, value)
    return fields


def byline_fields(text: str) -> dict[str, str] | None:
    """A dated byline ("教育装备采购网 2022-03-25 13:23", "2026年02月10日 07时41分"): the page's
    publication date and the site or paper it names. A date line with a clock time is one
    too: a document's own date never has a time of day."""
    match = language.DATE.search(text)
    if not match or any(c in language.PROSE_MARKS for c in text):
        return None
    rest = language.BYLINE_PUNCT.sub("", text[: match.start()] + text[match.end() :])
    timed = bool(language.CLOCK_TIME.search(match.group(0)))
    if language.DATE_LINE.match(text) and not timed:
        return None
    if len(rest) > 20 or language.DELIVERED.match(text):
        return None
    fields = {"published": find_date(match.group(0)) or match.group(0)}
    if rest:
        fields["source"] = rest
    return fields


def labels_in(text: str) -> list[str]:
    """The metadata labels a line holds, for the ledger ("metadata: 发布时间, 来源")."""
    found = [m.group(1) for m in language.META_LABEL_COLON.finditer(text.strip("（）()【】[] "))]
    if language.DATABASE_STAMP.match(text):
        found.insert(0, "引证码")
    if (bracket := language.BRACKET_FIELD.match(text)) and bracket.group("label") in language.BRACKET_LABELS:
        found.insert(0, bracket.group("label"))
    return found or (["dated byline"] if language.DATE.search(text) else [])


def _without_chrome(value: str) -> str:
    """A value up to the page widgets printed after it ("青川市教育局 【字体：大 中 小】 打印本页")."""
    cut = language.VALUE_CHROME.search(value)
    return value[: cut.start()] if cut else value
