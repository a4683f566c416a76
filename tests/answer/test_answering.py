"""`Engine.ask`, `Engine.similar` and `Engine.locate` on a small made-up corpus, real model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BACKENDS, SMALL_CORPUS, engine_on

from rag.answer import NOT_FOUND
from rag.engine import Engine
from rag.schema import Answer

# The small corpus plus a plan whose table of contents names a topic its body never
# covers, and a report on teacher exchange that other reports echo.
ANSWER_CORPUS = {
    **SMALL_CORPUS,
    "xiling.txt": """西陵市教育事业发展规划
2026-01-10
目录
一、总体要求
二、学前教育普惠发展
三、健全教育督导问责机制
一、总体要求
到2030年，西陵市基本建成高质量教育体系，学前教育毛入园率保持在95%以上。
二、学前教育普惠发展
西陵市新建公办幼儿园14所，普惠性幼儿园覆盖率达到90%。
""",
    "qinghe.txt": """清河县教师队伍建设工作汇报
2025-06-30
一、推进城乡教师交流轮岗
清河县每年选派城镇学校骨干教师85名到乡村学校任教一年，同时安排乡村学校青年教师到城镇学校跟岗学习。
县里推行校长职级制，推动26名校长在城乡学校之间交流任职。
二、提高教师待遇
乡村教师生活补助每月不低于500元，全县教师平均工资不低于当地公务员平均工资水平。
""",
}


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    """The answer corpus on each backend: every answer test runs on both."""
    return engine_on(request.param, tmp_path_factory.mktemp("answers"), ANSWER_CORPUS, model_cache, embedder)


def assert_cited_exactly(engine: Engine, answer: Answer) -> None:
    """The invariant users rely on: every citation is an exact span of its document, and
    every marker in the text names a citation."""
    for citation in answer.citations:
        document = engine.index.documents[citation.doc_id]
        assert document.text[citation.start : citation.end] == citation.text
        assert citation.title == document.title and citation.source == document.source
        assert f"[{citation.n}]" in answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_fact_question_cites_the_sentence_with_the_figure(engine: Engine) -> None:
    answer = engine.ask("北川市一共新增了多少个公办学位？")
    assert not answer.abstained
    assert_cited_exactly(engine, answer)
    assert 1 <= len(answer.citations) <= 2
    assert "2.4万个" in answer.citations[0].text and answer.citations[0].doc_id == "beichuan"
    assert "2.4万个" in answer.text


def test_paraphrased_question_is_answered_from_meaning(engine: Engine) -> None:
    # 老师 for 教师, "多长时间" for "不少于72学时": only 培训 is the document's own word.
    answer = engine.ask("北川的老师每年要培训多长时间？")
    assert not answer.abstained
    assert "72学时" in answer.citations[0].text


def test_measures_question_answers_from_the_section_it_is_about(engine: Engine) -> None:
    answer = engine.ask("清河县是怎样推进城乡教师交流轮岗的？")
    assert not answer.abstained
    assert_cited_exactly(engine, answer)
    assert {c.doc_id for c in answer.citations} == {"qinghe"}
    # The section's heading frames the answer; its sentences are cited in reading order,
    # the heading itself and the next section (教师待遇) are not.
    assert "「一、推进城乡教师交流轮岗」" in answer.text
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)
    cited = "".join(c.text for c in answer.citations)
    assert "85名" in cited and "26名校长" in cited
    assert "推进城乡教师交流轮岗" not in cited and "500元" not in cited


def test_question_over_two_places_is_grouped_by_document(engine: Engine) -> None:
    answer = engine.ask("北川市和清河县分别有多少名校长或名师工作室？")
    assert not answer.abstained
    assert_cited_exactly(engine, answer)
    docs = [c.doc_id for c in answer.citations]
    assert {"beichuan", "qinghe"} <= set(docs)
    # Grouped: each document's citations are consecutive and its title opens one line.
    assert docs == sorted(docs, key=docs.index)
    lines = answer.text.splitlines()
    assert len(lines) == len(set(docs))
    assert any("28个" in c.text for c in answer.citations) and any("26名校长" in c.text for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("贵港市学前教育普惠率达到多少？", "没有提到“贵港”"),  # a place no report mentions
        ("西陵市如何健全教育督导问责机制？", ""),  # only a table-of-contents line matches
        ("量子计算机的发展前景如何？", ""),  # nothing in the corpus is about it
        ("北川市2019年新增了多少公办学位？", "2019年"),  # the report has the figure, not for that year
    ],
)
def test_abstains_when_the_evidence_is_weak_says_why_and_lists_near_misses(engine: Engine, question: str, said: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained, answer.text
    assert answer.reason and said in answer.reason and "\n" not in answer.reason
    assert answer.text == f"{NOT_FOUND}：{answer.reason}。" and answer.citations == ()
    assert answer.sources


def test_question_quoting_a_sentence_cites_where_it_comes_from(engine: Engine) -> None:
    answer = engine.ask("「每年评选数字化教学示范课一百节」这句话出自哪里？")
    assert not answer.abstained
    assert_cited_exactly(engine, answer)
    assert answer.citations[0].doc_id == "donghai"
    assert "示范课100节" in answer.citations[0].text
    assert f"《{engine.index.documents['donghai'].title}》" in answer.text
    assert not engine.locate("每年评选数字化教学示范课一百节")[0].exact


def test_question_pasting_a_passage_cites_other_reports(engine: Engine) -> None:
    passage = "清河县每年选派城镇学校骨干教师85名到乡村学校任教一年，同时安排乡村学校青年教师到城镇学校跟岗学习。"
    answer = engine.ask(f"「{passage}」其他地方有类似做法吗？")
    assert not answer.abstained
    assert_cited_exactly(engine, answer)
    assert "qinghe" not in {c.doc_id for c in answer.citations}
    assert any("乡村学校" in c.text for c in answer.citations)


# --------------------------------------------------------------------------------------
# similar
# --------------------------------------------------------------------------------------


def test_similar_leaves_out_the_pasted_passages_own_report(engine: Engine) -> None:
    passage = "清河县每年选派城镇学校骨干教师85名到乡村学校任教一年"
    hits = engine.similar(passage, k=5)
    assert hits
    assert all(h.doc_id != "qinghe" for h in hits)
    assert max(sum(h.doc_id == d for h in hits) for d in {h.doc_id for h in hits}) <= 2  # at most two per report
    assert all(-1.0 <= h.score <= 1.0 for h in hits)
    for hit in hits:
        assert engine.index.documents[hit.doc_id].text[hit.start : hit.end] == hit.text
    # The teacher and rural-school passages of other reports come before the unrelated plan.
    ranked = [h.doc_id for h in hits]
    assert {"beichuan", "donghai"} <= set(ranked[:3])
    assert "xiling" not in ranked or ranked.index("xiling") > max(ranked.index("beichuan"), ranked.index("donghai"))


def test_similar_from_a_chunk_id_leaves_out_that_chunks_document(engine: Engine) -> None:
    chunk = next(c for c in engine.index.chunks if "32个发展共同体" in c.text)
    hits = engine.similar(chunk.chunk_id, k=3)
    assert hits and all(h.doc_id != chunk.doc_id for h in hits)


def test_similar_of_new_text_keeps_every_report(engine: Engine) -> None:
    hits = engine.similar("某地组织城区教师到农村学校送教下乡，开展结对帮扶。", k=10)
    assert {"qinghe", "beichuan", "donghai"} <= {h.doc_id for h in hits}


# --------------------------------------------------------------------------------------
# locate
# --------------------------------------------------------------------------------------

ORIGINAL = "学校与43家企业签订订单培养协议，建成校内实训基地11个，毕业生本地就业率达到82%。"


@pytest.mark.parametrize(
    ("pasted", "exact"),
    [
        (ORIGINAL, True),
        ("学校与43家企业签订订单 培养协议,建成校内实训\n基地11个, 毕业生本地就业率达到82%", True),  # spaces, wraps, width
        ("学校与43家企业签署订单培养协议，建成校内实训基地11个，毕业生本地就业率达到82%。", False),  # 1 changed
        ("学校与45家企业签署订单培养协议，建成校内实训基地12个，毕业生本地就业率达到82%。", False),  # 3 changed
        ("学校与43家企业签订培养协议，建成实训基地11个，毕业生就业率达到82%。", False),  # dropped words
        ("学校与43家企业签订订单培养协议；建成校内实训基地11个。毕业生本地就业率达到82%！", True),  # punctuation
    ],
)
def test_locate_finds_the_original_sentence_despite_damage(engine: Engine, pasted: str, exact: bool) -> None:
    matches = engine.locate(pasted, k=3)
    assert matches
    best = matches[0]
    assert best.doc_id == "nanling"
    assert engine.index.documents["nanling"].text[best.start : best.end] == best.text
    assert "43家企业" in best.text and "82%" in best.text
    assert best.exact is exact
    assert (best.similarity == 1.0) if exact else (0.7 < best.similarity < 1.0)


def test_locate_of_unrelated_text_finds_nothing_close(engine: Engine) -> None:
    # The same engine finds a sentence of the corpus: finding nothing below is a result, not a broken locate.
    assert engine.locate("学校与43家企业签订订单培养协议")[0].exact
    # Not even a weak match (similarity from MIN_SIMILARITY, 0.5) in any document.
    assert engine.locate("量子计算机的发展前景非常广阔") == []
