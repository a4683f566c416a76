"""Splitting a file into its documents (rag.ingest.split): a compilation splits into its
reports, a single 公文 stays whole, and every reading is scored."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic import fixtures

from rag.ingest import extract_text
from rag.ingest.clean import clean
from rag.ingest.split import Reading, readings

pytestmark = pytest.mark.fast


def _readings_of(name: str) -> tuple[str, list[Reading]]:
    (fixture,) = [f for f in fixtures() if f.name == name]
    raw = extract_text(Path(fixture.name), fixture.data)
    text = clean(raw.text).text
    return text, readings(text, raw.hints)


def test_a_compilation_splits_into_its_reports() -> None:
    text, found = _readings_of("compilation.txt")
    assert [r.name for r in found] == ["compilation", "one document"] and found[0].score > found[1].score
    segments = found[0].segments
    assert [(s.title, s.date) for s in segments] == [
        ("青川市2025年秋季开学工作综述", "2025-09-11"),
        ("临江县教育体育局关于学校食堂食品安全专项检查情况的报告", "2025-09-18"),
        ("关于青川市乡村教师队伍建设的调研报告", "2025-10-09"),
    ]
    for segment, after in zip(segments, segments[1:]):
        assert segment.end <= after.start
    for segment in segments:
        assert text[segment.start : segment.end].lstrip().startswith(segment.title)  # type: ignore[arg-type]
    assert "目录" not in text[segments[0].start : segments[-1].end]


@pytest.mark.parametrize("name", ["notice-gongwen.txt", "pkulaw-export.txt", "speech.md"])
def test_a_single_document_stays_whole(name: str) -> None:
    text, found = _readings_of(name)
    chosen = found[0]
    assert chosen.name == "one document" and len(chosen.segments) == 1 and chosen.score > 0
    assert all(r.score < chosen.score for r in found[1:])
