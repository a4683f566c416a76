"""Scanned pages: a PDF page without a text layer, and an image file, read by OCR.

The scans are made here from a real PDF's first page (a city's statistical bulletin, in
benchmarks/corpora/other): rendered to an image and saved as an image-only PDF, the way a
scanner's PDF holds a page. Its text layer is the truth OCR is scored against. The layout
rules (rows, paragraphs, the title block, unsure lines) are tested on boxes directly.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from conftest import REPO_ROOT, run_rag
from rapidfuzz.distance import Levenshtein
from synthetic import squash

from rag.ingest import read_file, understand
from rag.ingest.formats.ocr import LOW_CONFIDENCE, Box, layout
from rag.settings import Settings

BULLETIN = REPO_ROOT / "benchmarks" / "corpora" / "other" / "a-zhoukou-city-2023-stat-bulletin.pdf"


@functools.cache
def _page_image() -> object:
    import pypdfium2

    return pypdfium2.PdfDocument(BULLETIN.read_bytes())[0].render(scale=150 / 72).to_pil().convert("L")


@functools.cache
def _text_layer() -> str:
    from pypdf import PdfReader

    return PdfReader(BULLETIN).pages[0].extract_text()


def _scanned_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scanned-bulletin.pdf"
    _page_image().save(path, resolution=150)  # type: ignore[attr-defined]
    return path


def test_a_scanned_pdf_page_is_read_by_ocr_with_its_title_date_and_body(tmp_path: Path) -> None:
    raw = read_file(_scanned_pdf(tmp_path))
    [page] = raw.pages
    assert page.how == "OCR" and page.confidence is not None and page.confidence > 0.9
    body = [line for line in _text_layer().split("\n")[4:] if len(squash(line)) > 10]
    assert Levenshtein.normalized_similarity(squash(raw.text), squash("".join(body))) > 0.5
    # The body, paragraph by paragraph, against the text layer: at least 95% of characters right.
    read = squash(raw.text)
    start = read.index(squash(body[0])[:6])
    truth = squash("".join(body))
    assert Levenshtein.normalized_similarity(read[start : start + len(truth)], truth) >= 0.95
    [document] = understand(raw, "scanned-bulletin").documents
    assert document.title == "2023年周口市国民经济和社会发展统计公报"
    assert document.date == "2024-04-29"


def test_an_image_file_loads_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "bulletin-page.png"
    _page_image().save(path)  # type: ignore[attr-defined]
    raw = read_file(path)
    assert [p.how for p in raw.pages] == ["OCR"]
    [document] = understand(raw, "bulletin-page").documents
    assert document.title == "2023年周口市国民经济和社会发展统计公报" and document.date == "2024-04-29"
    # Paragraphs are rebuilt: a wrapped paragraph is one line, its sentences whole.
    assert any(line.startswith("2023年，面对国内外复杂形势") and line.endswith("实。") for line in raw.text.split("\n"))


def test_inspect_shows_which_pages_were_read_by_ocr_and_how_surely(fake_settings: Settings, tmp_path: Path) -> None:
    done = run_rag(fake_settings, "inspect", str(_scanned_pdf(tmp_path)), "--json")
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(line) for line in done.stdout.splitlines()]
    [page] = row["pages"]
    assert page["page"] == 1 and page["how"] == "OCR" and 0.9 < page["confidence"] <= 1
    shown = run_rag(fake_settings, "inspect", str(_scanned_pdf(tmp_path)))
    assert "page 1: OCR (no usable text layer), confidence" in shown.stdout


def _box(text: str, left: float, top: float, right: float, height: float = 20, score: float = 0.99) -> Box:
    return Box(text, left, top, right, top + height, score)


@pytest.mark.fast
def test_layout_rebuilds_paragraphs_keeps_title_date_and_unsure_lines_apart() -> None:
    boxes = [
        _box("某市教育局关于做好", 250, 100, 750, height=32),
        _box("2025年秋季开学工作的通知", 230, 140, 770, height=32),
        _box("某教发〔2025〕12号", 400, 200, 600),
        _box("各县（区）教育局：", 100, 260, 300),
        _box("为做好秋季开学工作，现将有关事项通知如下。全市各", 140, 290, 900),
        _box("级各类学校要按时开学。", 100, 320, 340),
        _box("一、做好安全检查", 140, 350, 400),
        _box("各校要在开学前完成校舍安全排查，建立问题清单，限期", 140, 380, 900),
        _box("整改到位", 100, 410, 190, score=LOW_CONFIDENCE / 2),
        _box("某市教育局", 700, 480, 880),
        _box("2025年8月20日", 700, 510, 880),
    ]
    page = layout(list(reversed(boxes)))  # reading order comes from the boxes' places
    assert page.lines == (
        "某市教育局关于做好",
        "2025年秋季开学工作的通知",
        "某教发〔2025〕12号",
        "各县（区）教育局：",
        "为做好秋季开学工作，现将有关事项通知如下。全市各级各类学校要按时开学。",
        "一、做好安全检查",
        "各校要在开学前完成校舍安全排查，建立问题清单，限期整改到位",
        "某市教育局",
        "2025年8月20日",
    )
    assert page.title == "某市教育局关于做好2025年秋季开学工作的通知"
    assert page.unsure == ("整改到位",)  # kept in the text, and listed


@pytest.mark.fast
def test_boxes_on_one_row_are_one_line_and_far_apart_ones_stay_cells() -> None:
    page = layout([_box("指标", 100, 100, 160), _box("2023年", 500, 102, 600), _box("全市", 100, 140, 160), _box("866.60", 500, 139, 600)])
    assert page.lines == ("指标 2023年", "全市 866.60")


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "tests" / "data" / "scanned").iterdir()), ids=lambda p: p.name)
def test_a_real_scan_is_read_at_least_95_percent_right(path: Path) -> None:
    """A real scanned notice (a seal over its signature and date): OCR against a transcript
    checked by eye (tests/data/scanned-truth/)."""
    truth = (REPO_ROOT / "tests" / "data" / "scanned-truth" / f"{path.name}.txt").read_text(encoding="utf-8")
    raw = read_file(path)
    assert Levenshtein.normalized_similarity(squash(raw.text), squash(truth)) >= 0.95
    assert all(p.how == "OCR" for p in raw.pages)
