"""Reading files into raw text: finds the supported files under the given paths and turns
each into `Extracted` text (still dirty; `clean` tidies it) with what its format says about
it: headings and a title marked by the format (HTML tags, Word styles, Markdown `#`),
page metadata (`<title>`, `<meta>`), and the text the loader left out (page chrome outside
an HTML page's article).

Unreadable or unsupported files are skipped with a one-line warning, never an exception,
so one bad file cannot stop a whole run.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.ingest.ledger import Removal
from rag.textshape import squash

logger = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = {".txt", ".md"} | HTML_SUFFIXES | {".pdf", ".docx"}

# charset-normalizer names the narrow Chinese code pages; GB18030 decodes all of them.
_CHINESE_CODECS = {"gb2312", "gbk", "cp936", "hz", "gb18030"}
# Joins the cells of a table row on its line.
CELL_SEPARATOR = "｜"
# Rank of the document title among the format's heading marks (headings rank from 1).
TITLE_RANK = 0.0


class LoadError(Exception):
    """A file could not be read; the message says why in a few words."""


@dataclass(frozen=True)
class Hints:
    """What a file's format says about its text, beyond the words.

    `headings` maps a line (squashed: see `textshape.squash`) to its heading rank as the
    format marks it: 0 for the document title (Word's Title style, a page's headline), and
    for headings the rank `structure` nests them by. `meta` holds page metadata by field
    name (see `patterns.META_LABELS`): "title", "published", "source", "site", ..."""

    headings: dict[str, float] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def rank(self, line: str) -> float | None:
        return self.headings.get(squash(line))


@dataclass(frozen=True)
class RawText:
    """The text of one file as extracted, before cleaning, with its format's hints and
    whatever the extraction left out (each with the reason)."""

    source: Path
    text: str
    hints: Hints = field(default_factory=Hints)
    removed: tuple[Removal, ...] = ()


def find_files(paths: Iterable[Path], exclude: Collection[str] = ()) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of supported files, less
    those whose resolved path is in `exclude` (files deleted from the library).

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
            if candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.warning("skipped %s: unsupported file type %r", candidate, candidate.suffix or "(none)")
            elif not exclude or str(candidate.resolve()) not in exclude:
                found.append(candidate)
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
    from rag.ingest.html import html_to_text  # html builds on this module's records


    suffix = path.suffix.lower()
    if not data.strip():
        raise LoadError("file is empty" if not data else "file holds only whitespace")
    try:
        if suffix == ".txt":
            raw = RawText(path, decode_text(data))
        elif suffix == ".md":
            raw = markdown_to_text(path, decode_text(data))
        elif suffix in HTML_SUFFIXES:
            raw = html_to_text(path, decode_text(data))
        elif suffix == ".pdf":
            raw = pdf_to_text(path, data)
        elif suffix == ".docx":
            raw = docx_to_text(path, data)
        else:
            raise LoadError(f"unsupported file type {suffix!r}")
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on damaged files
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
        raise LoadError(f"cannot read this {suffix[1:].upper()}: damaged, truncated or not really a {suffix} file ({detail})") from None
    if not raw.text.strip():
        raise LoadError("no text found (the file holds only whitespace, or only images)")
    return raw


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


_MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MARKDOWN_RULES = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"^\s{0,3}(?:[-*+]|>)\s+", re.MULTILINE), ""),  # bullets and quotes
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE), ""),  # rules
]


def markdown_to_text(path: Path, markdown: str) -> RawText:
    """Plain text of a Markdown file: markup removed, words and line structure kept; `#`
    headings become heading hints (the first level-1 heading, before any text, the title)."""
    headings: dict[str, float] = {}
    lines: list[str] = []
    for line in markdown.split("\n"):
        match = _MARKDOWN_HEADING.match(line)
        if match:
            depth, line = len(match.group(1)), match.group(2)
            is_title = depth == 1 and not any(squash(seen) for seen in lines) and not headings
            headings[squash(line)] = TITLE_RANK if is_title else outline_rank(depth)
        lines.append(line)
    text = "\n".join(lines)
    for pattern, replacement in _MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    return RawText(path, text, Hints(headings={k: v for k, v in headings.items() if k}))


def outline_rank(depth: int) -> float:
    """The rank of an outline level the format states (Word's Heading N, HTML's hN, Markdown's
    N #): above every numbered heading style (ranks 4 and deeper, `patterns.HEADING_STYLES`),
    since the author's own outline is what the numbering serves."""
    return 0.5 + 0.5 * min(max(depth, 1), 6)


# The content streams of a 1,000-page report decode to tens of MB; a PDF whose pages decode
# to more is refused before its text is extracted (pypdf also stops each stream at 75 MB).
PDF_MAX_DECODED = 100 * 2**20
# Lines at the top and bottom of each page searched for running headers and footers.
_PAGE_EDGE = 3
_WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+(?:\s+\d{1,4}\s*/\s*\d{1,4})?$")


def pdf_to_text(path: Path, data: bytes) -> RawText:
    """Text of every page, pages separated by a newline (cleaning mends the breaks), less
    the running headers and footers a browser or printer put on each page (the print
    time, the page's title, its web address and page number)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError
    from pypdf.filters import ZLIB_MAX_OUTPUT_LENGTH

    # pypdf logs each repair it attempts ("EOF marker not found"); the caller reports the outcome.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    try:
        # pypdf keeps each decoded stream: bound the sum before extracting any text.
        decoded = 0
        for pdf_page in reader.pages:
            decoded += _contents_size(pdf_page)
            if decoded > PDF_MAX_DECODED:
                raise LoadError(
                    f"refused: the PDF's page contents decode to more than {PDF_MAX_DECODED // 2**20} MB (a decompression bomb)"
                )
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    except LimitReachedError:  # pypdf stops decoding a stream at its bound, memory stays bounded
        limit = ZLIB_MAX_OUTPUT_LENGTH // 10**6
        raise LoadError(f"refused: a compressed stream in the PDF decodes to more than {limit} MB (a decompression bomb)") from None
    running = _running_lines(pages)
    removed: list[Removal] = []
    kept: list[str] = []
    for page in pages:
        edges = _edge_rows(page)
        for row, line in enumerate(page):
            stripped = line.strip()
            if row in edges and (_masked(stripped) in running or _WEB_ADDRESS.match(stripped)):
                removed.append(Removal(stripped, "PDF page header or footer", len(kept) + 1))
                continue
            kept.append(line)
    return RawText(path, "\n".join(kept), removed=tuple(removed))


def _contents_size(page: Any) -> int:
    """Bytes of a PDF page's content streams once decoded (pypdf bounds each stream)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    streams = contents.get_object()
    streams = streams if isinstance(streams, list) else [streams]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _edge_rows(page: list[str]) -> set[int]:
    """Rows of the first and last few non-blank lines of a page."""
    rows = [i for i, line in enumerate(page) if line.strip()]
    return set(rows[:_PAGE_EDGE] + rows[-_PAGE_EDGE:])


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked: page numbers change) at a page's edge on at least half the
    pages, and on two at least: running headers and footers."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for page in pages:
        for key in {_masked(page[i].strip()) for i in _edge_rows(page)}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if key and n >= max(2, len(pages) / 2)}


