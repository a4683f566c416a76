"""The `rag` command on the shipped sample corpus: JSON contract, document splitting, errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, REPO_ROOT

from rag.chunking import chunk_documents
from rag.ingest import load_documents

CHROME = ("设为首页", "加入收藏", "当前位置", "站内搜索", "上一条", "下一条", "微信扫一扫", "版权", "免责声明",
          "责任编辑", "我要投稿", "相关阅读", "围观", "服务热线", "咨询热线", "链接地址", "关闭", "终极页")


def _rag(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, cwd=REPO_ROOT, check=False)


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


@pytest.fixture(scope="module")
def docs_json() -> list[dict]:
    result = _rag("docs", "--json")
    assert result.returncode == 0, result.stderr
    return _json_lines(result.stdout)


def test_shipped_corpus_is_byte_identical_to_the_recorded_checksums() -> None:
    recorded = dict(line.split()[::-1] for line in (REPO_ROOT / "tests/data/corpus.sha256").read_text().splitlines())
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in CORPUS.iterdir()}
    assert actual == recorded


def test_docs_json_has_the_stable_fields(docs_json: list[dict]) -> None:
    for row in docs_json:
        assert list(row) == ["doc_id", "title", "source", "date", "doc_number", "issuer", "kind", "meta", "chars", "chunks"]
        assert row["chars"] > 200 and row["chunks"] >= 1
        assert Path(REPO_ROOT, row["source"]).is_file()
    assert len({row["doc_id"] for row in docs_json}) == len(docs_json)


def test_every_report_of_the_compilation_is_its_own_dated_document(docs_json: list[dict]) -> None:
    reports = [r for r in docs_json if r["source"].endswith("education-development-reviews-compilation-2025.txt")]
    assert len(reports) == 10
    assert all(r["title"].endswith("综述") and r["date"].startswith("2025-09") for r in reports)
    assert reports[0]["title"] == "“十四五”以来遵义市教育事业发展综述"


def test_every_speech_is_its_own_document_titled_by_its_organisation(docs_json: list[dict]) -> None:
    speeches = [r for r in docs_json if r["source"].endswith("national-education-work-conference-speeches-2024.txt")]
    assert [r["title"].split("：")[0] for r in speeches] == [
        "北京市教育委员会", "天津市教育委员会", "辽宁省教育厅", "上海市教育委员会",
        "山东省教育厅", "陕西省教育厅", "宁夏回族自治区教育厅", "广西壮族自治区教育厅",
    ]


def test_articles_are_titled_by_their_headline(docs_json: list[dict]) -> None:
    titles = {r["title"] for r in docs_json}
    assert "海西州多举措发力以教育赋能科技人才发展" in titles
    assert "青海省“五项措施”推动职业教育发展" in titles
    assert not any(t in titles for t in ("教育装备采购网", "海西州教育局欢迎您!"))


def test_no_chunk_contains_site_chrome_and_offsets_hold_on_the_corpus() -> None:
    documents = {d.doc_id: d for d in load_documents([CORPUS])}
    chunks = chunk_documents(documents.values(), 300, 60)
    for chunk in chunks:
        assert documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
        assert not [word for word in CHROME if word in chunk.text], chunk.text


def test_chunks_json_for_one_document(docs_json: list[dict]) -> None:
    doc_id = docs_json[-1]["doc_id"]
    result = _rag("chunks", "--json", "--doc", doc_id)
    assert result.returncode == 0, result.stderr
    rows = _json_lines(result.stdout)
    assert len(rows) == docs_json[-1]["chunks"]
    for row in rows:
        assert list(row) == ["doc_id", "chunk_id", "start", "end", "heading", "text"]
        assert row["doc_id"] == doc_id and row["end"] - row["start"] == len(row["text"])


def test_paths_replace_the_default_corpus(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("某市教育工作报告\n\n" + "全市新增学位1.2万个，义务教育巩固率达到99.6%。" * 5, encoding="utf-8")
    result = _rag("docs", "--json", str(tmp_path))
    assert [row["title"] for row in _json_lines(result.stdout)] == ["某市教育工作报告"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("docs", "/no/such/folder"), "no such file or folder: /no/such/folder"),
        (("chunks", "--doc", "missing-doc"), "no document with id 'missing-doc'"),
        (("--chunk-size", "10", "docs"), "chunk_size must be at least 20"),
    ],
)
def test_bad_input_gives_one_line_error_without_traceback(args: tuple[str, ...], message: str) -> None:
    result = _rag(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_readable_table_lists_documents() -> None:
    result = _rag("docs")
    assert result.returncode == 0
    assert "海西州多举措发力以教育赋能科技人才发展" in result.stdout
    assert "docs/corpus/haixi-education-for-tech-talent-2025.txt" in result.stdout
