"""Splitting files into logical documents and finding headings, on synthetic files of each shape."""

from __future__ import annotations

from conftest import PARAGRAPH_A, PARAGRAPH_B, PARAGRAPH_C

from rag.cleaning import clean_text
from rag.documents import find_headings, split_documents


def _split(raw: str) -> list:
    return split_documents(clean_text(raw), source="x.txt", base_id="x", fallback_title="x")


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
            PARAGRAPH_A,
            "某县教师队伍建设综述",
            "（2025年9月1日）",
            PARAGRAPH_B,
            "匠心筑梦",
            "某州职业教育改革综述",
            "(2024年12月30日)",
            PARAGRAPH_C,
        ]
    )
    documents = _split(raw)
    assert [(d.doc_id, d.title, d.date) for d in documents] == [
        ("x/1", "某市基础教育发展综述", "2025-09-11"),
        ("x/2", "某县教师队伍建设综述", "2025-09-01"),
        ("x/3", "某州职业教育改革综述", "2024-12-30"),
    ]
    assert documents[0].text.startswith("春风化雨育新人\n某市基础教育发展综述")
    assert documents[0].text.endswith(PARAGRAPH_A)
    assert documents[2].text.startswith("匠心筑梦\n")
    assert not any("未收录" in d.text or "综述1" in d.text for d in documents)


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
            PARAGRAPH_C,
        ]
    )
    documents = _split(raw)
    assert [d.title for d in documents] == ["某市教育委员会：推动形成新质生产力", "某省教育厅：扩优提质 推进基础教育发展"]
    assert PARAGRAPH_B in documents[0].text and PARAGRAPH_C not in documents[0].text
    assert documents[1].text.startswith("扩优提质 推进基础教育发展\n\n某省教育厅\n\n")


def test_plain_article_title_is_the_headline_not_the_site_name() -> None:
    raw = "\n\n".join(["某某教育网", "图书馆 体育培训", "某市多举措推动职业教育发展", "某某教育网 2022-03-25 13:23 围观2908次", PARAGRAPH_A, PARAGRAPH_C])
    [document] = _split(raw)
    assert document.title == "某市多举措推动职业教育发展"
    assert document.date == "2022-03-25"
    assert document.doc_id == "x"
    assert document.text.startswith("某市多举措推动职业教育发展")
    assert "某某教育网" not in document.text


def test_article_without_headline_falls_back_to_the_file_name() -> None:
    [document] = split_documents(PARAGRAPH_A, source="a.txt", base_id="a", fallback_title="年度报告")
    assert document.title == "年度报告"
    assert document.date is None


def test_numbered_parts_glued_into_one_text_become_separate_documents() -> None:
    raw = (
        "在某推进会上的汇报发言尊敬的各位领导,同志们:" + PARAGRAPH_A + "谢谢!第二篇尊敬的各位领导,同志们:" + PARAGRAPH_B
        + "谢谢!第三篇近年来,我县以“*”为载体,深化“红烛育人”,厚植“美的教育”。" + PARAGRAPH_C
    )
    documents = _split(raw)
    assert [d.title for d in documents] == [
        "在某推进会上的汇报发言",
        "第二篇：该市持续推进教师队伍建设",
        "第三篇：近年来,我县以“*”为载体,深化“红烛育人”",
    ]
    assert documents[1].text.startswith("第二篇尊敬的各位领导")
    assert PARAGRAPH_C in documents[2].text


def test_standalone_headings_form_a_path_and_consecutive_heading_lines_merge() -> None:
    text = "\n".join(
        ["某市教育工作综述", PARAGRAPH_A, "一、党建领航", PARAGRAPH_B, "（一）强师铸魂", "激活教师队伍“源动力”", PARAGRAPH_C, "二、扩优提质", PARAGRAPH_A]
    )
    [document] = split_documents(text, source="x.txt", base_id="x", fallback_title="x")
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


def test_enumerated_lead_sentences_are_headings_even_alone() -> None:
    text = "\n\n".join(["某市教育工作", PARAGRAPH_A, "第一,聚焦形成合奏,有组织地构建全学段人才培养体系。" + PARAGRAPH_B])
    assert [(h.level, h.title) for h in find_headings(text)] == [(3, "第一,聚焦形成合奏,有组织地构建全学段人才培养体系")]