def _masked(line: str) -> str:
    return re.sub(r"\d+", "#", line)


_WORD_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


# A DOCX is a zip archive. A long report's unpacks to a few MB of XML; an archive that
# unpacks to far more, or packs its parts far tighter than XML compresses, is refused
# before parsing (a "zip bomb": 1 MB that unpacks to 1 GiB of XML would take gigabytes).
ARCHIVE_MAX_UNPACKED = 256 * 2**20
ARCHIVE_MAX_RATIO = 200  # XML compresses 5-20x; a bomb's parts 1000x and more


def check_archive(data: bytes) -> None:
    """Raise `LoadError` for an archive too big once unpacked, or packed too tightly."""
    import zipfile

    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > ARCHIVE_MAX_UNPACKED:
        raise LoadError(f"refused: the archive unpacks to {unpacked / 2**20:,.0f} MB (the limit is {ARCHIVE_MAX_UNPACKED // 2**20} MB)")
    for member in members:
        if member.file_size > 2**20 and member.file_size > ARCHIVE_MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise LoadError(f"refused: {member.filename} in the archive is packed {ratio:,.0f}x (more than {ARCHIVE_MAX_RATIO}x: a zip bomb)")


def docx_to_text(path: Path, data: bytes) -> RawText:
    """Paragraphs and tables in document order (a table row is one line, see `table_rows`);
    Word's Title style marks the title, Heading N styles the outline. The archive is
    checked before it is opened (`check_archive`)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(data)
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    headings: dict[str, float] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text
            style = (block.style.name if block.style is not None else "") or ""
            if text.strip() and style.lower() in ("title", "标题"):
                headings[squash(text)] = TITLE_RANK
            elif text.strip() and (match := _WORD_HEADING.match(style)):
                headings[squash(text)] = outline_rank(int(match.group(1)))
            lines.append(text)
        elif isinstance(block, Table):
            lines.extend(table_rows([[cell.text for cell in row.cells] for row in block.rows]))
    return RawText(path, "\n".join(lines), Hints(headings=headings))


def table_rows(rows: list[list[str]]) -> list[str]:
    """A table as text lines, one per row, cells joined by "｜" (with no spaces around, which
    would make the row look like a navigation bar). A merged cell appears once (Word and
    HTML repeat it in every column it spans); empty rows are left out."""
    lines = []
    for row in rows:
        cells: list[str] = []
        for cell in row:
            text = " ".join(cell.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(CELL_SEPARATOR.join(cells))
    return lines
