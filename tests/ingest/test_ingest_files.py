"""Whole files as users have them, through load, clean, split and structure: synthetic files
of every format and encoding (tests/synthetic.py) and the real public documents in
../shared/realworld. Each must give the documents, titles, dates and metadata a reader
would, keep every body sentence, drop the chrome, and account for every line it leaves
out in the ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from synthetic import Fixture, fixtures, squash

from rag.ingest import FileReport, RawText, read_file, understand

pytestmark = pytest.mark.fast

REALWORLD = REPO_ROOT.parent / "shared" / "realworld"
FIXTURES = {f.name: f for f in fixtures()}
# Chrome and metadata labels no document text may keep, whatever the site.
CHROME_WORDS = ("责任编辑", "扫一扫", "【字号", "【字体", "信息名称：", "内容概述：", "法宝引证码", "原文链接", "点击数", "发布时间：", "打印本页", "关闭窗口", "推荐阅读")


def _report(path: Path) -> tuple[RawText, FileReport]:
    raw = read_file(path)
    return raw, understand(raw, path.stem)


def _accounted_for(line: str, report: FileReport) -> bool:
    """Is an extracted line in a document, or listed in the ledger (whole or in part)?"""
    text = squash(line)
    if not text:
        return True
    if any(text in squash(d.text) for d in report.documents):
        return True
    removed = [squash(r.text) for r in report.removed]
    return any(r and (r in text or text in r) for r in removed)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_synthetic_file_reads_as_a_reader_would(name: str, tmp_path: Path) -> None:
    fixture: Fixture = FIXTURES[name]
    path = tmp_path / name
    path.write_bytes(fixture.data)
    raw, report = _report(path)
    assert len(report.documents) == len(fixture.expected)
    for document, expected in zip(report.documents, fixture.expected):
        found = (document.title, document.date, document.doc_number, document.issuer, document.kind)
        assert found == (expected.title, expected.date, expected.doc_number, expected.issuer, expected.kind)
        assert [(h.level, h.title) for h in document.headings] == list(expected.headings)
        for heading in document.headings:
            assert squash(document.text[heading.start : heading.end]) == squash(heading.title)
        body = squash(document.text)
        lost = [b for b in expected.body if squash(b) not in body]
        assert not lost, f"body text lost: {lost}"
        kept = [a for a in expected.absent if a in document.text]
        assert not kept, f"chrome or metadata kept in the text: {kept}"
    # Nothing left out silently: every extracted line is in a document or in the ledger,
    # and every ledger entry says why.
    assert all(_accounted_for(line, report) for line in raw.text.split("\n"))
    assert all(r.rule and r.text for r in report.removed)


def test_docx_and_html_tables_are_kept_as_rows(tmp_path: Path) -> None:
    for name in ("work-points.docx", "city-notice.html"):
        path = tmp_path / name
        path.write_bytes(FIXTURES[name].data)
        _, report = _report(path)
        [document] = report.documents
        rows = [line for line in document.text.split("\n") if "｜" in line]
        assert len(rows) >= 3, name
        assert all(len(row.split("｜")) == 3 for row in rows), rows


def test_html_page_chrome_outside_the_article_is_in_the_ledger(tmp_path: Path) -> None:
    path = tmp_path / "city-notice.html"
    path.write_bytes(FIXTURES["city-notice.html"].data)
    _, report = _report(path)
    outside = [r.text for r in report.removed if r.rule == "page chrome outside the article"]
    assert any("政务公开" in text for text in outside)
    assert any("版权所有" in text for text in outside)
    [document] = report.documents
    assert document.meta["published"] == "2025-11-20"  # PubDate, while the date is the 成文日期
    assert "政务公开" not in document.text


# What a reader gives as title, date, 发文字号, issuer and kind for each real file (shared
# with benchmarks/ingest.py). For the 2023 digest page the title is the article's own (its
# page headline is a column entry); reports delivered at a meeting are dated that day;
# 公文 by their 成文日期.
REALWORLD_EXPECTED = json.loads((REPO_ROOT / "benchmarks" / "gold" / "realworld-structure.json").read_text(encoding="utf-8"))
FIELDS = ("title", "date", "doc_number", "issuer", "kind")


@pytest.mark.parametrize("name", sorted(REALWORLD_EXPECTED))
def test_real_document_reads_as_a_reader_would(name: str) -> None:
    path = REALWORLD / name
    raw, report = _report(path)
    [document] = report.documents
    assert {f: getattr(document, f) for f in FIELDS} == REALWORLD_EXPECTED[name]
    kept = [word for word in CHROME_WORDS if word in document.text]
    assert not kept, f"chrome kept: {kept}"
    # Every body sentence is kept: for a page, every paragraph of the saved HTML that is
    # running text; for other files, every extracted line ending a sentence.
    if path.suffix == ".html":
        import lxml.html

        paragraphs = [p.text_content() for p in lxml.html.fromstring(path.read_bytes()).iter("p")]
        sentences = [p for p in paragraphs if "。" in p and len(squash(p)) >= 20]
    else:
        sentences = [line for line in raw.text.split("\n") if line.strip().endswith("。") and len(squash(line)) >= 10]
    text = squash(document.text)
    lost = [s for s in sentences if squash(s) not in text and not _accounted_for(s, report)]
    assert not lost, f"sentences lost: {lost[:3]}"
    assert sum(squash(s) in text for s in sentences) >= 0.9 * len(sentences)
    assert all(_accounted_for(line, report) for line in raw.text.split("\n"))


def test_real_report_keeps_its_section_headings_in_the_text_and_chunk_paths() -> None:
    from rag.chunking import chunk_documents

    [document] = _report(REALWORLD / "gwr-2026-sichuan-provincial.txt")[1].documents
    top = [h.title for h in document.headings if h.level == 1]
    assert top[:3] == ["一、2025年工作回顾和“十四五”发展主要成绩", "二、“十五五”发展的主要考虑", "三、2026年工作安排"]
    for heading in document.headings:
        assert document.text[heading.start : heading.end] == heading.title
    chunks = chunk_documents([document], 300, 60)
    later = [c for c in chunks if c.start > document.headings[0].start]
    assert later and all(c.heading for c in later)
    assert any(len(c.heading) >= 2 and re.match(r"^（[一二三四五六七八九十]+）", c.heading[1]) for c in chunks)


# The sample corpus as it read before documents had a structure model: its 24 documents and
# titles must not change.
SAMPLE_TITLES = [
    "“十四五”以来遵义市教育事业发展综述",
    "西藏教育跨越式发展综述",
    "德州教育高质量发展综述",
    "张掖市教育事业高质量发展综述",
    "通辽市加快建设教育强市综述",
    "普洱市教育工作综述",
    "乌海市教育工作综述",
    "岳阳市2025年教育事业高质量发展综述",
    "龙岩市施行“教育强市”战略三周年综述",
    "金昌市推动教育高质量发展综述",
    "在深化教育综合改革推进会上的汇报发言弟扁",
    "第一篇：*新区在教育现代化的征途上",
    "第二篇：近年来,我县以“*”为载体,深化“红烛育人”",
    "第四篇：一、主要做法及成效(一)优化区域教育资源配置",
    "海西州多举措发力以教育赋能科技人才发展",
    "北京市教育委员会：加快推动形成新质生产力的更多生动实践",
    "天津市教育委员会：讲好“大思政课” 全力推动新时代思政工作高质量发展",
    "辽宁省教育厅：构建产教融合发展新格局 服务辽宁全面振兴新突破",
    "上海市教育委员会：以高等教育为牵引推进教育、科技、人才综合改革",
    "山东省教育厅：扩优提质 扎实推进基础教育高质量发展",
    "陕西省教育厅：推动评价改革引领高等教育高质量服务经济社会发展",
    "宁夏回族自治区教育厅：用好国家智慧教育平台 助力教育高质量发展",
    "广西壮族自治区教育厅：打造面向东盟的职业教育开放合作创新高地",
    "青海省“五项措施”推动职业教育发展",
]


def test_the_sample_corpus_keeps_its_documents_and_titles() -> None:
    from conftest import CORPUS

    from rag.ingest import load_documents

    documents = load_documents([CORPUS])
    assert [d.title for d in documents] == SAMPLE_TITLES
    assert sum(d.date is not None for d in documents) == 12
