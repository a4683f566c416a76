"""The app's HTML: escaping, highlighting, citation links, diffs and the Markdown export."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.schema import Answer, Citation, Document
from rag.search.queries import QueryError, check_query
from ui import render

pytestmark = pytest.mark.fast

DOC = Document(
    doc_id="d",
    title="某县<b>简报</b>",
    source="/data/简报.txt",
    text="第一段没有引用。\n某县新建学校<script>alert(1)</script>5所，新增学位3000个。后文${x}{{y}}。\n第三段。",
)


def _citation(n: int, start: int, end: int) -> Citation:
    return Citation.of(n, DOC, start, end)


def test_document_text_and_template_syntax_are_escaped() -> None:
    shown = render.esc("<script>alert(1)</script> ${x} {{y}} & \"q\"")
    assert "<" not in shown and ">" not in shown and "$" not in shown and "{" not in shown and "}" not in shown
    assert "&lt;script&gt;" in shown and "&amp;" in shown


def test_cited_span_is_marked_inside_its_own_paragraph_only() -> None:
    start = DOC.text.index("新增学位")
    end = DOC.text.index("。后文") + 1
    html = render.in_context(DOC, start, end)
    assert html.count("<mark>") == 1 and "<mark>新增学位3000个。</mark>" in html
    assert "第一段" not in html and "第三段" not in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_long_paragraphs_are_cut_around_the_span_with_ellipses() -> None:
    long = Document("l", "t", "s.txt", "甲" * 500 + "目标句。" + "乙" * 500)
    html = render.in_context(long, 500, 504)
    assert html.startswith("…") and html.endswith("…")
    assert html.count("甲") == render.CONTEXT_CHARS and html.count("乙") == render.CONTEXT_CHARS


def test_answer_markers_link_to_their_source_cards() -> None:
    start = DOC.text.index("新增学位")
    answer = Answer(question="学位？", text="新增学位3000个[1]。\n另见[1,2]", citations=(_citation(1, start, start + 10), _citation(2, 0, 8)), abstained=False)
    html = render.answer_html(answer)
    assert html.count('href="#rag-src-1"') == 2 and html.count('href="#rag-src-2"') == 1
    assert "<br>" in html
    cards = render.sources_html(answer, {"d": DOC})
    assert 'id="rag-src-1"' in cards and 'id="rag-src-2"' in cards
    assert "某县&lt;b&gt;简报&lt;/b&gt;" in cards and "简报.txt" in cards
    leveled = replace(answer, citations=(replace(answer.citations[0], level="强"), answer.citations[1]))
    cards = render.sources_html(leveled, {"d": DOC})
    assert cards.count('class="rag-level"') == 1 and "依据强" in cards  # only the citation with a level shows one


def test_markdown_export_lists_every_source_with_its_span() -> None:
    start = DOC.text.index("新增学位")
    answer = Answer(question="学位？", text="新增学位3000个[1]。", citations=(_citation(1, start, start + 10),), abstained=False)
    markdown = render.answer_markdown(answer)
    assert markdown.startswith("**问题：** 学位？\n")
    assert f"1. 《某县<b>简报</b>》（/data/简报.txt，第 {start}–{start + 10} 字）：新增学位3000个。" in markdown
    leveled = replace(answer, citations=(replace(answer.citations[0], level="中"),))
    assert f"第 {start}–{start + 10} 字，依据中）：" in render.answer_markdown(leveled)


def test_marked_wraps_overlapping_spans_once() -> None:
    assert render.marked("abcdef", [(1, 3), (2, 4)]) == "a<mark>bcd</mark>ef"
    assert render.term_spans("Aa职业教育aa", ["aa", "教育"]) == [(0, 2), (6, 8), (4, 6)]


def test_diff_marks_what_each_side_lacks() -> None:
    mine, theirs = render.diff_html("建立名师工作室29个", "建立名师工作室28个。")
    assert mine == "建立名师工作室2<del>9</del>个"
    assert theirs == "建立名师工作室2<ins>8</ins>个<ins>。</ins>"


def test_unsearchable_input_gets_a_message_for_its_box() -> None:
    for text, field, expected in [("  ", "query", "请输入检索词。"), ("", "text", "请粘贴要查找出处的句子。"), ("？！😀", "question", "只有标点")]:
        with pytest.raises(QueryError) as error:
            check_query(text, field, 100)
        html = render.query_error_html(error.value)
        assert expected in html and 'class="rag-error"' in html


def test_notes_are_escaped_and_blank_ones_skipped() -> None:
    assert render.notes_html([None, "输入共 5000 字<b>", ""]) == '<p class="rag-note">输入共 5000 字&lt;b&gt;</p>'


def test_a_library_job_shows_files_read_texts_embedded_and_time_left() -> None:
    from rag.index import IndexProgress
    from rag.library import Job, LibraryChange

    job: Job[LibraryChange] = Job("j1", "upload", "a.txt, b.txt", lambda progress: LibraryChange())
    assert render.job_lines(job, 2) == [(True, "排队中：上传 a.txt, b.txt（前面还有 2 个任务）")]
    job.state, job.progress = "running", IndexProgress("embedding", 30, 30, 512, 2048, 41.6)
    assert render.job_lines(job, 0) == [(True, "正在进行：上传 a.txt, b.txt：已读取 30/30 个文件，已向量化 512/2048 段文本，预计还需 42 秒")]
    job.state, job.error = "failed", "a.txt: the file is empty"
    assert render.job_lines(job, 0) == [(False, "未完成：上传 a.txt, b.txt：a.txt: the file is empty")]
    job.state, job.result = "done", LibraryChange(added=(("a.txt", ("某县教育简报",)),), rejected=(("b.txt", "重复"),))
    assert render.job_lines(job, 0) == [(True, "已加入 a.txt：1 篇文档（某县教育简报）"), (False, "未加入 b.txt：重复")]
