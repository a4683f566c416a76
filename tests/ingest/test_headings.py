"""Section headings (rag.ingest.headings): which lines are headings and how their levels
nest by the rank of each numbering style as the document uses it."""

from __future__ import annotations

import pytest
from conftest import PARAGRAPH_A, PARAGRAPH_B

from rag.ingest.headings import find_headings

pytestmark = pytest.mark.fast


def _levels(*lines: str) -> list[tuple[int, str]]:
    text = "\n".join(lines)
    headings = find_headings(text)
    for heading in headings:
        assert text[heading.start : heading.end] == heading.title
    return [(h.level, h.title) for h in headings]


def test_levels_follow_the_rank_of_each_numbering_style() -> None:
    assert _levels("某县方案", PARAGRAPH_A, "一、总体要求", PARAGRAPH_B, "（一）指导思想", PARAGRAPH_A, "二、主要任务", PARAGRAPH_B) == [
        (1, "一、总体要求"),
        (2, "（一）指导思想"),
        (1, "二、主要任务"),
    ]


def test_the_highest_style_a_document_uses_is_level_one() -> None:
    """A document whose outline starts at （一） has （一） at level 1, not 2: levels count the
    styles used, not every style there is."""
    assert _levels("某县方案", PARAGRAPH_A, "（一）总体要求", PARAGRAPH_B, "1.坚持公益普惠", PARAGRAPH_A, "（二）主要任务", PARAGRAPH_B) == [
        (1, "（一）总体要求"),
        (2, "1.坚持公益普惠"),
        (1, "（二）主要任务"),
    ]


def test_prose_is_never_a_heading() -> None:
    assert _levels("某县方案", PARAGRAPH_A, PARAGRAPH_B) == []
