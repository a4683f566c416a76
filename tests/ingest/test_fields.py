"""Metadata lines (rag.ingest.fields): which lines are "label：value" metadata or dated
bylines, what fields they give, and the labels the ledger names."""

from __future__ import annotations

import pytest

from rag.ingest.fields import byline_fields, labels_in, meta_fields

pytestmark = pytest.mark.fast


def test_a_page_info_line_gives_its_fields_without_the_page_widgets() -> None:
    line = "发布时间：2026年03月04日 来源：青川市教育局 【字体：大 中 小】 打印本页"
    assert meta_fields(line) == {"published": "2026年03月04日", "source": "青川市教育局"}
    assert labels_in(line) == ["发布时间", "来源"]


def test_a_disclosure_table_row_gives_issuer_date_and_document_number() -> None:
    line = "发文机关：云岭省教育厅 成文日期：2026年01月05日 发文字号：云教发〔2026〕3号"
    assert meta_fields(line) == {"issuer": "云岭省教育厅", "written": "2026年01月05日", "doc_number": "云教发〔2026〕3号"}
    assert labels_in(line) == ["发文机关", "成文日期", "发文字号"]


def test_prose_and_long_labelled_sentences_are_not_metadata() -> None:
    assert meta_fields("全市学校开展安全教育。") is None and labels_in("全市学校开展安全教育。") == []
    assert meta_fields("学校要求：" + "按时完成各项工作" * 3) is None  # a label must open the line
    assert meta_fields("标题：" + "很长" * 70) is None  # a sentence that opens with "标题："


def test_dated_bylines_give_the_publication_date_and_the_site() -> None:
    assert byline_fields("教育装备采购网 2022-03-25 13:23") == {"published": "2022-03-25", "source": "教育装备采购网"}
    assert byline_fields("2026年02月10日 07时41分") == {"published": "2026-02-10"}
    # A bare date line is a document's own date, not a byline; a sentence is not one either.
    assert byline_fields("2026年02月10日") is None
    assert byline_fields("2026年02月10日，全市召开教育工作会议。") is None
    assert labels_in("教育装备采购网 2022-03-25 13:23") == ["dated byline"]
