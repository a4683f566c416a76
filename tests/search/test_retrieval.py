"""Hybrid search over the small corpus with the real model and index."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BACKENDS, SMALL_CORPUS, engine_on

from rag.engine import Engine
from rag.evaluation import GoldItem, covers, evaluate_retrieval
from rag.search import Retriever
from rag.search.retrieval import fuse, quoted_ranking


@pytest.fixture(scope="module", params=BACKENDS)
def small_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    """The small corpus on each backend: every search test runs on both."""
    return engine_on(request.param, tmp_path_factory.mktemp("search"), SMALL_CORPUS, model_cache, embedder)


def test_hybrid_finds_a_paraphrased_fact_that_bm25_misses(small_engine: Engine) -> None:
    # No word of the question occurs in the answer: 老师/教师, 一年/每年, 进修/培训.
    query = "老师一年要进修多长时间？"
    target = next(i for i, c in enumerate(small_engine.index.chunks) if "72学时" in c.text)
    rankings = Retriever(small_engine.index, small_engine.embedder, small_engine.settings).rankings(query)
    assert target not in rankings["lexical"][:3]
    assert "72学时" in small_engine.search(query, k=3)[0].text


def test_hits_are_exact_spans_without_near_duplicates(small_engine: Engine) -> None:
    hits = small_engine.search("学校 教师 学位 专业", k=10)
    assert len(hits) >= 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert small_engine.index.documents[hit.doc_id].text[hit.start : hit.end] == hit.text
    for a in hits:
        for b in hits:
            if a is not b and a.doc_id == b.doc_id:
                shared = min(a.end, b.end) - max(a.start, b.start)
                assert shared <= 0.5 * min(a.end - a.start, b.end - b.start)


def test_document_filter(small_engine: Engine) -> None:
    hits = small_engine.search("每年", k=10, doc_ids=["nanling"])
    assert hits and {h.doc_id for h in hits} == {"nanling"}
    assert small_engine.search("每年", k=10, doc_ids=["no-such-doc"]) == []


def test_misremembered_quote_finds_its_source_first(small_engine: Engine) -> None:
    query = "「我们的孩子在村里也能听到城里名师的课」这句话是谁说的？"
    assert "村小也能上到城里名师的课" in small_engine.search(query, k=3)[0].text


def test_quoted_ranking_prefers_chunks_holding_the_phrase(small_engine: Engine) -> None:
    chunks = small_engine.index.chunks
    rows = list(range(len(chunks)))
    ranked = quoted_ranking("“新增公办学位2.4万个”是哪里的数字", rows, chunks)
    assert ranked and "2.4万个" in chunks[ranked[0]].text
    assert quoted_ranking("没有引号的问题", rows, chunks) == []


def test_reciprocal_rank_fusion_adds_reciprocal_ranks() -> None:
    scores = fuse([[7, 3], [3, 9]], rrf_k=10)
    assert scores[3] == 1 / 12 + 1 / 11
    assert scores[7] == 1 / 11 and scores[9] == 1 / 12
    assert max(scores, key=scores.__getitem__) == 3


def test_coverage_rule_of_the_evaluation() -> None:
    text = "全市新增公办学位2.4万个，基本消除大班额。"
    assert covers(text, "新增公办学位2. 4万个")  # spaces and width do not matter
    assert covers(text, "基本消除大班额。此外还有别的内容")  # a shared run of half the quote
    assert not covers(text, "新增民办学位")
    items = [
        GoldItem("a", "fact", "问题", ("新增公办学位2.4万个",)),
        GoldItem("b", "unanswerable", "问题", ()),
    ]
    scores = evaluate_retrieval(items, lambda item: ["无关", text])
    assert scores["overall"].n == 1
    assert scores["overall"].means() == {"hit@1": 0.0, "hit@5": 1.0, "MRR@10": 0.5, "recall@5": 1.0}
