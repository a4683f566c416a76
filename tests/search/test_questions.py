"""Question analysis (`rag.search.questions`): what a question asks for and what it asks about.

A table of questions as policy analysts, education officials and researchers type them about
Chinese policy documents, each with what a careful reader says it asks: its intent, answer
type, unit families, places, years, document years, 发文字号, section, pasted passage, and
words that are or are not among its terms. Each field of each question is its own test, so a
field the code reads differently is marked there (strict xfail, with the reason) and the other
fields of that question are still checked. Then `short_place`, `places_in`, `known_places`,
`Question.specific` and `Question.groups`. Nothing here needs a model or an index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pytest

from rag import language
from rag.search.questions import AnswerType, Intent, Term, analyze, places_in, short_place

pytestmark = pytest.mark.fast

# Words that only frame a question: never a term, whatever the question.
FRAMING = ("哪些", "措施", "举措", "多少", "提出", "如何", "怎样", "要求", "什么", "分别", "各自", "文件")
FIELDS = ("intent", "answer_type", "units", "places", "years", "document_years", "doc_numbers", "section", "pasted", "terms")


@dataclass(frozen=True)
class Case:
    """A question and what it asks; `wrong` maps a field the code reads differently to why."""

    text: str
    intent: str
    answer_type: str
    units: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    document_years: tuple[str, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    section: str | None = None
    pasted: str | None = None
    terms: tuple[str, ...] = ()  # words that must be terms
    not_terms: tuple[str, ...] = ()  # words that must not be (besides FRAMING)
    wrong: Mapping[str, str] = field(default_factory=dict)


def pasted(text: str) -> str:
    """The passage a question pastes between 「」."""
    return text[text.index("「") + 1 : text.index("」")]


Q1 = "「到2025年，全省学前三年毛入园率达到92%以上」出自哪份文件？"
Q2 = "「建立健全乡村教师荣誉制度，对在乡村学校从教30年以上的教师按照国家有关规定颁发证书」这句话的原文在哪？"
Q3 = "「青海省海西州、玉树州要加快推进寄宿制学校标准化建设」出自哪里？"
Q4 = "「各地要在2024年底前完成校外培训机构分类登记」是哪篇文件里的原话？"
Q5 = "谁说过「教育是国之大计、党之大计」？"
Q6 = "「完善城乡义务教育经费保障机制，统一城乡学校生均公用经费基准定额」"
Q7 = "四川省的文件里有「每年安排不少于2亿元专项资金支持凉山州」这句话吗？"
S1 = "有没有和「推动优质学前教育资源向农村地区延伸」类似的表述？"
S2 = "其他省份有相似的规定吗：「对连续在乡村学校任教满20年的教师给予一次性奖励5000元」"
S3 = "找出与「广西壮族自治区将在2025年前建成100所县域高中示范校」意思相近的段落"
S4 = "还有哪些文件提出了和「落实教师减负清单制度」差不多的要求？"
S5 = "「鼓励有条件的地区将学前教育纳入免费教育范围」，别的地方有同样的说法吗？"
S6 = "跟「推进县域普通高中振兴」一样的提法还出现在哪些报告里？"

FRAMES_NAME = "the asked-for name's own word frames the question"
COUNTY_LOST = "jieba tags the county (昭觉县) as a person's name and its stem 昭觉 as a verb, so it is left a term"

CASES: tuple[Case, ...] = (
    # fact
    Case("教基〔2023〕5号文件是哪个部门印发的？", "fact", "name", doc_numbers=("教基〔2023〕5号",),
         not_terms=("部门",), wrong={"terms": FRAMES_NAME}),
    Case("国办发〔2019〕12号的发布日期是什么时候？", "fact", "date", doc_numbers=("国办发〔2019〕12号",)),
    Case("川办发[2016]41号文件由谁牵头落实？", "fact", "name", doc_numbers=("川办发[2016]41号",), terms=("牵头",)),
    Case("《云南省教育厅关于加强中小学劳动教育的实施意见》的印发机关是哪个单位？", "fact", "name", places=("云南",),
         terms=("劳动",)),
    Case("贵州省2024年政府工作报告里对“强省会”行动是怎么表述的？", "fact", "text", places=("贵州",), years=("2024",),
         document_years=("2024",), terms=("省会",)),
    Case("2019年国务院政府工作报告中“双一流”建设的提法是什么？", "fact", "text", years=("2019",),
         document_years=("2019",), terms=("一流",), not_terms=("政府",)),
    Case("内蒙古自治区教育厅是否出台了牧区寄宿制学校建设的专门文件？", "fact", "text", places=("内蒙古",),
         terms=("牧区", "寄宿制")),
    Case("几乎所有县都建立了教师发展中心吗？", "fact", "text", terms=("发展", "中心")),
    Case("江苏省是否率先实现了学前教育普及普惠？", "fact", "text", places=("江苏",), terms=("普及", "普惠")),
    Case("2023年政府工作报告回顾2022年的工作时，列举了哪些主要成就？", "fact", "list", years=("2023", "2022"),
         document_years=("2023",), terms=("成就",)),
    Case("国办发〔2019〕12号要求各地在何时前完成清理工作？", "fact", "date", doc_numbers=("国办发〔2019〕12号",),
         terms=("清理",), not_terms=("各地", "何时")),
    Case("高校毕业生就业统计的截止日期是哪天？", "fact", "date", terms=("就业", "统计"), not_terms=("哪天",)),
    Case("负责统筹推进“强师计划”的是哪个部门？", "fact", "name", terms=("强师",)),
    Case("《实施方案》列出的试点学校有哪些？", "fact", "list", terms=("试点", "学校")),
    Case("临夏回族自治州教育扶贫工作取得了哪些成效？", "fact", "list", places=("临夏",), terms=("扶贫",)),
    Case("学前教育普及普惠县的评估标准是什么？", "fact", "text", terms=("评估",),
         wrong={"places": "普惠县 (a designation) reads as a place by its suffix, 普惠 being no dictionary word"}),
    Case("福建省教育厅发布的通告什么时候施行？", "fact", "date", places=("福建",), terms=("施行",)),
    # quantity, by unit family
    Case("2024年中央财政下达的学前教育发展资金是多少亿元？", "quantity", "number", units=("money",), years=("2024",),
         terms=("学前教育", "资金")),
    Case("黔府办发【2018】15号对乡村小规模学校的公用经费补助标准是每生每年多少元？", "quantity", "number",
         units=("money",), doc_numbers=("黔府办发【2018】15号",), terms=("公用", "补助")),
    Case("中央预算内投资安排了多少亿元用于学校建设？", "quantity", "number", units=("money",), terms=("预算内",)),
    Case("广东省提出到2025年普惠性幼儿园覆盖率要达到多少？", "quantity", "number", units=("share",),
         places=("广东",), years=("2025",), terms=("幼儿园", "覆盖率")),
    Case("高中阶段教育毛入学率是多少？", "quantity", "number", units=("share",), terms=("入学率",)),
    Case("全省教育支出占一般公共预算支出的比重是多少？", "quantity", "number", units=("share",), terms=("支出",)),
    Case("职业本科招生规模占比要达到多少？", "quantity", "number", units=("share",), terms=("招生",),
         not_terms=("比要",), wrong={"terms": "jieba's 比要 (of 占比要) is kept as a term"}),
    Case("研发经费投入强度要提高到百分之几？", "quantity", "number", units=("share",), terms=("研发", "强度"),
         not_terms=("百分之几",)),
    Case("恩施土家族苗族自治州的学前教育毛入园率是多少？", "quantity", "number", units=("share",), places=("恩施",),
         terms=("入园率",)),
    Case("长沙县学前教育普惠率是多少？", "quantity", "number", units=("share",), places=("长沙",), terms=("普惠率",)),
    Case("甘肃省计划招聘多少名特岗教师？", "quantity", "number", units=("people",), places=("甘肃",),
         terms=("特岗", "教师"), wrong={"terms": "多少名特岗 splits as 名特岗, so 特岗 is no term"}),
    Case("海南省今年参加高考的考生人数有多少？", "quantity", "number", units=("people",), places=("海南",),
         terms=("高考", "考生")),
    Case("全省累计培训了多少万名乡村教师？", "quantity", "number", units=("people",), terms=("乡村", "培训"),
         not_terms=("万名",)),
    Case("海西蒙古族藏族自治州的中职学校有多少名在校生？", "quantity", "number", units=("people",), places=("海西",),
         terms=("在校生",)),
    Case("新入职教师的规范化培训期限是多长时间？", "quantity", "number", units=("time",), terms=("规范化", "培训"),
         not_terms=("多长时间", "长时间")),
    Case("中小学生每天校内体育活动时间不少于几小时？", "quantity", "number", units=("time",), terms=("体育",),
         not_terms=("几小时",)),
    Case("乡村教师在同一学校连续任教满多少年可以申请交流？", "quantity", "number", units=("time",),
         terms=("任教", "交流")),
    Case("师范生教育实践课程不少于多少学分？", "quantity", "number", units=("credit",), terms=("师范生",)),
    Case("劳动教育课程每学年不少于几个学分？", "quantity", "number", units=("credit",), terms=("劳动",)),
    Case("西藏自治区农村公路新增里程多少公里？", "quantity", "number", units=("length",), places=("西藏",),
         terms=("公路", "农村")),
    Case("县城到乡镇学校的校车单程距离不超过多少公里？", "quantity", "number", units=("length",), terms=("校车",)),
    Case("宁夏回族自治区新建改扩建了多少所幼儿园？", "quantity", "number", units=("count",), places=("宁夏",),
         terms=("幼儿园",)),
    Case("延边朝鲜族自治州共有几所民族中学？", "quantity", "number", units=("count",), places=("延边",),
         terms=("民族", "中学"), not_terms=("几所",)),
    Case("《方案》一共部署了几项重点任务？", "quantity", "number", units=("count",), terms=("重点", "任务")),
    Case("杭州市率先建成了多少所未来学校？", "quantity", "number", units=("count",), places=("杭州",),
         terms=("未来",)),
    Case("首批共认定了多少个省级示范性职业教育集团？", "quantity", "number", units=("count",), terms=("示范性",)),
    Case("喀什地区新建了多少所双语幼儿园？", "quantity", "number", units=("count",), places=("喀什",),
         terms=("双语",)),
    Case("2021年的《浙江省教育事业发展“十四五”规划》提出要建设多少所未来社区学校？", "quantity", "number",
         units=("count",), places=("浙江",), years=("2021",), document_years=("2021",), terms=("社区",),
         wrong={"document_years": "the 《…》 title (with “十四五” and over 14 characters before 规划) is not read as dated by 2021"}),
    # measures
    Case("意见的第三部分提出了哪几条保障措施？", "measures", "list", section="第三", terms=("保障",)),
    Case("教育部办公厅关于做好中小学生暑期安全工作的通知对各地提了哪些要求？", "measures", "list",
         terms=("暑期", "安全"), not_terms=("各地",)),
    Case("在“保障措施”部分，方案提出了哪些具体举措？", "measures", "list", section="保障措施"),
    Case("组织实施部分对市县两级政府有什么要求？", "measures", "list", section="组织实施"),
    Case("青海省如何推进教育对口支援工作？", "measures", "list", places=("青海",), terms=("对口", "支援")),
    Case("四川省人民政府办公厅在乡村教师队伍建设上采取了哪些举措？", "measures", "list", places=("四川",),
         terms=("乡村", "教师队伍")),
    Case("中办国办印发的意见对减轻义务教育阶段学生作业负担作了哪些部署？", "measures", "list",
         terms=("作业负担",), not_terms=("中办", "国办")),
    Case("某市人民政府怎样保障随迁子女平等接受义务教育？", "measures", "list", terms=("随迁", "子女")),
    Case("宁夏回族自治区教育厅在推进“互联网+教育”示范区建设方面做了哪些工作？", "measures", "list",
         places=("宁夏",), terms=("示范区",)),
    Case("青海省对海西州的教育投入分别用于哪些方面？", "measures", "list", places=("青海", "海西"),
         terms=("投入",), not_terms=("哪些方面",)),
    Case("凉山彝族自治州昭觉县控辍保学工作是怎么做的？", "measures", "list", places=("凉山", "昭觉"),
         terms=("控辍",), wrong={"places": COUNTY_LOST}),
    Case("眉山市仁寿县如何推进集团化办学？", "measures", "list", places=("眉山", "仁寿"), terms=("集团化",)),
    Case("新疆维吾尔自治区对南疆四地州教师有哪些支持政策？", "measures", "list", places=("新疆", "南疆"),
         terms=("支持",), wrong={"places": "jieba tags 四地州 (four prefectures) a place; NUMBERED tests it before 州 is cut, so 四地 stays"}),
    Case("如何提高农村学校和城镇学校的办学质量？", "measures", "list", terms=("农村", "城镇", "办学")),
    Case("幼儿入园难的问题如何解决？", "measures", "list", terms=("入园",)),
    Case("浦东新区如何推进教育综合改革？", "measures", "list", places=("浦东",), terms=("综合", "改革")),
    Case("粤教职函（2022）7号提出了哪些中职学校专业设置要求？", "measures", "list",
         doc_numbers=("粤教职函（2022）7号",), terms=("中职", "专业")),
    Case("某省教育厅印发的通知对校外培训监管提出了哪些要求？", "measures", "list", terms=("校外", "监管")),
    Case("2022年教育部工作要点对高校思政课提出了哪些新要求？", "measures", "list", years=("2022",),
         document_years=("2022",), terms=("思政课",)),
    Case("城乡义务教育一体化发展的做法有哪些？", "measures", "list", terms=("一体化",)),
    Case("普通高中多样化特色发展有哪些路径？", "measures", "list", terms=("多样化", "特色")),
    Case("中共中央国务院关于深化新时代教育评价改革总体方案中对教师评价有何要求？", "measures", "list",
         terms=("评价",)),
    # places
    Case("哪些省份率先实现了县域义务教育优质均衡发展？", "places", "list", terms=("县域", "均衡")),
    Case("各地是如何落实课后服务“5+2”模式的？", "places", "list", terms=("课后", "服务")),
    Case("哪些地方把学前教育纳入了免费教育范围？", "places", "list", terms=("免费",), not_terms=("哪些地方",)),
    Case("哪几个市开展了中小学教师“县管校聘”试点？", "places", "list", terms=("县管", "试点"),
         not_terms=("哪几个",)),
    Case("全国有哪些城市入选了学习型城市建设示范？", "places", "list", terms=("学习型",)),
    Case("各省都有哪些支持民办教育的做法？", "places", "list", terms=("民办教育",)),
    Case("哪里开展了职业教育本科试点？", "places", "list", terms=("本科",)),
    # comparison
    Case("浙江和四川的高中阶段教育普及目标分别是多少？", "comparison", "number", places=("浙江", "四川"),
         terms=("高中", "普及")),
    Case("广西壮族自治区和云南省在边境地区学校建设上的做法有何不同？", "comparison", "list",
         places=("广西", "云南"), terms=("边境",), not_terms=("有何",)),
    Case("贵州、甘肃两省对乡村教师生活补助的标准各自是多少元？", "comparison", "number", units=("money",),
         places=("贵州", "甘肃"), terms=("补助",)),
    Case("2022年、2023年两年分别招收了多少名公费师范生？", "comparison", "number", units=("people",),
         years=("2022", "2023"), terms=("公费",)),
    Case("2023年和2024年的政府工作报告对职业教育的表述分别有什么侧重？", "comparison", "list",
         years=("2023", "2024"), document_years=("2023", "2024"), terms=("职业",)),
    Case("2015年的意见与四川省2016年的实施意见相比有哪些不同？", "comparison", "list", places=("四川",),
         years=("2015", "2016"), document_years=("2015", "2016")),
    Case("教育部和财政部的两份通知在资助标准上有什么区别？", "comparison", "list", terms=("资助",)),
    Case("北京市与上海市的“双减”实施方案有何异同？", "comparison", "list", places=("北京", "上海"), terms=("双减",)),
    Case("延边朝鲜族自治州和黔东南苗族侗族自治州在双语教育上各有哪些做法？", "comparison", "list",
         places=("延边", "黔东南"), terms=("双语",)),
    Case("香港特别行政区和澳门特别行政区在教育交流上分别采取了哪些措施？", "comparison", "list",
         places=("香港", "澳门"), terms=("交流",)),
    # change
    Case("2018年到2023年全省义务教育巩固率有什么变化？", "change", "text", years=("2018", "2023"), terms=("巩固率",)),
    Case("与2020年相比，2024年高校毕业生规模增加了多少？", "change", "number", years=("2020", "2024"),
         terms=("毕业生", "规模")),
    Case("从2019年到2022年，中央财政对学生资助的投入有何调整？", "change", "text", years=("2019", "2022"),
         terms=("资助", "投入")),
    Case("川办发[2016]41号和川办发〔2021〕8号在乡村教师补助上前后有何变化？", "change", "text",
         doc_numbers=("川办发[2016]41号", "川办发〔2021〕8号"), terms=("补助",)),
    Case("苏政发［2020］33号与苏政发〔2023〕9号相比，对集团化办学的要求有何变化？", "change", "text",
         doc_numbers=("苏政发［2020］33号", "苏政发〔2023〕9号"), terms=("集团化",)),
    Case("近五年教育经费投入的趋势是怎样的？", "change", "text", terms=("教育经费", "趋势")),
    Case("学前三年毛入园率历年来的变化情况", "change", "text", terms=("入园率",)),
    Case("2016年和2021年两版实施方案中关于教师培训学时的规定有哪些调整？", "change", "list", years=("2016", "2021"),
         document_years=("2016", "2021"), terms=("学时",)),
    # quote: the pasted passage yields no constraint and no term
    Case(Q1, "quote", "text", pasted=pasted(Q1), not_terms=("入园率", "全省", "份文件")),
    Case(Q2, "quote", "text", pasted=pasted(Q2), not_terms=("乡村", "荣誉")),
    Case(Q3, "quote", "text", pasted=pasted(Q3), not_terms=("寄宿制", "玉树")),
    Case(Q4, "quote", "text", pasted=pasted(Q4), not_terms=("校外", "登记", "哪篇")),
    Case(Q5, "quote", "name", pasted=pasted(Q5), not_terms=("大计",)),
    Case(Q6, "quote", "text", pasted=pasted(Q6), not_terms=("城乡", "经费")),
    Case(Q7, "quote", "text", places=("四川",), pasted=pasted(Q7), not_terms=("专项", "凉山")),
    # similar
    Case(S1, "similar", "list", pasted=pasted(S1), not_terms=("学前", "农村")),
    Case(S2, "similar", "list", pasted=pasted(S2), not_terms=("任教", "奖励")),
    Case(S3, "similar", "list", pasted=pasted(S3), not_terms=("县域", "示范校", "相近")),
    Case(S4, "similar", "list", pasted=pasted(S4), not_terms=("减负", "清单", "差不多")),
    Case(S5, "similar", "list", pasted=pasted(S5), not_terms=("免费", "学前教育")),
    Case(S6, "similar", "list", pasted=pasted(S6), not_terms=("县域", "振兴")),
    # definition
    Case("“县管校聘”是什么意思？", "definition", "text", terms=("县管", "校聘"), not_terms=("意思",)),
    Case("什么是“强师计划”？", "definition", "text", terms=("强师",)),
    Case("“三区三州”具体指哪些地区？", "definition", "list", terms=("三州",)),
    Case("政府工作报告中的“新质生产力”指什么？", "definition", "text", terms=("生产力",)),
    Case("“双减”政策的内涵是什么？", "definition", "text", terms=("双减",)),
    Case("“优质均衡”在文件中是如何定义的？", "definition", "text", terms=("优质", "均衡"), not_terms=("中是",),
         wrong={"terms": "jieba's 中是 (of 文件中是) is kept as a term"}),
    Case("“银龄讲学计划”是什么计划？", "definition", "text", terms=("银龄", "讲学")),
)


def _params() -> Iterator[object]:
    for number, case in enumerate(CASES, 1):
        for name in FIELDS:
            marks = [pytest.mark.xfail(strict=True, reason=case.wrong[name])] if name in case.wrong else []
            yield pytest.param(case, name, id=f"q{number:03d}-{name}", marks=marks)


@pytest.mark.parametrize(("case", "name"), list(_params()))
def test_question_field(case: Case, name: str) -> None:
    asked = analyze(case.text)
    if name == "terms":
        words = {t.word for t in asked.terms}
        assert set(case.terms) <= words, f"missing terms in {sorted(words)}"
        assert not words & {*case.not_terms, *FRAMING}, f"unwanted terms in {sorted(words)}"
    else:
        value = getattr(asked, name)
        assert (value.value if isinstance(value, Intent | AnswerType) else value) == getattr(case, name)


def test_table_covers_every_intent_answer_type_and_unit() -> None:
    intents = Counter(c.intent for c in CASES)
    assert len(CASES) >= 90
    assert all(intents[i.value] >= 6 for i in Intent), intents
    assert {c.answer_type for c in CASES} == {t.value for t in AnswerType}
    assert {u for c in CASES for u in c.units} == {family for family, _, _ in language.UNIT_FAMILIES}
    assert all(set(c.wrong) <= set(FIELDS) for c in CASES)
    assert len({c.text for c in CASES}) == len(CASES)


def test_analysis_is_pure() -> None:
    assert analyze(S3) == analyze(S3)
    bare = analyze(Q6)
    assert bare.terms == () and bare.places == () and bare.years == () and bare.units == ()


@pytest.mark.parametrize(
    ("word", "short"),
    [
        ("青海省", "青海"),
        ("海西州", "海西"),
        ("北京市", "北京"),
        ("吉林市", "吉林"),
        ("南山区", "南山"),
        ("长沙县", "长沙"),
        ("沙县", "沙县"),
        ("四川", "四川"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("香港特别行政区", "香港"),
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"),
        ("延边朝鲜族自治州", "延边"),
        ("凉山彝族自治州", "凉山"),
        ("恩施土家族苗族自治州", "恩施"),
        ("海西蒙古族藏族自治州", "海西"),
        ("黔东南苗族侗族自治州", "黔东南"),
        ("浦东新区", "浦东"),
    ],
)
def test_short_place(word: str, short: str) -> None:
    assert short_place(word) == short


@pytest.mark.parametrize(
    ("title", "places"),
    [
        ("四川省人民政府办公厅关于进一步加强乡村教师队伍建设的实施意见", ("四川",)),
        ("青海省教育厅关于印发《海西州职业教育提质培优行动计划》的通知", ("青海", "海西")),
        ("宁夏回族自治区人民政府办公厅关于推进“互联网+教育”示范区建设的意见", ("宁夏",)),
        ("广西壮族自治区教育厅 财政厅关于做好学前教育资助工作的通知", ("广西",)),
        ("延边朝鲜族自治州教育局", ("延边",)),
        ("成都市人民政府", ("成都",)),
        ("深圳市南山区教育局2023年工作总结", ("深圳", "南山")),
        ("教育部关于做好2024年普通高校招生工作的通知", ()),
        ("中共中央办公厅 国务院办公厅印发《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》", ()),
        ("某市教育局关于做好城镇和农村学校布局调整的通知", ()),
    ],
)
def test_places_in(title: str, places: tuple[str, ...]) -> None:
    assert places_in(title) == places


def test_known_places_count_where_jieba_tags_none() -> None:
    text = "云溪如何推进学区制改革？"
    assert analyze(text).places == ()
    known = analyze(text, known_places=("云溪",))
    assert known.places == ("云溪",)
    assert "云溪" not in {t.word for t in known.terms}


SUBSIDY = "乡村教师生活补助标准是多少元？"  # terms, in order: 乡村 教师 生活 补助


def weights(table: Mapping[str, float]) -> Callable[[str], float]:
    """A term weight: `table`'s, else 1."""
    return lambda word: table.get(word, 1.0)


