"""Locating pasted text: exact despite spacing, width and wrap damage; fuzzy despite edits."""

from __future__ import annotations

import random

import pytest

from rag.schema import Document, Match
from rag.search.locating import MIN_SIMILARITY, Locator

pytestmark = pytest.mark.fast

FACILITIES = "2024年，全市新增公办学位3.6万个，改扩建县直学校12所；城区大班额全部消除。"
FUNDING = "市政府印发《关于推进义务教育优质均衡发展的实施意见》，明确“十四五”期间每年投入专项资金8.5亿元。"
TEACHERS = "全市选派286名骨干教师到乡村学校支教，支教教师在职称评聘中优先考虑。"
QUOTE = "校长说：“要让每一个孩子都能享有公平而有质量的教育。”"
SALARY = "乡村教师平均工资不低于当地公务员平均工资水平。"

REPORT_A = "\n".join(
    ["某市教育工作报告", "一、学位供给", FACILITIES, FUNDING, "二、教师队伍", TEACHERS + SALARY, QUOTE]
)
REPORT_B = (
    "某县教育发展情况\n"
    "全县职业学校开设智能制造、康养护理等9个专业，校企合作企业达到41家。\n"
    f"{SALARY}\n"
    "下一步，将继续扩大优质学前教育资源供给，普惠性幼儿园覆盖率力争达到92%。"
)
# Text as a PDF copy leaves it: a line break and stray spaces inside words.
REPORT_C = "某区教育简报\n全区新增学位1. 8万个，新建县直学\n校5所， 新增教师 420名；课后服务实现全覆盖。"

DOCUMENTS = {
    doc_id: Document(doc_id=doc_id, title=title, source=f"{doc_id}.txt", text=text)
    for doc_id, title, text in [
        ("a", "某市教育工作报告", REPORT_A),
        ("b", "某县教育发展情况", REPORT_B),
        ("c", "某区教育简报", REPORT_C),
    ]
}


@pytest.fixture()
def locator() -> Locator:
    return Locator(DOCUMENTS)


def check_offsets(matches: list[Match]) -> None:
    for match in matches:
        assert DOCUMENTS[match.doc_id].text[match.start : match.end] == match.text
        assert DOCUMENTS[match.doc_id].title == match.title


def top(locator: Locator, text: str) -> Match:
    matches = locator.run(text)
    check_offsets(matches)
    assert matches, text
    return matches[0]


def test_a_verbatim_sentence_is_an_exact_match(locator: Locator) -> None:
    match = top(locator, FACILITIES)
    assert (match.doc_id, match.text, match.exact, match.similarity) == ("a", FACILITIES, True, 1.0)
    assert match.source == "a.txt"


@pytest.mark.parametrize(
    "query",
    [
        "2024年，全市新增公办学位3. 6万个，改扩建县直学 校12所；城区大班额全部消除。",
        "2024年，全市新增公办\n学位3.6万个，改扩建县直学校12\n所；城区大班 额全部消除。",
        "2024年,全市新增公办学位3.6万个,改扩建县直学校12所;城区大班额全部消除.",
        "２０２４年，全市新增公办学位３．６万个，改扩建县直学校１２所；城区大班额全部消除。",
    ],
    ids=["spaces", "line-breaks", "half-width", "full-width-digits"],
)
def test_spacing_width_and_wrap_damage_in_the_query_still_match_exactly(locator: Locator, query: str) -> None:
    match = top(locator, query)
    assert (match.doc_id, match.text, match.exact, match.similarity) == ("a", FACILITIES, True, 1.0)


def test_wrap_damage_in_the_document_still_matches_exactly_and_spans_it(locator: Locator) -> None:
    match = top(locator, "全区新增学位1.8万个，新建县直学校5所，新增教师420名；")
    assert (match.doc_id, match.exact) == ("c", True)
    assert match.text == "全区新增学位1. 8万个，新建县直学\n校5所， 新增教师 420名；"


