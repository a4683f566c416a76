"""PDF files: the text of every page, less the running headers and footers a browser or
printer put on each page, with the size of the decoded pages bounded before any text is
extracted (a decompression bomb is refused, not unpacked).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from rag import language
from rag.ingest.ledger import Removal
from rag.ingest.raw import LoadError, RawText

# The content streams of a 1,000-page report decode to tens of MB; a PDF whose pages decode
# to more is refused before its text is extracted (pypdf also stops each stream at 75 MB).
PDF_MAX_DECODED = 100 * 2**20
# Lines at the top and bottom of each page searched for running headers and footers.
_PAGE_EDGE = 3


def pdf_to_text(path: Path, data: bytes) -> RawText:
    """Text of every page, pages separated by a newline (cleaning mends the breaks), less
    the running headers and footers a browser or printer put on each page (the print
    time, the page's title, its web address and page number)."""
    pages = _page_lines(data)
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
    return RawText(path, "\n".join(kept), removed=tuple(removed))


def _page_lines(data: bytes) -> list[list[str]]:
    """The lines of each page's text; raises `LoadError` for a decompression bomb."""
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
        return [(page.extract_text() or "").split("\n") for page in reader.pages]
    except LimitReachedError:  # pypdf stops decoding a stream at its bound, memory stays bounded
        limit = ZLIB_MAX_OUTPUT_LENGTH // 10**6
        raise LoadError(f"refused: a compressed stream in the PDF decodes to more than {limit} MB (a decompression bomb)") from None


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
