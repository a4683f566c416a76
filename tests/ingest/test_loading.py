"""Loaders: every supported format, encoding detection, and skipping what cannot be read."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import PARAGRAPH_A, PARAGRAPH_B

from rag.ingest import find_files, load_documents, read_file

pytestmark = pytest.mark.fast

TEXT = f"某市教育工作报告\n\n{PARAGRAPH_A}\n\n{PARAGRAPH_B}\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig", "utf-8"])
def test_text_files_decode_in_every_common_chinese_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_file(path).text.replace("\r\n", "\n") == TEXT


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_html_page_yields_headline_and_main_text_without_navigation(tmp_path: Path, encoding: str) -> None:
    html = f"""<html><head><title>某市教育工作报告 - 某市教育局门户网站</title></head><body>
    <div class="nav"><a href="/">设为首页</a> | <a href="#">加入收藏</a> | <a href="#">无障碍浏览</a></div>
    <div class="crumb">当前位置：首页 &gt;&gt; 教育新闻 &gt;&gt; 正文</div>
    <div class="article"><h1>某市教育工作报告</h1><div class="info">2024-05-06 浏览次数：381</div>
    <p>{PARAGRAPH_A}</p><p>{PARAGRAPH_B}</p></div>
    <div class="footer">上一条：某县召开教育大会 下一条：某区开展教师培训 <a href="#">关闭</a>
    版权所有 某市教育局 备案号：京ICP备12345678号</div></body></html>"""
    path = tmp_path / "page.html"
    path.write_bytes(html.encode(encoding))
    [document] = load_documents([path])
    assert document.title == "某市教育工作报告"
    assert document.date == "2024-05-06"
    assert PARAGRAPH_A in document.text and PARAGRAPH_B in document.text
    for chrome in ("设为首页", "当前位置", "上一条", "版权所有", "ICP", "浏览次数"):
        assert chrome not in document.text


def _write_pdf(path: Path, pages: list[list[str]]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        for n, line in enumerate(lines):
            pdf.drawString(40, 800 - 16 * n, line)
        pdf.showPage()
    pdf.save()


def test_pdf_text_is_extracted_and_page_breaks_inside_a_sentence_are_mended(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    _write_pdf(path, [["某市教育工作报告", "全市新增公办学位1.2万个，改扩建中小学校37所，"], ["义务教育巩固率达到99.6%。"]])
    [document] = load_documents([path])
    assert "改扩建中小学校37所，义务教育巩固率达到99.6%。" in document.text


def test_docx_paragraphs_and_tables_are_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某市教育工作报告")
    document.add_paragraph(PARAGRAPH_A)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "新增学位"
    table.rows[0].cells[1].text = "1.2万个"
    path = tmp_path / "report.docx"
    document.save(str(path))
    text = read_file(path).text
    assert PARAGRAPH_A in text
    assert "新增学位｜1.2万个" in text.split("\n")  # a table row is one line, cells joined by ｜


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "cannot read this PDF: damaged, truncated"),
        ("broken.docx", b"PK\x03\x04 this is not really a zip archive", "cannot read this DOCX: damaged, truncated"),
        ("noise.txt", bytes(range(256)) * 40, "not a text file"),
        ("blank.txt", b"   \n\n  ", "file holds only whitespace"),
    ],
)
def test_unreadable_file_is_skipped_with_one_warning_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        documents = load_documents([tmp_path])
    assert [d.title for d in documents] == ["某市教育工作报告"]
    [warning] = [r.getMessage() for r in caplog.records if r.name.startswith("rag")]
    assert name in warning and reason in warning and "\n" not in warning


def test_unsupported_files_are_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text(TEXT, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        files = find_files([tmp_path])
    assert files == [tmp_path / "sub" / "notes.md"]
    assert any("slides.pptx" in r.getMessage() for r in caplog.records)


def test_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.txt"):
        find_files([tmp_path / "nowhere.txt"])


def test_document_ids_are_unique_and_stable_across_folders(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(TEXT, encoding="utf-8")
    first = [d.doc_id for d in load_documents([tmp_path])]
    again = [d.doc_id for d in load_documents([tmp_path])]
    assert first == again == ["a/report", "b/report"]
    twice = [d.doc_id for d in load_documents([tmp_path / "a" / "report.txt", tmp_path / "b" / "report.txt"])]
    assert twice == ["report", "report-2"]


def test_markdown_markup_is_removed_but_words_and_numbers_stay(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        f"# 某市教育工作报告\n\n![图](a.png)\n\n## 一、基础教育\n\n{PARAGRAPH_A}\n\n"
        "- **新增学位**：1.2万个，详见[附件](http://example.invalid/a.pdf)。\n",
        encoding="utf-8",
    )
    [document] = load_documents([path])
    assert document.title == "某市教育工作报告"
    assert [h.title for h in document.headings] == ["一、基础教育"]
    assert document.text.endswith("新增学位：1.2万个，详见附件。")
    assert "#" not in document.text and "**" not in document.text and "http" not in document.text


def test_a_docx_whose_package_names_a_missing_part_is_read_from_its_body(tmp_path: Path) -> None:
    """Word opens a DOCX whose relationships point at a part that is not there (Target="NULL",
    as some converters write); python-docx refuses it, so its body XML is read alone."""
    import io
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph("某县教育局关于做好2025年秋季开学工作的通知")
    document.add_paragraph("各学校：现将有关事项通知如下。")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "指标", (0, 1): "数值", (1, 0): "学校", (1, 1): "12"}.items():
        table.cell(row, col).text = text
    saved = io.BytesIO()
    document.save(saved)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                link = b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="NULL"/>'
                data = data.replace(b"</Relationships>", link + b"</Relationships>")
            target.writestr(item, data)
    path = tmp_path / "notice.docx"
    path.write_bytes(broken.getvalue())
    assert read_file(path).text.split("\n") == ["某县教育局关于做好2025年秋季开学工作的通知", "各学校：现将有关事项通知如下。", "指标｜数值", "学校｜12"]