def test_full_width_colon_and_quotes_and_closing_punctuation_are_spanned(locator: Locator) -> None:
    match = top(locator, '校长说:"要让每一个孩子都能享有公平而有质量的教育."')
    assert (match.doc_id, match.text, match.exact) == ("a", QUOTE, True)


def test_a_quoted_clause_is_widened_over_its_quotes(locator: Locator) -> None:
    match = top(locator, "要让每一个孩子都能享有公平而有质量的教育")
    assert match.text == "“要让每一个孩子都能享有公平而有质量的教育。”"


@pytest.mark.parametrize(
    "query",
    [
        FUNDING.replace("义务教育", "义务教学"),
        FUNDING.replace("义务教育", "义务教学").replace("专项资金", "专门资金"),
        FUNDING.replace("义务教育", "义务教学").replace("专项资金", "专门资金").replace("8.5亿", "8.6亿"),
        FUNDING.replace("市政府", "省政府").replace("专项资金", "专门资金").replace("亿元", "亿圆"),
    ],
    ids=["one", "two", "three", "three-at-the-edges"],
)
def test_changed_characters_still_find_the_whole_original_sentence(locator: Locator, query: str) -> None:
    match = top(locator, query)
    assert (match.doc_id, match.text, match.exact) == ("a", FUNDING, False)
    assert 0.8 < match.similarity < 1.0


@pytest.mark.parametrize(
    ("query", "original"),
    [
        (TEACHERS.replace("骨干", ""), TEACHERS),
        (FUNDING.replace("优质均衡", ""), FUNDING),
        (FACILITIES.replace("县直", "").replace("全部", ""), FACILITIES),
    ],
    ids=["two-chars", "four-chars", "two-words"],
)
def test_a_dropped_word_still_gets_the_whole_original_clause(locator: Locator, query: str, original: str) -> None:
    match = top(locator, query)
    assert (match.doc_id, match.text, match.exact) == ("a", original, False)
    assert match.similarity > 0.8


@pytest.mark.parametrize("replacement", ["；", "。", "、", " "])
def test_swapped_punctuation_is_ignored(locator: Locator, replacement: str) -> None:
    match = top(locator, TEACHERS.replace("，", replacement))
    assert (match.doc_id, match.text, match.exact) == ("a", TEACHERS, True)


def test_swapped_punctuation_with_a_typo_is_found(locator: Locator) -> None:
    match = top(locator, TEACHERS.replace("，", "。").replace("职称", "职务"))
    assert (match.doc_id, match.text, match.exact) == ("a", TEACHERS, False)


def test_a_sentence_in_two_documents_is_found_in_both(locator: Locator) -> None:
    matches = locator.run(SALARY)
    check_offsets(matches)
    assert sorted(m.doc_id for m in matches) == ["a", "b"]
    assert all(m.text == SALARY and m.exact for m in matches)


def test_an_edited_sentence_in_two_documents_is_found_in_both(locator: Locator) -> None:
    matches = locator.run(SALARY.replace("当地", "本地"))
    check_offsets(matches)
    assert sorted(m.doc_id for m in matches) == ["a", "b"]
    assert all(m.text == SALARY and not m.exact for m in matches)


def test_exact_matches_rank_before_fuzzy_ones() -> None:
    near_copy = Document(doc_id="d", title="t", source="d.txt", text=SALARY.replace("当地", "本地"))
    matches = Locator({**DOCUMENTS, "d": near_copy}).run(SALARY)
    assert [(m.doc_id, m.exact) for m in matches] == [("a", True), ("b", True), ("d", False)]
    assert matches[-1].similarity < 1.0


def test_the_search_is_restricted_to_the_given_documents(locator: Locator) -> None:
    assert [m.doc_id for m in locator.run(SALARY, doc_ids=["b"])] == ["b"]
    assert [m.doc_id for m in locator.run(SALARY, doc_ids=["c", "missing"])] == []
    assert [m.doc_id for m in locator.run(FACILITIES, doc_ids=["b", "c"])] == []


