"""How ingest reads a file's structure: official-document elements, metadata, titles and
dates, heading trees, and when a file holds several documents. Small texts written here;
whole synthetic files of every format are in test_ingest_files.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, documents_of

from rag.ingest import RawText, understand
from rag.ingest.headings import find_headings
from rag.ingest.titles import issuer_of_title, kind_of

pytestmark = pytest.mark.fast


def test_compilation_gives_one_document_per_report_and_drops_the_table_of_contents() -> None:
    raw = "\n".join(
        [
            "一、基础教育",
            "1.某市基础教育发展综述1",
            "2.某县教师队伍建设综述5",
            "二、职业教育",
            "3.某州职业教育改革综述9",
            "4.某区未收录正文的综述12",
            "春风化雨育新人",
            "某市基础教育发展综述",
            "(2025年9月11日)",
            PARAGRAPH_A + PARAGRAPH_B,
            "某县教师队伍建设综述",
            "（2025年9月1日）",
            PARAGRAPH_B + PARAGRAPH_C,
            "匠心筑梦",
            "某州职业教育改革综述",
            "(2024年12月30日)",
            PARAGRAPH_C + PARAGRAPH_A,
        ]
    )
    report = understand(RawText(__import__("pathlib").Path("x.txt"), raw), "x")
    documents = report.documents
    assert [(d.doc_id, d.title, d.date) for d in documents] == [
        ("x/1", "某市基础教育发展综述", "2025-09-11"),
        ("x/2", "某县教师队伍建设综述", "2025-09-01"),
        ("x/3", "某州职业教育改革综述", "2024-12-30"),
    ]
    assert documents[0].text.startswith("春风化雨育新人\n某市基础教育发展综述")
    assert documents[2].text.startswith("匠心筑梦\n")
    assert not any("未收录" in d.text or "综述1" in d.text for d in documents)
    # The table of contents is in the ledger, and the split beat keeping the file whole.
    assert [r.name for r in report.readings] == ["compilation", "one document"]
    assert report.readings[0].score > report.readings[1].score
    assert "4.某区未收录正文的综述12" in [r.text for r in report.removed]


def test_speech_set_gives_one_document_per_speaker_organisation() -> None:
    raw = "\n\n".join(
        [
            "2024年某会议发言摘登",
            "某市教育委员会:推动形成新质生产力",
            "某省教育厅:扩优提质 推进基础教育发展",
            "推动形成新质生产力",
            "某市教育委员会",
            PARAGRAPH_A,
            PARAGRAPH_B,
            "扩优提质 推进基础教育发展",
            "某省教育厅",
            PARAGRAPH_C + PARAGRAPH_A,
        ]
    )
    documents = documents_of(raw)
    assert [d.title for d in documents] == ["某市教育委员会：推动形成新质生产力", "某省教育厅：扩优提质 推进基础教育发展"]
    assert PARAGRAPH_B in documents[0].text and PARAGRAPH_C not in documents[0].text
    assert documents[1].text.startswith("扩优提质 推进基础教育发展\n\n某省教育厅\n\n")
    assert not documents[1].headings or documents[1].headings[0].title != "扩优提质 推进基础教育发展"


def test_numbered_parts_glued_into_one_text_become_separate_documents() -> None:
    raw = (
        "在某推进会上的汇报发言尊敬的各位领导,同志们:" + PARAGRAPH_A + "谢谢!第二篇尊敬的各位领导,同志们:" + PARAGRAPH_B
        + "谢谢!第三篇近年来,我县以“*”为载体,深化“红烛育人”,厚植“美的教育”。" + PARAGRAPH_C
    )
    documents = documents_of(raw)
    assert [d.title for d in documents] == [
        "在某推进会上的汇报发言",
        "第二篇：该市持续推进教师队伍建设",
        "第三篇：近年来,我县以“*”为载体,深化“红烛育人”",
    ]
    assert documents[1].text.startswith("第二篇尊敬的各位领导")
    assert PARAGRAPH_C in documents[2].text


def test_a_report_with_dated_sections_and_a_heading_per_section_stays_one_document() -> None:
    """Two "title + date line" pairs inside one 公文 are not a compilation: its 发文字号 and
    signature frame one document, and the split scores lower."""
    raw = "\n".join(
        [
            "某省教育厅关于2025年工作情况的报告",
            "某教发〔2025〕9号",
            "省人民政府：",
            PARAGRAPH_A,
            "上半年工作",
            "(2025年6月30日)",
            PARAGRAPH_B + PARAGRAPH_A,
            "下半年工作",
            "(2025年12月31日)",
            PARAGRAPH_C + PARAGRAPH_B,
            "某省教育厅",
            "2026年1月5日",
        ]
    )
    report = understand(RawText(__import__("pathlib").Path("r.txt"), raw), "r")
    assert [r.name for r in report.readings] == ["one document", "compilation"]
    [document] = report.documents
    assert (document.title, document.date, document.doc_number, document.issuer, document.kind) == (
        "某省教育厅关于2025年工作情况的报告", "2026-01-05", "某教发〔2025〕9号", "某省教育厅", "报告",
    )


def test_gongwen_elements_are_found_and_stay_in_the_text() -> None:
    raw = "\n".join(
        [
            "某市教育局文件",
            "某教〔2026〕3号",
            "某市教育局关于做好2026年",
            "中小学招生工作的通知",
            "各县（市、区）教育局，局属各学校：",
            PARAGRAPH_A,
            "一、严格执行招生计划",
            PARAGRAPH_B,
            "附件：1.招生计划表",
            "2.报名流程图",
            "某市教育局",
            "2026年3月5日",
            "抄送：市人民政府办公室。",
            "某市教育局办公室 2026年3月6日印发",
        ]
    )
    [document] = documents_of(raw)
    assert document.title == "某市教育局关于做好2026年中小学招生工作的通知"
    assert (document.date, document.doc_number, document.issuer, document.kind) == ("2026-03-05", "某教〔2026〕3号", "某市教育局", "通知")
    kinds = {e.kind: document.text[e.start : e.end] for e in document.elements}
    assert kinds["issuer_mark"] == "某市教育局文件"
    assert kinds["doc_number"] == "某教〔2026〕3号"
    assert kinds["recipient"] == "各县（市、区）教育局，局属各学校："
    assert kinds["signature"] == "某市教育局" and kinds["date"] == "2026年3月5日"
    assert kinds["copy_to"].startswith("抄送") and kinds["printed"].endswith("印发")
    assert [e.kind for e in document.elements].count("attachment") == 2
    # Every line is still in the text; the attachment list is not a heading.
    for line in raw.split("\n")[1:]:
        assert line in document.text
    assert [h.title for h in document.headings] == ["一、严格执行招生计划"]


def test_page_metadata_and_dated_bylines_leave_the_text_for_the_metadata() -> None:
    raw = "\n".join(
        [
            "某市多举措推动职业教育发展",
            "来源：某市教育局 发布时间：2024-05-06 09:30 浏览次数：321",
            PARAGRAPH_A,
            PARAGRAPH_C,
            "（来源：某市日报）",
        ]
    )
    report = understand(RawText(__import__("pathlib").Path("p.txt"), raw), "p")
    [document] = report.documents
    assert document.title == "某市多举措推动职业教育发展"
    assert document.date == "2024-05-06"
    assert document.meta["published"] == "2024-05-06" and document.meta["source"] == "某市教育局"
    assert document.issuer == "某市教育局"  # the page's source is an organ
    assert "发布时间" not in document.text and "来源" not in document.text
    rules = {r.text: r.rule for r in report.removed}
    assert rules["（来源：某市日报）"] == "metadata: 来源"
    assert any(rule.startswith("metadata: 来源, 发布时间") for rule in rules.values())


def test_a_dated_byline_under_a_site_name_gives_the_publication_date() -> None:
    raw = "\n\n".join(["某某教育网", "图书馆 体育培训", "某市多举措推动职业教育发展", "某某教育网 2022-03-25 13:23 围观2908次", PARAGRAPH_A, PARAGRAPH_C])
    report = understand(RawText(__import__("pathlib").Path("x.txt"), raw), "x")
    [document] = report.documents
    assert (document.title, document.date, document.doc_id) == ("某市多举措推动职业教育发展", "2022-03-25", "x")
    assert document.text.startswith("某市多举措推动职业教育发展")
    assert "某某教育网" not in document.text and "2022-03-25" not in document.text
    assert {r.rule for r in report.removed} >= {"above the title (site name, menu or column label)", "view counter"}


def test_information_disclosure_table_is_metadata_and_its_wrapped_values_are_joined() -> None:
    raw = "\n".join(
        [
            "信息名称： 某省教育厅关于加强中小学课后服务的意见",
            "索引号： 000000-00-2025-0001 生成日期： 2025-06-10 发文机构： 某省教育",
            "厅",
            "发文字号： 某教规〔2025〕2号 信息类别： 基础教育",
            "内容概述： 某省教育厅就加强中小学课后服务提出意见，明确服务时间、内容和保障措施，",
            "要求各地认真贯彻落实。",
            "某省教育厅关于加强中小学课后服务的意见",
            "某教规〔2025〕2号",
            "各市教育局：",
            PARAGRAPH_A,
            "某省教育厅",
            "2025年6月3日",
        ]
    )
    [document] = documents_of(raw, "info.pdf")
    assert document.title == "某省教育厅关于加强中小学课后服务的意见"
    assert document.date == "2025-06-03"  # the 成文日期, not the 生成日期
    assert document.meta["published"] == "2025-06-10"
    assert document.meta["index_number"] == "000000-00-2025-0001"
    assert document.meta["summary"].endswith("要求各地认真贯彻落实。")
    assert document.doc_number == "某教规〔2025〕2号" and document.issuer == "某省教育厅"
    assert "信息名称" not in document.text and "内容概述" not in document.text
    assert document.text.startswith("某省教育厅关于加强中小学课后服务的意见\n某教规〔2025〕2号")


def test_legal_database_header_and_repeated_title_are_left_out() -> None:
    raw = "\n".join(
        [
            "      某法宝【法宝引证码】 CLI.12.000001",
            "原文链接：https://example.com/lar/abc.html",
            "      某省人民政府办公厅关于加强学校美育工作的实施意见      ",
            "",
            "某省人民政府办公厅关于加强学校美育工作的实施意见",
            "",
            "（某政办发〔2016〕41号）",
            "",
            "　　" + PARAGRAPH_A,
            "某省人民政府办公厅",
            "",
            "二〇一六年六月二十二日",
        ]
    )
    report = understand(RawText(__import__("pathlib").Path("db.txt"), raw), "db")
    [document] = report.documents
    assert (document.title, document.date, document.doc_number, document.kind) == (
        "某省人民政府办公厅关于加强学校美育工作的实施意见", "2016-06-22", "某政办发〔2016〕41号", "意见",
    )
    assert document.meta["citation_code"] == "CLI.12.000001" and document.meta["url"].startswith("https://")
    assert "法宝" not in document.text and "原文链接" not in document.text
    assert document.text.count("某省人民政府办公厅关于加强学校美育工作的实施意见") == 1
    assert "repeats the line before it" in {r.rule for r in report.removed}


def test_a_report_delivered_at_a_meeting_is_dated_by_that_day_not_the_page() -> None:
    raw = "\n".join(
        [
            "下载", "打印", "【字号：", "加大", "还原", "减小", "】",
            "2026年某省政府工作报告",
            "2026年1月14日在某省第十四届人民代表大会第四次会议上",
            "来源：某省日报",
            "时间：2026-01-22",
            "某省省长 王某某",
            "各位代表：",
            PARAGRAPH_A,
            "一、2025年工作回顾",
            PARAGRAPH_B,
        ]
    )
    [document] = documents_of(raw)
    assert (document.title, document.date, document.kind) == ("2026年某省政府工作报告", "2026-01-14", "报告")
    assert document.meta["published"] == "2026-01-22" and document.meta["speaker"] == "某省省长 王某某"
    assert document.issuer is None  # a speaker is not an issuing organ
    assert not any(word in document.text for word in ("下载", "字号", "来源", "还原"))
    kinds = [e.kind for e in document.elements]
    assert kinds == ["title", "subtitle", "speaker", "recipient"]


def test_news_dateline_at_the_end_dates_a_release() -> None:
    raw = "\n".join(["某办公厅印发《关于加强学校美育工作的意见》", PARAGRAPH_A, PARAGRAPH_B, "（新华社北京2020年10月15日电）"])
    [document] = documents_of(raw)
    assert document.date == "2020-10-15" and document.kind == "意见" and document.issuer == "某办公厅"
    assert document.text.endswith("（新华社北京2020年10月15日电）")


def test_article_without_headline_falls_back_to_the_file_name() -> None:
    [document] = documents_of(PARAGRAPH_A, "年度报告.txt")
    assert document.title == "年度报告"
    assert document.date is None


def test_kinds_and_issuers_from_titles() -> None:
    assert kind_of("某省人民政府办公厅关于全面加强学校美育工作的实施意见") == "意见"
    assert kind_of("某某印发《关于全面加强和改进新时代学校美育工作的意见》") == "意见"
    assert kind_of("李某作的政府工作报告（摘登）") == "报告"
    assert kind_of("某市教育局2026年工作要点") == "要点"
    assert kind_of("每周一学（2023年3月13日-3月19日）") is None
    assert issuer_of_title("中共某省委 某省人民政府关于实施乡村振兴战略的意见") == "中共某省委 某省人民政府"
    assert issuer_of_title("转发某省教育厅办公室关于做好案例征集工作的通知") == "某省教育厅办公室"
    assert issuer_of_title("关于开展2025年暑期教师研修工作的通知") is None


def test_heading_levels_nest_by_style_as_the_document_uses_them() -> None:
    text = "\n".join(
        [
            "某县实施方案",
            PARAGRAPH_A,
            "一、总体要求",
            PARAGRAPH_B,
            "(一)指导思想",
            "1.坚持公益普惠。" + PARAGRAPH_C,
            "（1）扩大资源供给。" + PARAGRAPH_A,
            "（二）基本原则。",
            PARAGRAPH_B,
            "二、主要任务",
            "（一）保障措施。" + PARAGRAPH_C,
            "一是加强组织领导，压实各方责任。" + PARAGRAPH_A,
        ]
    )
    [document] = documents_of(text)
    assert [(h.level, h.title) for h in document.headings] == [
        (1, "一、总体要求"),
        (2, "(一)指导思想"),
        (3, "1.坚持公益普惠"),
        (4, "（1）扩大资源供给"),
        (2, "（二）基本原则"),
        (1, "二、主要任务"),
        (2, "（一）保障措施"),
        (3, "一是加强组织领导，压实各方责任"),
    ]
    for heading in document.headings:
        assert document.text[heading.start : heading.end] == heading.title
    last = document.text.rindex(PARAGRAPH_A)
    assert document.heading_path(last) == ("二、主要任务", "（一）保障措施", "一是加强组织领导，压实各方责任")


def test_chapters_and_articles_of_regulations() -> None:
    text = "\n".join(
        [
            "某省学校安全管理办法",
            "第一章 总则",
            "第一条 为了加强学校安全管理，保障师生人身安全，根据有关法律法规，结合本省实际，制定本办法。",
            "第二条 本办法适用于本省行政区域内的中小学校和幼儿园，以及其他教育机构的安全管理工作。",
            "第二章 安全责任",
            "第三条 学校应当建立健全安全工作责任制，校长是学校安全工作的第一责任人，全面负责学校安全工作。",
        ]
    )
    [document] = documents_of(text)
    assert (document.kind, document.title) == ("办法", "某省学校安全管理办法")
    assert [(h.level, h.title) for h in document.headings] == [(1, "第一章 总则"), (1, "第二章 安全责任")]


def test_standalone_headings_form_a_path_and_consecutive_heading_lines_merge() -> None:
    text = "\n".join(
        ["某市教育工作综述", PARAGRAPH_A, "一、党建领航", PARAGRAPH_B, "（一）强师铸魂", "激活教师队伍“源动力”", PARAGRAPH_C, "二、扩优提质", PARAGRAPH_A]
    )
    [document] = documents_of(text)
    titles = [(h.level, h.title) for h in document.headings]
    assert titles == [(1, "一、党建领航"), (2, "（一）强师铸魂 激活教师队伍“源动力”"), (1, "二、扩优提质")]
    for heading in document.headings:
        assert document.text[heading.start : heading.end].replace("\n", " ") == heading.title
    assert document.heading_path(document.text.index(PARAGRAPH_C)) == ("一、党建领航", "（一）强师铸魂 激活教师队伍“源动力”")
    assert document.heading_path(document.text.rindex(PARAGRAPH_A)) == ("二、扩优提质",)
    assert document.heading_path(0) == ()


def test_lead_sentences_count_as_headings_only_when_the_document_uses_them_throughout() -> None:
    leads = ["聚焦思政建设,把牢教育发展“定盘星”", "聚焦基础建设,筑牢科技人才“成长梯”", "聚焦职业发展,打造产教融合“强引擎”"]
    paragraphs = [f"{lead}。{body}" for lead, body in zip(leads, (PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C))]
    text = "\n\n".join(["某州教育赋能科技人才发展", PARAGRAPH_A, *paragraphs])
    assert [h.title for h in find_headings(text)] == leads
    single = "\n\n".join(["某州教育工作", PARAGRAPH_A, paragraphs[0], PARAGRAPH_B])
    assert find_headings(single) == ()


def test_headlines_with_commas_are_headings_where_a_digest_uses_them_throughout() -> None:
    heads = ["一年来加大宏观调控力度，推动经济运行持续好转", "一年来依靠创新引领产业升级，增强发展新动能", "一年来深化改革扩大开放，持续改善营商环境"]
    text = "\n".join(["某报告摘登", *(f"{h}\n{p}" for h, p in zip(heads, (PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C)))])
    [document] = documents_of(text)
    assert [h.title for h in document.headings] == heads
    [lone] = documents_of("\n".join(["某报告摘登", heads[0], PARAGRAPH_A, PARAGRAPH_B]))
    assert lone.headings == ()


def test_enumerated_lead_sentences_are_headings_even_alone() -> None:
    text = "\n\n".join(["某市教育工作", PARAGRAPH_A, "第一,聚焦形成合奏,有组织地构建全学段人才培养体系。" + PARAGRAPH_B])
    assert [(h.level, h.title) for h in find_headings(text)] == [(1, "第一,聚焦形成合奏,有组织地构建全学段人才培养体系")]


def test_a_short_lined_notice_keeps_its_title_recipient_and_every_heading() -> None:
    """Lines of a similar length look hard-wrapped; a 标题 and a 主送机关 still stand alone, and
    short sentences ending in 。 are paragraphs, so the headings after them are no leftovers."""
    lines = [
        "临江市教育局文件",
        "临教〔2026〕4号",
        "临江市教育局关于做好2026年中小学实验室建设工作的通知",
        "各县（区）教育局：",
        "为提升实验教学质量，现就有关事项通知如下。",
        "一、建设目标",
        "到2026年底，全市中小学建成标准化实验室120间，投入资金8600万元。",
        "二、保障措施",
        "（一）加强组织领导",
        "各县（区）要成立工作专班，明确责任科室。",
        "（二）落实经费保障",
        "各县（区）要将实验室建设经费列入年度预算。",
        "临江市教育局",
        "2026年3月6日",
    ]
    report = understand(RawText(Path("notice.txt"), "\n".join(lines)), "notice")
    [document] = report.documents
    assert document.title == lines[2] and document.kind == "通知" and document.date == "2026-03-06"
    assert [h.title for h in document.headings] == ["一、建设目标", "二、保障措施", "（一）加强组织领导", "（二）落实经费保障"]
    assert "各县（区）教育局：" in document.text.splitlines()
    assert not report.removed


def test_a_letter_spaced_title_above_a_dash_subtitle_is_the_title_and_the_subtitle_dates_it() -> None:
    text = "\n".join(
        ["政 府 工 作 报 告", "——2019年3月4日在某区第十五届人民代表大会第三次会议上", "某区人民政府区长  王某某", "各位代表：", PARAGRAPH_A]
    )
    [document] = documents_of(text)
    assert document.title == "政府工作报告" and document.kind == "报告"
    assert document.date == "2019-03-04"
    assert "——2019年3月4日" in document.text  # the subtitle stays, as an element
    assert [e.kind for e in document.elements][:2] == ["title", "subtitle"]


def test_a_dash_subtitle_is_never_the_title_even_when_no_title_line_is_left() -> None:
    [document] = documents_of("\n".join(["—2017年2月11日在某区第十四届人民代表大会第六次会议上", "各位代表：", PARAGRAPH_A]), "gwr-2017.txt")
    assert document.title == "gwr-2017" and document.date == "2017-02-11"


def test_the_title_follows_an_attachment_label_and_may_wrap_under_its_organ() -> None:
    [document] = documents_of("\n".join(["大纲4", "某省人民政府外事办公室", "2022年招考外语类公务员考试大纲", "一、考试目的", PARAGRAPH_A]))
    assert document.title == "某省人民政府外事办公室2022年招考外语类公务员考试大纲" and document.kind == "大纲"
    assert "大纲4" in document.text  # the label stays in the text, as an element
    [document] = documents_of("\n".join(["附件2", "2022年通过师范类专业认证的专业名单", "序号｜学校名称｜专业名称", "1｜某师范大学｜汉语言文学"]))
    assert document.title == "2022年通过师范类专业认证的专业名单" and document.kind == "名单"


@pytest.mark.parametrize(
    ("closing", "date"),
    [("二〇二二年十二月", "2022-12"), ("二○一九年三月五日", "2019-03-05"), ("2021年3月", "2021-03"), ("二〇二二年十二月三十一日", "2022-12-31")],
)
def test_chinese_numeral_dates_at_any_precision_a_month_stays_a_month(closing: str, date: str) -> None:
    [document] = documents_of("\n".join(["某市教育局关于做好教师培训工作的通知", "各学校：", PARAGRAPH_A, "某市教育局", closing]))
    assert document.date == date


def test_a_law_is_dated_by_the_latest_step_of_its_history() -> None:
    text = "\n".join(
        [
            "某省义务教育条例",
            "1985年6月13日 某省第六届人民代表大会常务委员会第三次会议通过",
            "2009年11月27日 某省第十一届人民代表大会常务委员会第十四次会议修订根据2021年9月29日某省第十三届人民代表大会常务委员会第三十一次会议《关于修改〈某省科技条例〉等七件地方性法规的决定》第二次修正",
            "第一条 为了保障适龄儿童、少年接受义务教育的权利，根据有关法律，结合本省实际，制定本条例。",
        ]
    )
    [document] = documents_of(text)
    assert document.title == "某省义务教育条例" and document.date == "2021-09-29"


def test_markdown_front_matter_is_metadata_and_its_lines_go_to_the_ledger() -> None:
    from rag.ingest.formats import markdown_to_text

    markdown = "---\n标题: 某市交通委员会关于开展申报工作的通知\n文号: 某交科〔2023〕803号\n层级: 市级\n---\n\n本文由脚本提取。\n\n某市交通委员会\n关于开展申报工作的通知\n\n各区交通管理部门：\n" + PARAGRAPH_A
    raw = markdown_to_text(Path("notice.md"), markdown)
    assert raw.hints.meta["title"] == "某市交通委员会关于开展申报工作的通知" and "层级" not in raw.text
    assert [r.text for r in raw.removed] == ["标题: 某市交通委员会关于开展申报工作的通知", "文号: 某交科〔2023〕803号", "层级: 市级"]
    [document] = understand(raw, "notice").documents
    assert document.title == "某市交通委员会关于开展申报工作的通知" and document.doc_number == "某交科〔2023〕803号"
