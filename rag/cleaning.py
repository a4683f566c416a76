"""Cleaning extracted text: drop web-site chrome, mend PDF damage, keep the words.

Rules are generic (shapes of lines, not names of sites or files). Numbers, names and
masking characters ("*") are never changed; only whitespace, line breaks, page-number
debris and whole chrome lines are removed.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from rag.textshape import (
    CJK,
    CJK_PUNCT,
    DATE,
    DATE_LINE,
    ORGANISATION,
    SENTENCE_END,
    enumerator_level,
    is_heading_like,
    is_prose,
)

# Short unpunctuated lines containing one of these are navigation, sharing widgets, contact or
# legal chrome. (A line with a comma or full stop is a sentence and is never treated as chrome.)
_CHROME = re.compile(
    r"设为首页|加入收藏|无障碍|站内搜索|当前位置|您的位置|您现在的位置|欢迎(?:您|访问|光临)|网站地图|联系我们"
    r"|返回顶部|^顶部$|打印本页|关闭窗口|^【?(?:关闭|打印)】?$|分享到|扫一扫|微信咨询|在线咨询|咨询热线|服务热线"
    r"|微信订阅号|版权所有|copyright|©|ICP备|公网安备|主办单位|承办单位|技术支持|责任编辑|我要投稿|字号[:：]",
    re.IGNORECASE,
)
# After the body has begun, one of these opens the footer: everything from it on is dropped,
# unless more real paragraphs follow (several pages saved into one file), when only the label
# line goes. A list heading stands alone on its line; a label is followed by a colon.
_FOOTER = re.compile(
    r"^(?:(?:相关(?:阅读|新闻|文章|链接|推荐)|推荐阅读|热点推荐)\s*[:：]?\s*$"
    r"|(?:上一(?:条|篇)|下一(?:条|篇)|(?:版权与)?免责声明|版权声明|本文标题|本文链接|链接地址|原文链接)\s*[:：])"
)
_NAV_SEPARATOR = re.compile(r"\s[|｜]\s|>>|»|\s>\s")
_VIEW_COUNTER = re.compile(r"(?:围观|浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]?\s*\d+\s*次?")
_BYLINE_LABELS = re.compile(r"来源|作者|发布(?:时间|日期)?|时间|日期|编辑|[:：|｜【】\[\]()（）\s]")
_PAGE_NUMBER_LINE = re.compile(r"^(?:\d{1,4}|[-—]\s*\d{1,4}\s*[-—]|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})$")
_PAGE_PREFIX = re.compile(r"^(\d{1,4})、\s*")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

_CJKISH = f"{CJK}{CJK_PUNCT}"
_ASCII_PUNCT = ",.;:!?)"
# A space between two Chinese characters (or Chinese punctuation) is extraction damage.
_STRAY_SPACE = re.compile(rf"(?<=[{_CJKISH}{_ASCII_PUNCT}])[ ]+(?=[{_CJKISH}(])|(?<=[{_CJKISH}])[ ]+(?=[\d*])|(?<=[\d%])[ ]+(?=[{CJK}])")
_SPLIT_DECIMAL = re.compile(r"(?<=\d)\.[ ]+(?=\d)")

# Characters of finished paragraphs after a footer label that show the text goes on.
_MORE_CONTENT = 600
# Lines shorter than this are titles or labels; their inner spaces may be deliberate.
_SHORT_LINE = 60
# Unfinished lines end with one of these (or with a plain character inside prose).
_CONTINUES = "，,、：:（(“‘《—-"


def clean_text(raw: str) -> str:
    """The cleaned text of one file: chrome removed, broken lines mended, one blank line at most
    between paragraphs."""
    lines = _normalize(raw).split("\n")
    lines = _drop_chrome(lines)
    lines = _strip_page_prefixes(lines)
    lines = _join_broken_lines(lines)
    lines = [_remove_stray_spaces(line) for line in lines]
    lines = _drop_trailing_labels(_drop_repeats(lines))
    return _collapse_blank_lines(lines)


def _normalize(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    return "\n".join(line.strip() for line in text.split("\n"))


def _drop_chrome(lines: list[str]) -> list[str]:
    content_after = _paragraph_chars_after(lines)
    body_started = False
    kept: list[str] = []
    for i, line in enumerate(lines):
        if body_started and _FOOTER.match(line):
            if content_after[i + 1] < _MORE_CONTENT:
                break
            continue
        if len(line) <= _SHORT_LINE and not _is_sentence(line):
            line = _VIEW_COUNTER.sub("", line).strip()
            if _CHROME.search(line) or _is_nav_bar(line) or _PAGE_NUMBER_LINE.match(line):
                continue
            line = _reduce_byline(line)
        body_started = body_started or is_prose(line)
        kept.append(line)
    return kept


def _paragraph_chars_after(lines: list[str]) -> list[int]:
    """For each index i, the characters of finished paragraphs in lines[i:]. Related-article
    snippets end in "..." and do not count."""
    after = [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        finished = is_prose(line) and line[-1] in "。！？!?"
        after[i] = after[i + 1] + (len(line) if finished else 0)
    return after


def _is_sentence(line: str) -> bool:
    """Narrower than `is_prose`: "欢迎您!" stays chrome, "建设无障碍设施，……" is content."""
    return any(c in "。，," for c in line)


def _is_nav_bar(line: str) -> bool:
    return len(_NAV_SEPARATOR.findall(line)) >= 2


def _reduce_byline(line: str) -> str:
    """'某某网 2022-03-25 13:23' -> '2022-03-25 13:23': a dated byline keeps only its date."""
    match = DATE.search(line)
    if not match or DATE_LINE.match(line):
        return line
    rest = _BYLINE_LABELS.sub("", line[: match.start()] + line[match.end() :])
    return match.group(0) if len(rest) <= 20 else line


def _strip_page_prefixes(lines: list[str]) -> list[str]:
    """Remove page numbers glued to the start of pages ("2、专业学 校..."): a run of lines
    numbered n, n+1, n+2 ... most of which continue an unfinished sentence."""
    numbered: list[tuple[int, int, str]] = []  # (line index, number, previous non-empty line)
    previous = ""
    for i, line in enumerate(lines):
        if match := _PAGE_PREFIX.match(line):
            numbered.append((i, int(match.group(1)), previous))
        previous = line or previous
    if len(numbered) < 3:
        return lines
    consecutive = all(b[1] == a[1] + 1 for a, b in pairwise(numbered))
    continuing = sum(1 for _, _, before in numbered[1:] if _is_unfinished(_PAGE_PREFIX.sub("", before)))
    if not consecutive or continuing * 2 < len(numbered) - 1:
        return lines
    stripped = list(lines)
    for i, _, _ in numbered:
        stripped[i] = _PAGE_PREFIX.sub("", lines[i], count=1)
    return stripped


def _is_unfinished(line: str) -> bool:
    """Does this line stop in the middle of a sentence?"""
    if not line or line[-1] in SENTENCE_END:
        return False
    if line[-1] in _CONTINUES:
        return True
    if line[-1] in "”’」』)）" and len(line) > 1 and line[-2] in SENTENCE_END:
        return False
    inner_sentence_end = any(c in SENTENCE_END for c in line[:-1])
    return (is_prose(line) or inner_sentence_end) and not enumerator_level(line)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join a line that stops mid-sentence with the line that continues it (page and wrap breaks)."""
    wrap_width = _wrap_width(lines)
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if not line and previous and previous[-1] in _CONTINUES:
            continue  # a page break inside a sentence, not a paragraph break
        wrapped = wrap_width and len(previous) >= wrap_width and previous[-1] not in SENTENCE_END
        if line and previous and (wrapped or _is_unfinished(previous)) and not enumerator_level(line):
            joined[-1] = _glue(previous, line)
        else:
            joined.append(line)
    return joined


