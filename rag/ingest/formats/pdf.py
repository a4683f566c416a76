"""PDF files: the text of every page, less the running headers and footers a browser or
printer put on each page, with the size of the decoded pages bounded before any text is
extracted (a decompression bomb is refused, not unpacked).

A page's text comes from its text layer (pypdf). Two kinds of page are read otherwise:
- a page with no usable text layer (a scan: images and no text, or text whose characters are
  garbage) is rendered (pypdfium2) and read by OCR (`rag.ingest.formats.ocr`), with
  progress per page;
- a page with ruled tables (pdfplumber finds them) is read with pdfplumber, each table as
  rows of cells joined as DOCX and HTML tables are (`table_rows`), in its place among the
  lines around it, so its caption ("表1 …") and header row stay above its rows.
`RawText.pages` records how each such page was read, for `rag inspect`.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag import language
from rag.ingest.formats.ocr import MAX_SIDE, page_read, read_image
from rag.ingest.ledger import Removal
from rag.ingest.raw import TITLE_RANK, Hints, LoadError, PageRead, RawText, table_rows
from rag.textshape import squash

# The content streams of a 1,000-page report decode to tens of MB; a PDF whose pages decode
# to more is refused before its text is extracted (pypdf also stops each stream at 75 MB).
PDF_MAX_DECODED = 100 * 2**20
# Lines at the top and bottom of each page searched for running headers and footers.
_PAGE_EDGE = 3
# A page whose text layer has fewer letters, digits or Chinese characters than this, and
# images, is a scan (a page number or a stamp's text may sit on top of the image).
SCAN_TEXT_CHARS = 20
# ... or, without images, more drawn curves than this: text turned into outlines (a few
# dozen curves make a seal or a chart; a page of outlined characters has thousands).
OUTLINED_TEXT_CURVES = 300
# A text layer in which more than this share of the characters are unreadable (private-use
# code points, replacement marks, controls: a font without a Unicode map) is read by OCR.
GARBAGE_SHARE = 0.3
# Resolution a scanned page is rendered at for OCR (dots per inch; PDF units are 1/72 inch).
OCR_DPI = 200
# A ruled table must have at least this many rows with two filled cells or more; fewer is
# a box drawn around text (a 目录, a stamp), whose lines the text layer already gives.
TABLE_MIN_ROWS = 2


def pdf_to_text(path: Path, data: bytes) -> RawText:
    """Text of every page, pages separated by a newline (cleaning mends the breaks), less
    the running headers and footers a browser or printer put on each page (the print
    time, the page's title, its web address and page number)."""
    read = _read_pages(path, data)
    pages = read.lines
    running = _running_lines(pages)
    removed: list[Removal] = []
    kept: list[str] = []
    for page in pages:
        edges = _edge_rows(page)
        for row, line in enumerate(page):
            stripped = line.strip()
            if row in edges and (_masked(stripped) in running or language.WEB_ADDRESS.match(stripped)):
                removed.append(Removal(stripped, "PDF page header or footer", len(kept) + 1))
                continue
            kept.append(line)
    return RawText(path, "\n".join(kept), read.hints, removed=tuple(removed), pages=read.pages)


@dataclass(frozen=True)
class _Read:
    """A PDF as read: the lines of each page, a record of each page not read from its text
    layer alone, and the hints (the title an OCR'd first page's layout marks, the file's
    creation date)."""

    lines: list[list[str]]
    pages: tuple[PageRead, ...]
    hints: Hints


def _read_pages(path: Path, data: bytes) -> _Read:
    """Every page from its text layer, by pdfplumber where it has tables, by OCR where it is a scan."""
    import pdfplumber

    pages, created = _page_lines(data)
    reads: list[PageRead] = []
    with pdfplumber.open(io.BytesIO(data)) as plumbed:
        scans = [n for n, lines in enumerate(pages) if _is_scan(lines, plumbed.pages[n])]
        for n, plumbed_page in enumerate(plumbed.pages):
            if n in scans:
                continue
            tables = [t for t in plumbed_page.find_tables() if _is_data_table(t)]
            if tables:
                pages[n] = _lines_with_tables(plumbed_page, tables)
                reads.append(PageRead(n + 1, "text layer", tables=len(tables)))
            plumbed_page.close()
    title = ""
    if scans:
        import pypdfium2

        document = pypdfium2.PdfDocument(data)
        for n in tqdm(scans, desc=f"OCR {path.name}", unit="page", disable=None, leave=False):
            page = read_image(_render(document[n]))
            pages[n] = list(page.lines)
            reads.append(page_read(n + 1, page))
            title = title or (page.title if n == 0 else "")
    hints = Hints(headings={squash(title): TITLE_RANK} if title else {}, meta={"file_date": created} if created else {})
    return _Read(pages, tuple(sorted(reads, key=lambda r: r.number)), hints)


def _is_scan(lines: list[str], page: Any) -> bool:
    """A page without a usable text layer: images and (almost) no text, or garbage text."""
    text = "".join(lines)
    words = len(language.WORD_CHAR.findall(text))
    if words < SCAN_TEXT_CHARS:
        return bool(page.images) or len(page.curves) > OUTLINED_TEXT_CURVES
    visible = [c for c in text if not c.isspace()]
    garbage = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 32)
    return garbage > GARBAGE_SHARE * len(visible)


def _render(page: Any) -> Any:
    """A PDF page as a PIL image at OCR_DPI, or smaller where the page is larger than paper
    (its longest side at most the OCR reader's MAX_SIDE pixels)."""
    return page.render(scale=min(OCR_DPI / 72, MAX_SIDE / max(page.get_size()))).to_pil()


def _is_data_table(table: Any) -> bool:
    rows = table.extract()
    return sum(1 for row in rows if sum(1 for cell in row if cell and cell.strip()) >= 2) >= TABLE_MIN_ROWS


def _lines_with_tables(page: Any, tables: list[Any]) -> list[str]:
    """A page's lines, top to bottom: its text outside the tables line by line, and each
    table as one line per row in its place."""
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    placed = [(line["top"], 0, line["text"]) for line in page.filter(outside).extract_text_lines()]
    for table in tables:
        rows = table_rows(table.extract(), repeats_merged=False)
        placed += [(table.bbox[1], n + 1, row) for n, row in enumerate(rows)]
    return [text for _, _, text in sorted(placed, key=lambda p: (p[0], p[1]))]


def _page_lines(data: bytes) -> tuple[list[list[str]], str | None]:
    """The lines of each page's text, and the creation date the file's properties state;
    raises `LoadError` for a decompression bomb."""
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
        return pages, _created(reader)
    except LimitReachedError:  # pypdf stops decoding a stream at its bound, memory stays bounded
        limit = ZLIB_MAX_OUTPUT_LENGTH // 10**6
        raise LoadError(f"refused: a compressed stream in the PDF decodes to more than {limit} MB (a decompression bomb)") from None


def _created(reader: Any) -> str | None:
    """The creation date in the PDF's properties, if it states a readable one."""
    try:
        created = reader.metadata.creation_date if reader.metadata is not None else None
    except ValueError:  # a malformed date string
        return None
    return created.date().isoformat() if created is not None else None


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
    return language.DIGITS.sub("#", line)
