"""The Engine's public API (rag.engine) on an index built with the fake embedder: search,
ask, similar and locate answer from the index, and bad inputs are refused by name."""

from __future__ import annotations

import pytest

from rag.engine import Engine
from rag.schema import DocumentFilter
from rag.search.queries import QueryError

pytestmark = pytest.mark.fast


def test_search_returns_passages_that_are_spans_of_their_documents(fake_engine: Engine) -> None:
    hits = fake_engine.search("毕业生本地就业率", k=3)
    assert 0 < len(hits) <= 3 and "82%" in hits[0].text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    documents = {d.doc_id: d for d in fake_engine.documents}
    for hit in hits:
        assert documents[hit.doc_id].text[hit.start : hit.end] == hit.text


def test_search_keeps_to_the_documents_asked_for(fake_engine: Engine) -> None:
    hits = fake_engine.search("教师培训", k=5, doc_ids=["donghai"])
    assert hits and {h.doc_id for h in hits} == {"donghai"}
    dated = fake_engine.search("教育", k=10, where=DocumentFilter(year="2024"))
    assert dated and {h.doc_id for h in dated} == {"donghai"}


def test_ask_answers_with_a_cited_span(fake_engine: Engine) -> None:
    answer = fake_engine.ask("南岭县毕业生本地就业率是多少？")
    assert not answer.abstained and answer.mode == "extractive" and answer.citations
    citation = answer.citations[0]
    document = {d.doc_id: d for d in fake_engine.documents}[citation.doc_id]
    assert "82%" in citation.text and document.text[citation.start : citation.end] == citation.text
    assert f"[{citation.n}]" in answer.text


def test_similar_passages_come_from_other_documents(fake_engine: Engine) -> None:
    beichuan = next(c for c in fake_engine.index.chunks if c.doc_id == "beichuan")
    hits = fake_engine.similar(beichuan.text, k=3)
    assert hits and "beichuan" not in {h.doc_id for h in hits}


def test_locate_finds_where_a_sentence_comes_from(fake_engine: Engine) -> None:
    (match, *_) = fake_engine.locate("学校与43家企业签订订单培养协议", k=2)
    assert (match.doc_id, match.exact, match.similarity) == ("nanling", True, 1.0)
    assert {d.doc_id: d for d in fake_engine.documents}["nanling"].text[match.start : match.end] == match.text


@pytest.mark.parametrize("call", ["search", "ask", "similar", "locate"])
def test_a_blank_input_is_refused_naming_the_field(fake_engine: Engine, call: str) -> None:
    field = {"search": "query", "ask": "question", "similar": "passage", "locate": "text"}[call]
    with pytest.raises(QueryError) as raised:
        getattr(fake_engine, call)("   ")
    assert raised.value.field == field and str(raised.value).startswith(f"{field}: ")


def test_a_bad_k_is_refused(fake_engine: Engine) -> None:
    with pytest.raises(QueryError):
        fake_engine.search("教师", k=0)