def test_every_occurrence_counts_and_k_limits_them(locator: Locator) -> None:
    matches = locator.run("支教", k=10)
    check_offsets(matches)
    assert len(matches) == 2 and all(m.exact and m.text == "支教" for m in matches)
    assert len(locator.run("支教", k=1)) == 1
    assert locator.run("支教", k=0) == []


def test_unrelated_text_is_not_matched(locator: Locator) -> None:
    for query in [
        "今天下午我们一起去公园散步，然后看一场电影。",
        "人工智能大模型正在改变软件开发的方式。",
        "The quick brown fox.",
    ]:
        assert all(m.similarity >= MIN_SIMILARITY for m in locator.run(query))
        assert locator.run(query) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "，。！？“”；：", "...!?"])
def test_blank_or_punctuation_only_queries_match_nothing(locator: Locator, query: str) -> None:
    assert locator.run(query) == []


def test_very_short_queries_are_only_matched_exactly(locator: Locator) -> None:
    assert locator.run("学院") == []
    assert [m.text for m in locator.run("学位")] == ["学位", "学位", "学位"]


def test_offsets_hold_for_a_batch_of_damaged_queries(locator: Locator) -> None:
    rng = random.Random(7)
    filler = "教育学校教师发展质量推进，。；、 \n"
    for _ in range(300):
        document = rng.choice(list(DOCUMENTS.values()))
        start = rng.randrange(len(document.text))
        end = start + rng.randrange(1, 60)
        chars = list(document.text[start:end])
        damage = rng.randrange(4)
        for _ in range(damage):
            chars[rng.randrange(len(chars))] = rng.choice(filler)
        query = "".join(chars)
        matches = locator.run(query, k=rng.randrange(1, 6))
        check_offsets(matches)
        assert len({(m.doc_id, m.start, m.end) for m in matches}) == len(matches)
        keys = [(not m.exact, -m.similarity) for m in matches]
        assert keys == sorted(keys)
        assert all(MIN_SIMILARITY <= m.similarity <= 1.0 for m in matches)
        if damage == 0 and any(c.isalnum() for c in query):
            everywhere = locator.run(query, k=100)
            assert any(m.doc_id == document.doc_id and m.start < end and start < m.end for m in everywhere)


def test_a_changed_ending_does_not_pull_in_the_next_sentence() -> None:
    text = "前言。教育是强国建设、民族复兴之基。我市紧紧围绕办人民满意的教育总目标。"
    locator = Locator({"x": Document("x", "某市综述", "x.txt", text)})
    [match] = locator.run("教育是强国建设民族复兴的基础", k=1)
    assert match.text == "教育是强国建设、民族复兴之基。"
    assert not match.exact


def test_a_long_edited_paste_is_found_in_the_stretch_its_runs_point_to() -> None:
    """A paste of ANCHORED_CHARS or more is aligned only where its verbatim runs are; the
    edits (a changed figure, a dropped clause, swapped punctuation) still find its place."""
    from rag.search.locating import ANCHORED_CHARS

    filler = "".join(f"第{n}项：按计划推进各项工作，确保取得实效。" for n in range(300))
    original = FACILITIES + FUNDING + TEACHERS + SALARY
    locator = Locator({"x": Document("x", "某市报告", "x.txt", filler + original + filler), **DOCUMENTS})
    paste = original.replace("3.6万", "3.8万").replace("，支教教师在职称评聘中优先考虑", "").replace("；", "，")
    assert len(paste) >= ANCHORED_CHARS
    matches = [m for m in locator.run(paste, k=5) if m.doc_id == "x"]
    assert matches and not matches[0].exact and matches[0].similarity > 0.9
    start = len(filler)
    assert abs(matches[0].start - start) <= 2 and abs(matches[0].end - (start + len(original))) <= 2
    # A long paste that shares no run of words with a document is not aligned there at all.
    assert not [m for m in locator.run("完全无关的长段落内容" * 12, k=5)]
