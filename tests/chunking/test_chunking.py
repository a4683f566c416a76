"""Chunking: the offset invariant on random documents, sizes, headings, separators."""

from __future__ import annotations

import pytest
from conftest import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, documents_of
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.chunking import chunk_documents, sentence_spans
from rag.schema import Document

pytestmark = pytest.mark.fast

_ALPHABET = st.sampled_from(list("教育改革发展学校教师学生质量提升建设推进全市新增") + list("。，、；！？：“”\n \t") + list("0123456789.%*ab"))


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=_ALPHABET, max_size=2500),
    size=st.integers(min_value=20, max_value=400),
    overlap_ratio=st.floats(min_value=0, max_value=0.5),
)
def test_every_chunk_is_exactly_the_document_text_between_its_offsets(text: str, size: int, overlap_ratio: float) -> None:
    document = Document(doc_id="d", title="t", source="s", text=text)
    overlap = int(size * overlap_ratio)
    chunks = chunk_documents([document], size, overlap)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= size
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())
    assert [c.chunk_id for c in chunks] == [f"d#{n}" for n in range(len(chunks))]


def test_chunks_break_at_sentence_ends_and_carry_heading_paths() -> None:
    text = "\n".join(["某市教育工作综述", PARAGRAPH_A, "一、教师队伍", PARAGRAPH_B + PARAGRAPH_C, "二、职业教育", PARAGRAPH_C])
    [document] = documents_of(text)
    chunks = chunk_documents([document], 120, 20)
    for chunk in chunks:
        assert chunk.text[-1] in "。，、”" or chunk.end == len(document.text) or chunk.text.endswith(("队伍", "教育"))
        assert chunk.title == "某市教育工作综述"
    first_on_b = next(c for c in chunks if PARAGRAPH_B[:20] in c.text)
    assert first_on_b.heading == ("一、教师队伍",)
    last = chunks[-1]
    assert last.heading == ("二、职业教育",) and last.text.endswith(PARAGRAPH_C[-10:])


def test_overlap_repeats_the_tail_of_the_previous_chunk() -> None:
    text = "".join(f"第{i}句话说明全市新增学位{i}千个。" for i in range(40))
    document = Document(doc_id="d", title="t", source="s", text=text)
    chunks = chunk_documents([document], 100, 40)
    assert len(chunks) > 3
    for previous, current in zip(chunks, chunks[1:]):
        assert current.start < previous.end, "consecutive chunks should overlap"
        assert current.start > previous.start


def test_sentence_spans_split_at_sentence_ends_and_lines() -> None:
    text = "北川市新建学校19所。“我们很满意！”学生家长说；\n二、学位供给\n  短句\n全市普惠率达到91.3%，成效明显"
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    # Fragments with fewer than 4 letters, digits or Chinese characters ("短句") are not sentences.
    assert sentences == ["北川市新建学校19所。", "“我们很满意！”", "学生家长说；", "二、学位供给", "全市普惠率达到91.3%，成效明显"]


@given(st.text(alphabet="北川市学校教师。！？；，\n 12ab“”", max_size=200))
@settings(max_examples=200, deadline=None)
def test_sentence_spans_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert "\n" not in text[start:end]
        previous_end = end


def _spans_one_section(document: Document, chunk) -> bool:  # type: ignore[no-untyped-def]
    """Is the chunk inside one section, or a run of whole sections under the heading it names?"""
    inside = [h for h in document.headings if chunk.start < h.start < chunk.end]
    chain = document.heading_chain(chunk.start)
    named = chain[: len(chunk.heading)]
    if tuple(h.title for h in named) != chunk.heading:
        return False
    return all(document.heading_chain(h.start)[: len(named)] == named for h in inside) and (not inside or bool(named))


def test_short_sections_merge_only_under_their_common_parent() -> None:
    text = "\n".join(
        ["某县教育工作要点", "各学校：", "一、总体要求", "（一）指导思想。坚持立德树人。", "（二）工作目标。全县普及学前教育。",
         "二、重点任务", "（一）办好学前教育。新建幼儿园3所。"]
    )
    [document] = documents_of(text)
    chunks = chunk_documents([document], 300, 40)
    headings = [c.heading for c in chunks]
    assert headings == [(), ("一、总体要求",), ("二、重点任务",)]
    assert "新建幼儿园3所" in chunks[-1].text and "全县普及" not in chunks[-1].text
    assert all(_spans_one_section(document, c) for c in chunks)


@settings(max_examples=100, deadline=None)
@given(
    sections=st.lists(
        st.tuples(st.sampled_from(["一、", "二、", "（一）", "（二）", "1.", "第一章 ", "第一条 "]), st.text(alphabet=_ALPHABET, max_size=300)),
        max_size=12,
    ),
    size=st.integers(min_value=40, max_value=400),
)
def test_no_chunk_spans_two_sections(sections: list[tuple[str, str]], size: int) -> None:
    text = "某市工作方案\n" + "\n".join(f"{mark}标题{n}\n{body}" for n, (mark, body) in enumerate(sections))
    [document] = documents_of(text)
    for chunk in chunk_documents([document], size, size // 5):
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert _spans_one_section(document, chunk), (chunk.heading, chunk.text)
