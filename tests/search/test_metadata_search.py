"""Documents found by what users name them by: year, issuer, kind and 发文字号 are indexed
with every chunk, listed by `rag docs --json`, and usable as a filter of search and ask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SMALL_SETTINGS, open_fresh_engine, run_rag, write_corpus

from rag.engine import Engine
from rag.schema import DocumentFilter
from rag.settings import Settings


def _gongwen(issuer: str, number: str, title: str, year: int, hours: int, credits: int) -> str:
    """Four opinions on one topic in the same words, differing in issuer, year and figures:
    only the metadata tells them apart."""
    return "\n".join(
        [
            title,
            number,
            "各有关单位：",
            "为加强学校美育工作，提升学生审美和人文素养，现提出如下意见。",
            "一、开齐开足美育课程",
            f"各级各类学校要严格落实美育课程方案，每学年美育课时不少于{hours}学时，学生须修满{credits}个公共艺术课程学分方能毕业。",
            "二、加强美育教师队伍建设",
            "各地要配齐配好美育教师，建立美育教师定期培训制度，鼓励聘请社会艺术人才担任兼职教师。",
            issuer,
            f"{year}年3月29日",
        ]
    )


FILES = {
    "moe.txt": _gongwen("教育部", "教体艺〔2019〕2号", "教育部关于加强学校美育工作的意见", 2019, 36, 2),
    "office.txt": _gongwen("国务院办公厅", "国办发〔2015〕71号", "国务院办公厅关于加强学校美育工作的意见", 2015, 72, 4),
    "province.txt": _gongwen("云岭省人民政府办公厅", "云政办发〔2016〕41号", "云岭省人民政府办公厅关于加强学校美育工作的实施意见", 2016, 54, 3),
    "city.txt": _gongwen("青川市教育局", "青教发〔2026〕5号", "青川市教育局关于加强学校美育工作的通知", 2026, 18, 1),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("meta")
    corpus = write_corpus(root / "corpus", FILES)
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    return open_fresh_engine(settings, embedder)


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("教育部2019年的意见要求每学年美育课时不少于多少？", "moe"),
        ("国办发〔2015〕71号文件对公共艺术课程学分有什么要求？", "office"),
        ("2016年云岭省的实施意见里美育课时是多少？", "province"),
        ("青川市教育局那份通知规定学生要修满几个艺术学分？", "city"),
    ],
)
def test_a_question_naming_a_document_finds_it_first(engine: Engine, question: str, doc_id: str) -> None:
    hits = engine.search(question, k=3)
    assert hits[0].doc_id == doc_id


def test_the_document_filter_takes_year_issuer_kind_and_number(engine: Engine) -> None:
    query = "每学年美育课时不少于多少"
    assert {h.doc_id for h in engine.search(query, k=10, where=DocumentFilter(year="2016"))} == {"province"}
    assert {h.doc_id for h in engine.search(query, k=10, where=DocumentFilter(kind="通知"))} == {"city"}
    assert {h.doc_id for h in engine.search(query, k=10, where=DocumentFilter(issuer="办公厅"))} == {"office", "province"}
    assert {h.doc_id for h in engine.search(query, k=10, where=DocumentFilter(doc_number="教体艺[2019]2号"))} == {"moe"}
    assert engine.search(query, k=10, where=DocumentFilter(year="2030")) == []
    answer = engine.ask("学生须修满几个公共艺术课程学分？", where=DocumentFilter(issuer="青川市"))
    assert answer.citations and {c.doc_id for c in answer.citations} == {"city"}
    assert "1个公共艺术课程学分" in answer.text


def test_docs_json_lists_number_issuer_and_kind_and_search_filters_on_the_command_line(engine: Engine) -> None:
    settings = engine.settings
    listed = run_rag(settings, "docs", "--json", str(settings.corpus[0]))
    rows = {row["doc_id"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert (rows["office"]["doc_number"], rows["office"]["issuer"], rows["office"]["kind"]) == ("国办发〔2015〕71号", "国务院办公厅", "意见")
    assert rows["city"]["kind"] == "通知" and rows["moe"]["date"] == "2019-03-29"
    found = run_rag(settings, "search", "美育课时", "--json", "--kind", "意见", "--year", "2019")
    assert found.returncode == 0, found.stderr
    [row] = [json.loads(line) for line in found.stdout.splitlines()]
    assert row["hits"] and {h["doc_id"] for h in row["hits"]} == {"moe"}
