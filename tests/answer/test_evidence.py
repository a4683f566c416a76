"""Which sentences may answer (supported evidence) and the shapes of answers: a 公文 notice
with sub-headed sections and another place's report, real model and index."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL_SETTINGS, open_fresh_engine, write_corpus

from rag.answer import NOT_FOUND
from rag.engine import Engine
from rag.schema import Answer
from rag.search import Intent

CORPUS = {
    "qingchuan.txt": """青川市教育局文件
青教〔2026〕7号
青川市教育局关于做好2026年职业教育实训基地建设工作的通知
各县（区）教育局：
为提升职业教育质量，服务地方产业发展，现就有关事项通知如下。
一、建设目标
到2026年底，全市建成职业教育实训基地15个。市级财政投入资金3.2亿元，带动社会投入1.1亿元。
二、重点任务
（一）优化专业布局
各县（区）要对接本地产业，新增紧缺专业12个，撤并重复设置的专业。
（二）深化校企合作
每所中职学校至少与5家企业签订合作协议，共建生产性实训车间。
（三）加强师资培训
每年组织专业课教师到企业实践不少于1个月，提升双师素质。
三、保障措施
（一）加强组织领导
各县（区）要成立工作专班，明确分管领导和责任科室，定期研究推进。
（二）落实经费保障
各县（区）要将实训基地建设经费列入年度预算，确保专款专用。
（三）严格督导考核
市教育局将建设进度纳入年度教育督导考核，每季度通报一次。
青川市教育局
2026年3月6日
""",
    "nanxi.txt": """南溪县职业教育工作汇报
2025-12-20
一、实训基地建设
南溪县建成职业教育实训基地4个，县财政投入资金6500万元。
二、校企合作
全县中职学校与38家企业签订合作协议，开设订单班11个。
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    from rag.settings import Settings

    root = tmp_path_factory.mktemp("evidence")
    corpus = write_corpus(root / "corpus", CORPUS)
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    return open_fresh_engine(settings, embedder)


def assert_body_only(engine: Engine, answer: Answer) -> None:
    """Every citation is an exact span of body text: no title, heading or 公文 element."""
    for citation in answer.citations:
        document = engine.index.documents[citation.doc_id]
        assert document.text[citation.start : citation.end] == citation.text
        labels = [(e.start, e.end) for e in document.elements] + [(h.start, h.end) for h in document.headings]
        assert not any(start < citation.end and citation.start < end for start, end in labels), citation.text


def test_a_quantity_question_cites_a_number_of_the_asked_kind(engine: Engine) -> None:
    answer = engine.ask("青川市财政给实训基地建设投入了多少亿元？")
    assert not answer.abstained
    assert_body_only(engine, answer)
    assert "3.2亿元" in answer.citations[0].text
    assert not any("12个" in c.text for c in answer.citations)


def test_no_sentence_with_a_number_of_the_asked_kind_abstains_with_near_misses(engine: Engine) -> None:
    answer = engine.ask("青川市中职学校的毕业生就业率达到百分之多少？")
    assert answer.abstained and answer.text.startswith(NOT_FOUND) and answer.sources
    assert answer.reason == "找到的相关内容没有给出比例（%）数字"


def test_a_document_of_a_year_the_library_lacks_is_not_answered_from_another_year(engine: Engine) -> None:
    answer = engine.ask("2019年青川市教育局的通知要求建成多少个实训基地？")
    assert answer.abstained and answer.sources
    assert not engine.ask("2026年青川市教育局的通知要求建成多少个实训基地？").abstained


def test_measures_in_a_named_section_follow_its_outline(engine: Engine) -> None:
    answer = engine.ask("青川市那份通知在“保障措施”部分提出了哪些要求？")
    assert not answer.abstained
    assert_body_only(engine, answer)
    lines = answer.text.splitlines()
    assert "「三、保障措施」" in lines[0]
    assert [line.split("：")[0] for line in lines[1:]] == ["（一）加强组织领导", "（二）落实经费保障", "（三）严格督导考核"]
    document = engine.index.documents["qingchuan"]
    children = [h for h in document.headings if h.title.startswith("（") and h.start > document.text.index("三、保障措施")]
    assert len(answer.citations) == len(children) == 3
    for citation, child, after in zip(answer.citations, children, [*children[1:], None]):
        assert child.end <= citation.start and (after is None or citation.end <= after.start)


def test_measures_find_the_section_a_question_is_about_without_naming_it(engine: Engine) -> None:
    answer = engine.ask("青川市在深化校企合作方面有哪些要求？")
    assert not answer.abstained
    assert_body_only(engine, answer)
    assert "5家企业" in answer.citations[0].text and "「（二）深化校企合作」" in answer.text
    assert {c.doc_id for c in answer.citations} == {"qingchuan"}


def test_a_comparison_answers_each_place_side_by_side(engine: Engine) -> None:
    answer = engine.ask("青川市和南溪县分别建成了多少个实训基地？")
    assert not answer.abstained
    assert_body_only(engine, answer)
    assert {c.doc_id for c in answer.citations} == {"qingchuan", "nanxi"}
    lines = answer.text.splitlines()
    assert len(lines) == 2
    assert any("15个" in c.text for c in answer.citations) and any("4个" in c.text for c in answer.citations)


def test_the_analysis_behind_an_answer_uses_the_library(engine: Engine) -> None:
    asked = engine.analyze("南溪县和青川市各有多少家合作企业？")
    assert asked.intent == Intent.COMPARISON and asked.places == ("南溪", "青川")
    # Terms carry the index's IDF, so the words the evidence must hold are weighed by how
    # rare they are in this library.
    assert asked.terms and all(t.weight == engine.index.lexical.idf(t.word) for t in asked.terms)
