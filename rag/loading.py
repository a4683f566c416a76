"""Reading files into raw text: finds the supported files under the given paths and
turns each into a `RawText` (text still dirty; `cleaning` tidies it).

Unreadable or unsupported files are skipped with a one-line warning, never an exception,
so one bad file cannot stop a whole run.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = {".txt", ".md"} | HTML_SUFFIXES | {".pdf", ".docx"}

# charset-normalizer names the narrow Chinese code pages; GB18030 decodes all of them.
_CHINESE_CODECS = {"gb2312", "gbk", "cp936", "hz", "gb18030"}


class LoadError(Exception):
    """A file could not be read; the message says why in a few words."""


@dataclass(frozen=True)
class RawText:
    """The text of one file as extracted, before cleaning."""

    source: Path
    text: str


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of supported files.

    A missing path raises `FileNotFoundError`; unsupported files are skipped with a warning.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            candidates = [path]
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
        for candidate in candidates:
            if candidate.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(candidate)
            else:
                logger.warning("skipped %s: unsupported file type %r", candidate, candidate.suffix or "(none)")
    return found


def file_sha256(path: Path) -> str:
    """The file's content hash: how re-indexing and uploads tell a file they have seen."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_bytes(path: Path) -> bytes:
    """The file's content; raises `LoadError` when it cannot be read. Indexing hashes and
    parses these same bytes, so a file changed mid-run is never recorded under the wrong hash."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(exc.strerror or str(exc)) from None


def read_file(path: Path) -> RawText:
    """Extract the text of one supported file; raises `LoadError` when it cannot."""
    return extract_text(path, read_bytes(path))


def extract_text(path: Path, data: bytes) -> RawText:
    """The text of `data`, the content of `path` (whose suffix says the format)."""
    suffix = path.suffix.lower()
    if not data.strip():
        raise LoadError("file is empty" if not data else "file holds only whitespace")
    try:
        if suffix == ".txt":
            text = decode_text(data)
        elif suffix == ".md":
            text = markdown_to_text(decode_text(data))
        elif suffix in HTML_SUFFIXES:
            text = html_to_text(decode_text(data))
        elif suffix == ".pdf":
            text = pdf_to_text(data)
        elif suffix == ".docx":
            text = docx_to_text(data)
        else:
            raise LoadError(f"unsupported file type {suffix!r}")
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on damaged files
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
        raise LoadError(f"cannot read this {suffix[1:].upper()}: damaged, truncated or not really a {suffix} file ({detail})") from None
    if not text.strip():
        raise LoadError("no text found (the file holds only whitespace, or only images)")
    return RawText(source=path, text=text)


def read_files(paths: Iterable[Path]) -> Iterator[RawText]:
    """Read each file, skipping (with a warning) those that cannot be read."""
    for path in paths:
        try:
            yield read_file(path)
        except LoadError as exc:
            logger.warning("skipped %s: %s", path, exc)


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


_MARKDOWN_RULES = [
    (re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$", re.MULTILINE), ""),  # heading markers
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"^\s{0,3}(?:[-*+]|>)\s+", re.MULTILINE), ""),  # bullets and quotes
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE), ""),  # rules
]


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown file: markup removed, words and line structure kept."""
    for pattern, replacement in _MARKDOWN_RULES:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def html_to_text(html: str) -> str:
    """Main text of a web page (no navigation or footer), headline first, via trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=True, with_metadata=True)
    if not extracted:
        raise LoadError("no main text found in the HTML page")
    fields = extracted if isinstance(extracted, dict) else extracted.as_dict()
    title, date, body = ((fields.get(key) or "").strip() for key in ("title", "date", "text"))
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    return "\n\n".join(part for part in (title, date, body) if part)


def pdf_to_text(data: bytes) -> str:
    """Text of every page, pages separated by a newline (cleaning mends the breaks)."""
    from pypdf import PdfReader

    # pypdf logs each repair it attempts ("EOF marker not found"); the caller reports the outcome.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_to_text(data: bytes) -> str:
    """Paragraphs of the body, then table cells row by row."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)
