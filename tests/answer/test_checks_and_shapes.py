"""The answer stage on documents shaped as real ones are: refusals that say which hard
constraint no document meets, naming a document by what it says when its parsed title is a
subtitle, lists under the sentence that announces them, table rows with their header,
comparisons with evidence from each side. Real model and index."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import engine_on

from rag.engine import Engine
from rag.schema import Answer

CORPUS = {
    # A work report whose first line is its subtitle: the title is the file name, no 报告 of a year.
    "fengyuan-2024.txt": """——2024年1月10日在丰源县第十八届人民代表大会第三次会议上
丰源县人民政府县长 李明
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2023年工作回顾
过去一年，全县地区生产总值达到286.5亿元，增长6.2%。
全年一般公共预算收入完成21.3亿元，增长8.1%。
二、2024年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。
重点推进“三大工程”建设。实施“学校扩容工程”，新建中小学4所。开展“名师培养工程”，每年培训骨干教师300名。推进“智慧校园工程”，实现宽带网络校校通。
重点抓好三项任务：
（一）稳住工业基本盘。全年新增规模以上工业企业20家。
（二）扩大有效投资。实施重点项目86个，完成投资120亿元。
（三）办好民生实事。新增城镇就业岗位1.2万个。
""",
    # A plan whose indicator table is kept as rows of cells, with its header row first.
    "fengyuan-plan.txt": """丰源县教育事业发展规划
2023-05-20
一、主要指标
指标｜2022年｜2025年目标
学前教育毛入园率（%）｜92.5｜95
高中阶段毛入学率（%）｜90.1｜93
二、发展措施
丰源县将新建公办幼儿园12所，扩大普惠性学前教育资源。
""",
    # A national rule and a city rule that repeats most of it.
    "national-rule.txt": """中小学校园安全管理办法
2022-03-01
第一条 为加强中小学校园安全管理，制定本办法。
第二条 学校应当每学期至少组织一次全员应急疏散演练。
第三条 学校应当配备专职保安人员，寄宿制学校应当安排夜间值守。
""",
    "city-rule.txt": """青岚市中小学校园安全管理实施办法
2023-06-15
第一条 为加强本市中小学校园安全管理，根据国家有关规定，制定本办法。
第二条 学校应当每月至少组织一次全员应急疏散演练。
第三条 学校应当配备专职保安人员，寄宿制学校应当安排夜间值守。
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    return engine_on("embedded", tmp_path_factory.mktemp("shapes"), CORPUS, model_cache, embedder)


def cited(answer: Answer) -> str:
    return "\n".join(c.text for c in answer.citations)


def test_a_document_is_named_by_what_it_says_when_it_has_no_title_line(engine: Engine) -> None:
    """The report opens with its "——2024年1月10日在…会议上" subtitle, which is never a title:
    the title is the file name and no kind was read, yet the question naming
    "丰源县2024年政府工作报告" is answered, not refused."""
    document = engine.index.documents["fengyuan-2024"]
    assert "报告" not in document.title and document.date == "2024-01-10"
    answer = engine.ask("丰源县2024年政府工作报告定的地区生产总值预期增长目标是多少？")
    assert not answer.abstained, answer.text
    assert "增长6%左右" in cited(answer)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("丰源县2021年的地区生产总值是多少亿元？", "文档只涉及2022、2023、2024年，没有2021年的内容"),  # a year no document says
        ("丰源县2022年政府工作报告定了哪些目标？", "文档库中没有丰源2022年的报告"),  # a dated kind the library lacks
        ("丰政发〔2024〕3号文件对学前教育有什么要求？", "文档库中没有丰政发〔2024〕3号这份文件"),  # a 发文字号 no document has
        ("黎山县学前教育毛入园率达到多少？", "文档中没有提到“黎山”"),  # a place no document names
    ],
)
def test_a_hard_constraint_no_document_meets_is_refused_with_its_reason(engine: Engine, question: str, reason: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.reason == reason and answer.text.endswith(f"{reason}。")
    assert answer.sources  # the closest passages are still listed


def test_a_figure_of_another_year_is_not_the_answer(engine: Engine) -> None:
    """The report dates its figures: asked for 2024's revenue, the 2023 sentence is no answer."""
    answer = engine.ask("丰源县2024年一般公共预算收入完成了多少亿元？")
    assert answer.abstained and "2024" in (answer.reason or "")
    assert engine.ask("丰源县2023年一般公共预算收入完成了多少亿元？").citations[0].text.startswith("全年一般公共预算收入完成21.3亿元")


def test_a_list_question_cites_the_items_not_the_sentence_announcing_them(engine: Engine) -> None:
    answer = engine.ask("丰源县重点推进的“三大工程”分别是什么？")
    assert not answer.abstained
    texts = [c.text for c in answer.citations]
    assert len(texts) == 3 and all("工程" in t for t in texts)
    assert not any("重点推进“三大工程”建设" in t for t in texts)
    tasks = engine.ask("丰源县2024年重点抓好的三项任务是哪三项？")
    assert [c.text[:3] for c in tasks.citations] == ["（一）", "（二）", "（三）"]


def test_a_table_row_is_cited_with_its_header(engine: Engine) -> None:
    answer = engine.ask("丰源县规划中高中阶段毛入学率2025年的目标是多少？")
    assert not answer.abstained
    texts = [c.text for c in answer.citations]
    assert texts[0] == "指标｜2022年｜2025年目标" and "高中阶段毛入学率（%）｜90.1｜93" in texts[1]


def test_a_comparison_cites_each_side_though_one_repeats_the_other(engine: Engine) -> None:
    answer = engine.ask("中小学校园安全管理办法和青岚市中小学校园安全管理实施办法对应急疏散演练的要求有什么不同？")
    assert not answer.abstained
    documents = {c.doc_id for c in answer.citations}
    assert documents == {"national-rule", "city-rule"}
    assert "每学期至少" in cited(answer) and "每月至少" in cited(answer)


def test_every_citation_says_how_strongly_it_supports_the_answer(engine: Engine) -> None:
    answer = engine.ask("丰源县新建公办幼儿园多少所？")
    assert answer.citations and all(c.level in ("强", "中", "弱") for c in answer.citations)
    assert answer.citations[0].level == "强"
