"""Cleaning rules on small synthetic texts: chrome goes, PDF damage is mended, words stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C, documents_of

from rag.ingest import RawText, understand
from rag.ingest.clean import clean, clean_text

pytestmark = pytest.mark.fast


def _digits(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?%?", text)


def test_web_page_chrome_and_counters_are_removed() -> None:
    raw = "\n".join(
        [
            "某市教育局欢迎您！",
            "设为首页  |  加入收藏  |  无障碍浏览",
            "站内搜索：",
            "当前位置：首页>>教育新闻>>正文",
            "某市持续推进教育高质量发展",
            "某市教育网 2023-11-02 09:15 阅读量：5120",
            PARAGRAPH_A,
            PARAGRAPH_B,
            "来源：某市教育局 责任编辑：张三 我要投稿",
            "上一条：某区召开会议 下一条：某县开展培训",
            "微信扫一扫在手机阅读、分享本文",
            "版权所有 © 某市教育局 京ICP备000000号",
            "关闭",
        ]
    )
    cleaned = clean(raw)
    # Metadata lines (a dated byline, "来源：…") are left for the structure stage, which
    # turns them into metadata; the view counter and all chrome go, each with its rule.
    assert cleaned.text.split("\n") == ["某市持续推进教育高质量发展", "某市教育网 2023-11-02 09:15", PARAGRAPH_A, PARAGRAPH_B, "来源：某市教育局 责任编辑：张三 我要投稿"]
    rules = {r.text: r.rule for r in cleaned.removed}
    assert rules["阅读量：5120"] == "view counter"
    assert rules["设为首页  |  加入收藏  |  无障碍浏览"].startswith("page chrome")
    assert rules["上一条：某区召开会议 下一条：某县开展培训"] == "page footer"
    assert [r.line for r in cleaned.removed] == sorted(r.line for r in cleaned.removed)
    [document] = documents_of(raw)
    assert document.text == "\n".join(["某市持续推进教育高质量发展", PARAGRAPH_A, PARAGRAPH_B])
    assert (document.date, document.meta["source"]) == ("2023-11-02", "某市教育局")


def test_footer_after_the_body_is_cut_including_related_article_lists() -> None:
    related = "  • 某县召开职业教育大会\n    某县教育局04-08\n    为贯彻落实全市职业教育大会精神，近日，某县召开会议，部署全年重点工作任务..."
    raw = f"某市职业教育发展\n\n{PARAGRAPH_C}\n\n相关阅读\n{related}\n\n版权与免责声明：\n① 凡本网注明的作品，版权均属于本网。"
    assert clean_text(raw) == f"某市职业教育发展\n\n{PARAGRAPH_C}"


def test_footer_words_before_the_body_do_not_cut_the_document() -> None:
    raw = f"上一篇：某市召开会议\n某市教育工作报告\n{PARAGRAPH_A}\n{PARAGRAPH_B}"
    cleaned = clean_text(raw)
    assert PARAGRAPH_A in cleaned and PARAGRAPH_B in cleaned


def test_trailing_labels_after_the_last_paragraph_are_dropped() -> None:
    raw = f"某市教育工作报告\n\n{PARAGRAPH_A}\n\n某某网终极页\n\n2023云展会300*245\n\n0\n\n0"
    report = understand(RawText(Path("t.txt"), raw), "t")
    [document] = report.documents
    assert document.text == f"某市教育工作报告\n\n{PARAGRAPH_A}"
    rules = {r.text: r.rule for r in report.removed}
    assert rules["某某网终极页"] == rules["2023云展会300*245"] == "label after the last paragraph (page leftover)"
    assert rules["0"] == "page number"


def test_stray_spaces_inside_chinese_prose_are_removed_but_headline_spaces_kept() -> None:
    damaged = "近年来，市教育局将职业教育改革发展作为深化教育综 合改革的重要环节，不断扩大办学规模，提升 办学层次，增加学位供给3. 6万个，完成 年度任务104%，12 人获评名师。"
    headline = "扩优提质 扎实推进基础教育高质量发展"
    cleaned = clean_text(f"{headline}\n{damaged}")
    assert cleaned == (
        f"{headline}\n近年来，市教育局将职业教育改革发展作为深化教育综合改革的重要环节，不断扩大办学规模，"
        "提升办学层次，增加学位供给3.6万个，完成年度任务104%，12人获评名师。"
    )


def test_page_numbers_glued_to_page_starts_are_removed_and_pages_joined() -> None:
    pages = [
        "1、在推进会上的汇报发言近年来，市教育局将职业教育作为深化综合改革的突破口，全市*高级师范学校、*交通职业中等",
        "2、专业学校7所学校的31个专业获批举办五年制高等职业教育，实现了贯通培养的又一次突破，打破中职学生成长",
        "3、“天花板”。全市组建职业教育集团5个，校企合作企业达到300余家，订单培养学生4100人。",
    ]
    cleaned = clean_text("\n".join(pages))
    assert cleaned == (
        "在推进会上的汇报发言近年来，市教育局将职业教育作为深化综合改革的突破口，全市*高级师范学校、*交通职业中等"
        "专业学校7所学校的31个专业获批举办五年制高等职业教育，实现了贯通培养的又一次突破，打破中职学生成长"
        "“天花板”。全市组建职业教育集团5个，校企合作企业达到300余家，订单培养学生4100人。"
    )


def test_real_numbered_lists_keep_their_numbers() -> None:
    items = [
        "1、全市新增公办学位1.2万个，改扩建中小学校37所，义务教育巩固率达到99.6%。",
        "2、累计培训骨干教师4200人次，选派218名城镇教师赴乡村学校支教。",
        "3、新增智能制造、康养护理等12个专业，建成市域产教联合体2个。",
    ]
    assert clean_text("\n".join(items)) == "\n".join(items)


def test_line_broken_mid_sentence_is_joined_but_headings_stay_on_their_own_line() -> None:
    raw = "\n".join(
        [
            "一、厚植根基向“优”而行",
            "我市不断强化教师待遇保障，确保义务教育教师工资不低于当地公务员工资标准，并将教师培训经费纳入",
            "财政预算。",
            "同时，职业教育精准对接产业需求。来自某县的学生",
            "目前是一名民用直升机飞行员。",
            "二、全域发展提质增效",
            PARAGRAPH_A,
        ]
    )
    assert clean_text(raw).split("\n") == [
        "一、厚植根基向“优”而行",
        "我市不断强化教师待遇保障，确保义务教育教师工资不低于当地公务员工资标准，并将教师培训经费纳入财政预算。",
        "同时，职业教育精准对接产业需求。来自某县的学生目前是一名民用直升机飞行员。",
        "二、全域发展提质增效",
        PARAGRAPH_A,
    ]


def test_hard_wrapped_pdf_lines_are_rejoined_into_paragraphs() -> None:
    paragraph = PARAGRAPH_A + PARAGRAPH_B + PARAGRAPH_C
    wrapped = [paragraph[i : i + 30] for i in range(0, len(paragraph), 30)]
    raw = "\n".join(["某市教育工作报告", *wrapped, "", "二、职业教育", PARAGRAPH_A])
    assert clean_text(raw).split("\n") == ["某市教育工作报告", paragraph, "", "二、职业教育", PARAGRAPH_A]


def test_cleaning_keeps_every_number_and_masked_name() -> None:
    raw = "\n".join(["某市教育工作报告", PARAGRAPH_A, "依托*学院成立*扒鸡食品产业学院，*县职业中专与企业共建实训基地12个，投入资金3.6亿元。", PARAGRAPH_C])
    cleaned = clean_text(raw)
    assert _digits(cleaned) == _digits(raw)
    assert cleaned.count("*") == raw.count("*")


def test_blank_lines_and_whitespace_are_normalised() -> None:
    raw = f"\ufeff某市教育工作报告\r\n\r\n\r\n\r\n\u3000\u3000{PARAGRAPH_A}  \r\n\t{PARAGRAPH_B}"
    assert clean_text(raw) == f"某市教育工作报告\n\n{PARAGRAPH_A}\n{PARAGRAPH_B}"


def test_sentences_that_mention_chrome_words_are_content_not_chrome() -> None:
    kept = [
        "学校为残疾学生建设无障碍设施，企业提供技术支持。",
        "相关新闻报道显示，全市中小学课后服务参与率达到97.6%，家长满意度持续提升，社会反响良好。",
        "全市教育公众号文章阅读量100万次，点击数3200次，访问量逐年增长，覆盖师生家长。",
    ]
    raw = "\n".join(["某市教育工作报告", PARAGRAPH_A, *kept, PARAGRAPH_B])
    assert clean_text(raw).split("\n") == ["某市教育工作报告", PARAGRAPH_A, *kept, PARAGRAPH_B]


def test_a_closing_signature_is_kept() -> None:
    raw = f"某市教育工作报告\n\n{PARAGRAPH_A}\n\n某市教育局\n2024年1月5日\n\n打印本页 关闭窗口"
    assert clean_text(raw) == f"某市教育工作报告\n\n{PARAGRAPH_A}\n\n某市教育局\n2024年1月5日"
    [document] = documents_of(raw)
    assert document.text == f"某市教育工作报告\n\n{PARAGRAPH_A}\n\n某市教育局\n2024年1月5日"
    assert (document.issuer, document.date) == ("某市教育局", "2024-01-05")


def test_a_footer_label_between_two_saved_pages_does_not_drop_the_second_page() -> None:
    second_page = "\n".join([PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C] * 3)
    raw = f"某市教育工作报告\n{PARAGRAPH_A}\n上一篇：某县召开教育大会\n某县职业教育发展报告\n{second_page}\n相关阅读\n某区开展教师培训"
    cleaned = clean_text(raw)
    assert cleaned == f"某市教育工作报告\n{PARAGRAPH_A}\n某县职业教育发展报告\n{second_page}"


def test_table_rows_stay_one_line_each() -> None:
    """Rows of cells (as DOCX and HTML tables are read) end without a full stop, like wrapped
    prose, yet each is a line of its own: a figure is read with its row."""
    rows = ["序号｜学校名称｜专业名称｜有效期截止时间", "1｜北京师范大学｜汉语言文学｜2025年7月", "2｜华东师范大学｜汉语言文学｜2025年7月"]
    text = clean_text("\n".join(["2022年通过师范类专业认证的专业名单", "第三级认证", *rows, "第二级认证"]))
    assert all(f"\n{row}\n" in text for row in rows)
