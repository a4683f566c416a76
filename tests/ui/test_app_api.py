"""The app's HTTP API, called through gradio_client against the real server."""

from __future__ import annotations

import pytest
from gradio_client import Client


@pytest.fixture(scope="module")
def client(ui_server) -> Client:  # type: ignore[no-untyped-def]
    url, _ = ui_server
    return Client(url, verbose=False)


def test_every_action_has_its_stable_api_name(client: Client) -> None:
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask", "/search", "/similar", "/quote", "/documents"} <= names


def test_ask_returns_the_cli_shape_with_exact_citations(client: Client, ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    answer = client.predict("北川市新增了多少公办学位？", api_name="/ask")
    assert set(answer) == {"question", "answer", "abstained", "reason", "citations", "mode", "unsupported", "notes"}
    assert answer["reason"] is None and all(c["support"] in ("强", "中", "弱") for c in answer["citations"])
    assert not answer["abstained"] and answer["mode"] == "extractive"
    assert answer["citations"] and "[1]" in answer["answer"]
    for c in answer["citations"]:
        assert engine.index.documents[c["doc_id"]].text[c["start"] : c["end"]] == c["text"]
    assert any("2.4万" in c["text"] for c in answer["citations"])


def test_ask_abstains_on_a_place_no_report_covers(client: Client) -> None:
    answer = client.predict("拉萨市新增了多少公办学位？", api_name="/ask")
    assert answer["abstained"] and answer["citations"] == []


def test_search_ranks_and_filters_by_document(client: Client) -> None:
    result = client.predict("订单培养 企业", 3, None, api_name="/search")
    assert result["query"] == "订单培养 企业"
    assert 1 <= len(result["hits"]) <= 3
    assert result["hits"][0]["doc_id"] == "nanling"
    only = client.predict("订单培养 企业", 5, ["donghai"], api_name="/search")
    assert only["hits"] and {h["doc_id"] for h in only["hits"]} == {"donghai"}


def test_similar_leaves_out_the_pasted_passages_own_report(client: Client) -> None:
    passage = "区里组织城区学校与乡村学校结成32个发展共同体，开展同步课堂和联合教研。"
    result = client.predict(passage, 3, api_name="/similar")
    docs = [h["doc_id"] for h in result["hits"]]
    assert docs and "donghai" not in docs and all(docs.count(d) <= 2 for d in docs)


def test_quote_finds_the_original_of_a_misremembered_sentence(client: Client) -> None:
    result = client.predict("南岭县职业中专新开了电子商务、茶艺与茶营销等7个专业", 3, api_name="/quote")
    best = result["matches"][0]
    assert best["doc_id"] == "nanling" and not best["exact"]
    assert "茶艺与茶营销等7个专业" in best["text"]
    exact = client.predict("建成校内实训基地11个", 3, api_name="/quote")["matches"][0]
    assert exact["exact"] and exact["similarity"] == 1.0


def test_documents_lists_the_library(client: Client, ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    rows = client.predict(api_name="/documents")
    assert {r["doc_id"] for r in rows} == {d.doc_id for d in engine.documents}
    row = next(r for r in rows if r["doc_id"] == "nanling")
    assert row["chunks"] == engine.chunk_count("nanling") > 0 and row["date"] == "2025-05-18"


def test_search_and_ask_take_the_metadata_filter(client: Client) -> None:
    hits = client.predict("学校 教师", 10, None, "2024", None, None, None, api_name="/search")["hits"]
    assert hits and {h["doc_id"] for h in hits} == {"donghai"}  # the only report dated 2024
    reports = client.predict("学校 教师", 10, None, None, None, "报告", None, api_name="/search")["hits"]
    assert reports and {h["doc_id"] for h in reports} == {"nanling"}  # 南岭县职业教育发展报告
    answer = client.predict("每年安排多少专项资金支持实训设备更新？", None, None, None, "报告", None, api_name="/ask")
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {"nanling"}
