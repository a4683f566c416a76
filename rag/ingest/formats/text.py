"""Plain text and Markdown: decoding bytes whose encoding is unknown (HTML pages are
decoded the same way), and Markdown's markup removed with its `#` headings kept as hints.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from rag import language
from rag.ingest.fields import meta_fields
from rag.ingest.ledger import Removal
from rag.ingest.raw import TITLE_RANK, Hints, LoadError, RawText, outline_rank
from rag.textshape import squash

# charset-normalizer names the narrow Chinese code pages; GB18030 decodes all of them.
_CHINESE_CODECS = {"gb2312", "gbk", "cp936", "hz", "gb18030"}


def decode_text(data: bytes) -> str:
    """Decode bytes whose encoding is unknown: BOMs first, then strict UTF-8, then strict
    GB18030 (mainland reports not in UTF-8 are almost always GB2312/GBK/GB18030, and
    detection guesses wrong on short Chinese texts), then detection."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec)
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError("not a text file (unknown encoding or binary data)")
    encoding = "gb18030" if best.encoding.replace("_", "").lower() in _CHINESE_CODECS else best.encoding
    text = data.decode(encoding, errors="replace")
    if _looks_binary(text):
        raise LoadError("not a text file (binary data)")
    return text


def _looks_binary(text: str) -> bool:
    """Control characters or replacement marks in more than 1% of the text mean garbage."""
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return bad > max(2, len(text) // 100)


def markdown_to_text(path: Path, markdown: str) -> RawText:
    """Plain text of a Markdown file: markup removed, words and line structure kept; `#`
    headings become heading hints (the first level-1 heading, before any text, the title).
    YAML front matter is the file's metadata: its labelled fields ("标题", "文号", "发布日期")
    become page metadata, and all its lines go to the ledger."""
    meta, removed, markdown = _front_matter(markdown)
    headings: dict[str, float] = {}
    lines: list[str] = []
    for line in markdown.split("\n"):
        match = language.MARKDOWN_HEADING.match(line)
        if match:
            depth, line = len(match.group(1)), match.group(2)
            is_title = depth == 1 and not any(squash(seen) for seen in lines) and not headings
            headings[squash(line)] = TITLE_RANK if is_title else outline_rank(depth)
        lines.append(line)
    text = "\n".join(lines)
    for pattern, replacement in language.MARKDOWN_MARKUP:
        text = pattern.sub(replacement, text)
    return RawText(path, text, Hints(headings={k: v for k, v in headings.items() if k}, meta=meta), removed)


def _front_matter(markdown: str) -> tuple[dict[str, str], tuple[Removal, ...], str]:
    """The fields of a Markdown file's front matter that `meta_fields` knows, its lines, and
    the Markdown after it."""
    match = language.FRONT_MATTER.match(markdown)
    if match is None:
        return {}, (), markdown
    meta: dict[str, str] = {}
    removed = []
    for number, line in enumerate(match.group("body").split("\n"), start=2):
        if line.strip():
            removed.append(Removal(line.strip(), "Markdown front matter (the file's metadata)", number))
            for name, value in (meta_fields(line.strip()) or {}).items():
                meta.setdefault(name, value.strip().strip("'\""))
    return meta, tuple(removed), markdown[match.end() :]
