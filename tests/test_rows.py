"""The JSON shapes (rag.rows) the CLI's `--json` lines and the app's HTTP API share: the keys,
the rounding of scores, and paths shown relative to the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.rows import answer_row, display_path, document_row, hit_row, hits_row, match_row, matches_row
from rag.schema import Answer, Citation, Document, Hit, Match
from rag.search.queries import Query

pytestmark = pytest.mark.fast

SOURCE = str(Path.cwd() / "corpus" / "nanling.md")
HIT = Hit("nanling", "nanling#2", "南岭县职业教育发展报告", SOURCE, ("校企合作",), 81, 124, "毕业生本地就业率达到82%。", 0.0325224748810)


def test_a_hit_row_rounds_its_score_and_shows_the_path_relative() -> None:
    assert hit_row(HIT) == {
        "doc_id": "nanling",
        "chunk_id": "nanling#2",
        "title": "南岭县职业教育发展报告",
        "source": os.path.join("corpus", "nanling.md"),
        "start": 81,
        "end": 124,
        "text": "毕业生本地就业率达到82%。",
        "score": 0.032522,
    }


def test_search_and_locate_rows_carry_the_query_and_its_notice() -> None:
    cut = Query("南岭县", 2000)
    row = hits_row(cut, [HIT])
    assert list(row) == ["query", "notice", "hits"] and row["query"] == "南岭县" and row["notice"] == cut.notice
    assert cut.notice and row["hits"] == [hit_row(HIT)]
    match = Match("nanling", "南岭县职业教育发展报告", SOURCE, 81, 97, "学校与43家企业签订订单培养协议", 0.987654321, False)
    assert match_row(match)["similarity"] == 0.9877 and match_row(match)["exact"] is False
    assert matches_row(Query("x", 1), [match]) == {"query": "x", "notice": None, "matches": [match_row(match)]}


def test_an_answer_row_lists_its_citations_and_notes() -> None:
    citation = Citation(1, "nanling", "南岭县职业教育发展报告", SOURCE, 81, 124, "毕业生本地就业率达到82%。", "强")
    answer = Answer("就业率是多少？", "达到82%[1]。", (citation,), False, (HIT,), "extractive", ("未证实的一句",), ("问题过长，已截断",))
    row = answer_row(answer)
    assert row == {
        "question": "就业率是多少？",
        "answer": "达到82%[1]。",
        "abstained": False,
        "reason": None,
        "citations": [
            {"n": 1, "doc_id": "nanling", "title": "南岭县职业教育发展报告", "source": os.path.join("corpus", "nanling.md"),
             "start": 81, "end": 124, "text": "毕业生本地就业率达到82%。", "support": "强"}
        ],
        "mode": "extractive",
        "unsupported": ["未证实的一句"],
        "notes": ["问题过长，已截断"],
    }


def test_a_document_row_counts_characters_and_chunks() -> None:
    document = Document("nanling", "南岭县职业教育发展报告", SOURCE, "正文" * 10, "2025-05-18", kind="报告", meta={"site": "南岭县"})
    row = document_row(document, 4)
    assert row == {
        "doc_id": "nanling",
        "title": "南岭县职业教育发展报告",
        "source": os.path.join("corpus", "nanling.md"),
        "date": "2025-05-18",
        "doc_number": None,
        "issuer": None,
        "kind": "报告",
        "meta": {"site": "南岭县"},
        "chars": 20,
        "chunks": 4,
    }


def test_paths_outside_the_working_directory_stay_absolute() -> None:
    outside = str(Path(os.path.abspath(os.sep)) / "elsewhere" / "a.txt")
    if not os.path.relpath(outside).startswith(".."):
        pytest.skip("the working directory is the root")
    assert display_path(outside) == outside