def _wrap_width(lines: list[str]) -> int:
    """If the text is hard-wrapped at a fixed width (as PDF extraction leaves it), the length
    from which a line counts as full; else 0. Wrapped when half the lines (and at least six)
    are within 15% of one common width."""
    lengths = Counter(len(line) for line in lines if len(line) >= 10)
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
    return _STRAY_SPACE.sub("", _SPLIT_DECIMAL.sub(".", line))


def _drop_repeats(lines: list[str]) -> list[str]:
    """Drop a short line that repeats the previous non-empty line (duplicated titles, widgets)."""
    kept: list[str] = []
    previous = ""
    for line in lines:
        if line and line == previous and len(line) <= _SHORT_LINE:
            continue
        kept.append(line)
        previous = line or previous
    return kept


def _drop_trailing_labels(lines: list[str]) -> list[str]:
    """A document cannot end on a heading: short unpunctuated lines after the last prose are
    leftovers of the page (ads, repeated titles, widget labels). A signature (organisation,
    date) is kept."""
    last_prose = max((i for i, line in enumerate(lines) if is_prose(line)), default=-1)
    if last_prose < 0:
        return lines
    tail = [
        line
        for line in lines[last_prose + 1 :]
        if not line or not is_heading_like(line) or ORGANISATION.match(line)
    ]
    return lines[: last_prose + 1] + tail


def _collapse_blank_lines(lines: list[str]) -> str:
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