def words(terms: tuple[Term, ...]) -> tuple[str, ...]:
    return tuple(t.word for t in terms)


def test_terms_weigh_as_the_weight_function_says() -> None:
    assert analyze(SUBSIDY).terms == tuple(Term(w, 1.0) for w in ("乡村", "教师", "生活", "补助"))
    weighed = analyze(SUBSIDY, weight=weights({"补助": 6.0, "乡村": 2.0}))
    assert weighed.terms == (Term("乡村", 2.0), Term("教师", 1.0), Term("生活", 1.0), Term("补助", 6.0))


def test_specific_keeps_the_heaviest_terms_holding_the_share() -> None:
    asked = analyze(SUBSIDY, weight=weights({"补助": 6.0, "乡村": 2.0}))  # 10 in all
    assert words(asked.specific()) == ("补助",)  # 6 of 10 is half already
    assert words(asked.specific(0.8)) == ("补助", "乡村")
    assert words(asked.specific(1.0)) == ("补助", "乡村", "教师", "生活")
    even = analyze(SUBSIDY)
    assert words(even.specific()) == ("乡村", "教师")  # equal weights: the first ones, in question order
    assert analyze(Q6).specific() == ()


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("浙江和四川的高中阶段教育普及目标分别是多少？", ("浙江", "四川")),
        ("2023年和2024年浙江和四川的招生计划分别是多少？", ("浙江", "四川")),  # places before years
        ("2015年的意见与四川省2016年的实施意见相比有哪些不同？", ("2015", "2016")),  # one place: the years
        ("2022年、2023年两年分别招收了多少名公费师范生？", ("2022", "2023")),
        ("青海省如何推进教育对口支援工作？", ()),
        ("教育部和财政部的两份通知在资助标准上有什么区别？", ()),
    ],
)
def test_groups(text: str, groups: tuple[str, ...]) -> None:
    assert analyze(text).groups == groups
