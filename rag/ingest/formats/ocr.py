"""Reading page images by OCR: scanned PDF pages (`rag.ingest.formats.pdf`) and image files.

RapidOCR (PP-OCR detection and recognition models shipped inside the `rapidocr` wheel, run
on onnxruntime; nothing is downloaded) finds the text boxes of a page and reads each. The
boxes are then put back in reading order and laid out as a printed page is read: boxes on
one row are one line; a row that runs to the right margin goes on in the next row unless
that one is indented, centred or set apart (a paragraph of running text wraps, a title,
发文字号, signature or date does not). A large centred block near the top is marked as the
title, as Word's Title style or a page's headline would be. Every box is kept: a line
the recognizer is unsure of stays in the text and is listed in the page's record. A page
with red ink (a seal stamped over the signature and date) is also read through its red
channel, where the seal disappears.
"""

from __future__ import annotations

import functools
import io
import logging
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from rag import language
from rag.ingest.raw import TITLE_RANK, Hints, LoadError, PageRead, RawText
from rag.textshape import is_organ_line, squash

# The recognizer's score (0-1) under which a line is reported as unsure: PP-OCR's own default
# cut-off for dropping a line is 0.5; here nothing is dropped, lines under it are listed.
LOW_CONFIDENCE = 0.5
# The longest side of an image handed to OCR, in pixels: A4 at about 200 dpi. Larger scans
# and photos are scaled down (detection works at this size anyway and time grows with area).
MAX_SIDE = 2400
# Layout, in multiples of the page's median line height (about one character):
INDENT = 1.2  # a paragraph's first line starts at least this far right of the left margin
FULL_LINE = 1.5  # a row ending within this of the right margin runs on into the next row
CENTRED = 2.0  # a row whose left and right margins differ by less than this is centred
LINE_GAP = 0.5  # a gap between rows this much wider than the page's usual gap sets them apart
COLUMN_GAP = 2.0  # boxes on one row further apart than this are separate cells
TITLE_HEIGHT = 1.15  # a title's boxes are at least this much taller than the body's (二号 over 三号 type)
# Red ink: a page with more than this share of strongly red pixels has a seal or a red masthead
# (a seal alone covers about 1% of an A4 page), and boxes of two readings that share more
# than OVERLAP of the smaller one read the same words.
RED_SHARE = 0.002
OVERLAP = 0.3
SAME_SIZE = 0.45  # rows whose heights differ by more are set in different sizes (a short box runs taller)


@dataclass(frozen=True)
class Box:
    """One text box the recognizer read, with its place on the page (pixels) and score."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Row:
    """Boxes on one printed line, left to right."""

    boxes: tuple[Box, ...]
    text: str
    cells: int

    @property
    def left(self) -> float:
        return self.boxes[0].left

    @property
    def right(self) -> float:
        return max(b.right for b in self.boxes)

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)

    @property
    def height(self) -> float:
        return statistics.median(b.height for b in self.boxes)


@dataclass(frozen=True)
class OcrPage:
    """A page as read: its lines in reading order, the title the layout marks (or ""), the
    mean score of its boxes and the lines read with a low score."""

    lines: tuple[str, ...]
    title: str
    confidence: float
    unsure: tuple[str, ...]


@functools.cache
def _engine() -> Any:
    """The OCR engine, loaded once per process (the models load in well under a second)."""
    from rapidocr import RapidOCR

    # Keep every box (the default drops those scored under 0.5), and keep the log quiet.
    return RapidOCR(params={"Global.text_score": 0.0, "Global.log_level": "error"})


def read_image(image: Any) -> OcrPage:
    """OCR one page image (a PIL image), laid out in reading order. A page with red ink (a
    seal over the signature and date, a red 发文机关标志) is read twice: once as printed,
    once through its red channel, where red ink turns white and the black text under a seal
    comes clear; the second reading wins where the two overlap, and the first keeps what is
    printed in red."""
    image = image.convert("RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    boxes = _boxes(image)
    if _has_red_ink(image):
        clear = _boxes(image.getchannel("R").convert("RGB"))
        boxes = clear + [b for b in boxes if not any(_overlap(b, c) > OVERLAP for c in clear)]
    return layout(boxes)


def _boxes(image: Any) -> list[Box]:
    """The text boxes the engine reads on an image, each as its bounding rectangle."""
    import numpy as np

    result = _engine()(np.asarray(image))
    quads = result.boxes if result.boxes is not None else []
    boxes = []
    for quad, text, score in zip(quads, result.txts or (), result.scores or ()):
        xs, ys = [float(point[0]) for point in quad], [float(point[1]) for point in quad]
        if str(text).strip():
            boxes.append(Box(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
    return boxes


def _has_red_ink(image: Any) -> bool:
    """More than RED_SHARE of the page's pixels are strongly red (a seal, a red masthead)."""
    import numpy as np

    pixels = np.asarray(image, dtype=np.int16)
    red = (pixels[..., 0] > 150) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110)
    return float(red.mean()) > RED_SHARE


def _overlap(a: Box, b: Box) -> float:
    """The share of the smaller box that the two boxes have in common."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * a.height, (b.right - b.left) * b.height)
    return width * height / smaller if smaller > 0 else 0.0


@dataclass(frozen=True)
class _Page:
    """A page's measures, from its rows: the left and right margins, the line height (about
    one character) and the usual gap between rows."""

    left: float
    right: float
    unit: float
    gap: float

    @classmethod
    def of(cls, rows: list[Row]) -> _Page:
        gaps = [b.top - a.bottom for a, b in pairwise(rows)] or [0.0]
        unit = statistics.median(r.height for r in rows)
        return cls(min(r.left for r in rows), max(r.right for r in rows), unit, statistics.median(gaps))

    def symmetric(self, row: Row) -> bool:
        return abs((row.left - self.left) - (self.right - row.right)) < CENTRED * self.unit

    def centred(self, row: Row) -> bool:
        """Set in the middle: clear of both margins, by about the same."""
        return min(row.left - self.left, self.right - row.right) > INDENT * self.unit and self.symmetric(row)

    def runs_on(self, previous: Row, row: Row) -> bool:
        """Does `row` continue the paragraph of `previous` (a line of running text wrapped
        at the right margin)?"""
        if previous.right < self.right - FULL_LINE * self.unit or row.top - previous.bottom > self.gap + LINE_GAP * self.unit:
            return False
        if row.left - self.left > INDENT * self.unit or self.centred(previous) or previous.cells > 1 or row.cells > 1:
            return False
        return previous.text[-1:] not in language.FINAL_MARKS and abs(row.height - previous.height) <= SAME_SIZE * self.unit


def layout(boxes: list[Box]) -> OcrPage:
    """Boxes as the lines a reader reads: rows, then paragraphs rebuilt across rows."""
    if not boxes:
        return OcrPage((), "", 0.0, ())
    rows = list(_rows(boxes))
    page = _Page.of(rows)
    lines: list[str] = []
    previous: Row | None = None
    for row in rows:
        if previous is not None and page.runs_on(previous, row):
            lines[-1] += row.text
        else:
            lines.append(row.text)
        previous = row
    scores = [b.score for b in boxes]
    unsure = tuple(b.text for b in boxes if b.score < LOW_CONFIDENCE)
    return OcrPage(tuple(lines), _title(rows, page), sum(scores) / len(scores), unsure)


def _rows(boxes: list[Box]) -> Iterator[Row]:
    """Boxes grouped into rows (a box joins a row its vertical middle falls inside), top to
    bottom; a wide gap between two boxes of a row is kept as a space (separate cells)."""
    pending: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        middle = (box.top + box.bottom) / 2
        if pending and not (min(b.top for b in pending) <= middle <= max(b.bottom for b in pending)):
            yield _row(pending)
            pending = []
        pending.append(box)
    if pending:
        yield _row(pending)


def _row(boxes: list[Box]) -> Row:
    ordered = sorted(boxes, key=lambda b: b.left)
    unit = statistics.median(b.height for b in ordered)
    text, cells = ordered[0].text.strip(), 1
    for before, box in pairwise(ordered):
        apart = box.left - before.right > COLUMN_GAP * unit
        text += (" " if apart else "") + box.text.strip()
        cells += apart
    return Row(tuple(ordered), text, cells)


def _title(rows: list[Row], page: _Page) -> str:
    """The first block of consecutive centred rows set larger than the body, in the top half
    of the page, less a 发文机关标志 ("…文件", or an organ's name alone atop the page): the
    title as the layout marks it."""
    page_bottom = max(r.bottom for r in rows)
    block: list[Row] = []
    for row in rows:
        large = row.height >= TITLE_HEIGHT * page.unit and page.symmetric(row)
        masthead = language.ISSUER_MARK.match(row.text) or (is_organ_line(row.text) and row is rows[0])
        if large and row.top < page_bottom / 2 and not masthead:
            block.append(row)
        elif block:
            break
    return "".join(r.text for r in block)


def image_to_text(path: Path, data: bytes) -> RawText:
    """An image file (a scanned or photographed page) read by OCR."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise LoadError(f"cannot read this image: {exc}") from None
    page = read_image(image)
    logging.getLogger(__name__).info("OCR %s: %d lines, confidence %.2f", path.name, len(page.lines), page.confidence)
    hints = Hints(headings={squash(page.title): TITLE_RANK}) if page.title else Hints()
    return RawText(path, "\n".join(page.lines), hints, pages=(page_read(1, page),))


def page_read(number: int, page: OcrPage) -> PageRead:
    """What `rag inspect` shows of a page read by OCR."""
    return PageRead(number, "OCR", round(page.confidence, 3), page.unsure)
