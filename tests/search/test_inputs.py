"""Every input of search, similar and quote is checked in one place (rag/queries.py), with a
one-line reason naming the field; results never exceed k."""

from __future__ import annotations

import pytest
from conftest import load_benchmark

from rag.engine import Engine
from rag.search.queries import MAX_K, QueryError

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("text", [5, 1.5, ["教师"], {"q": "教师"}, None, True])
def test_text_that_is_not_a_string_is_refused_naming_the_field(fake_engine: Engine, text: object) -> None:
    for call, field in ((fake_engine.search, "query"), (fake_engine.similar, "passage"), (fake_engine.locate, "text")):
        with pytest.raises(QueryError, match=rf"^{field}: must be text, got "):
            call(text)  # type: ignore[arg-type]


def test_lone_surrogates_are_dropped_before_searching(fake_engine: Engine) -> None:
    assert fake_engine.search("骨干教师\ud800培训", k=3) == fake_engine.search("骨干教师培训", k=3)
    with pytest.raises(QueryError, match="^query: is empty"):
        fake_engine.search("\udc00 \ud800")


@pytest.mark.parametrize("k", [0, -1, 10**9, MAX_K + 1, "abc", None, [3], 2.5, True])
def test_k_outside_one_to_the_limit_or_not_a_number_is_refused(fake_engine: Engine, k: object) -> None:
    for call in (fake_engine.search, fake_engine.similar, fake_engine.locate):
        with pytest.raises(QueryError, match=rf"^k: must be a whole number from 1 to {MAX_K}, got "):
            call("骨干教师培训", k=k)  # type: ignore[arg-type]


def test_results_never_exceed_k(fake_engine: Engine) -> None:
    assert len(fake_engine.search("教师", k=2)) <= 2
    assert len(fake_engine.similar("每年培训骨干教师", k=1)) <= 1
    assert len(fake_engine.locate("教师", k=1)) <= 1
    assert fake_engine.search("教师", k=3.0)  # a slider's value


@pytest.mark.parametrize("doc_ids", ["beichuan", 7, True, [["beichuan"]], [1]])
def test_doc_ids_must_be_a_list_of_ids(fake_engine: Engine, doc_ids: object) -> None:
    with pytest.raises(QueryError, match="^doc_ids: must be a list of document ids, got "):
        fake_engine.search("教师", doc_ids=doc_ids)  # type: ignore[arg-type]


def test_answer_downloads_are_written_in_the_data_directory_and_old_ones_removed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    from ui.cache import CACHE_CLEANUP, markdown_file

    folder = tmp_path / "data" / ".gradio" / "answers"
    first = markdown_file("# 答案一", folder)
    old = time.time() - CACHE_CLEANUP[1] - 10
    os.utime(first, (old, old))
    second = markdown_file("# 答案二", folder)
    assert second.startswith(str(folder)) and markdown_file("# 答案二", folder) == second
    assert sorted(p.name for p in folder.iterdir()) == [os.path.basename(second)]


@pytest.fixture(scope="module")
def hostile():  # type: ignore[no-untyped-def]
    """The hostile-input benchmark, for its generated bombs."""
    return load_benchmark("hostile")


def test_a_docx_bomb_is_refused_before_parsing_with_the_reason(tmp_path, hostile) -> None:  # type: ignore[no-untyped-def]
    import resource

    from rag.ingest import LoadError, extract_text

    bomb = hostile.docx_bomb(tmp_path / "bomb.docx", 64)
    assert bomb.stat().st_size < 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LoadError, match=r"refused: word/document.xml in the archive is packed [\d,]+x"):
        extract_text(bomb, bomb.read_bytes())
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: nothing was unpacked


def test_a_pdf_stream_bomb_is_refused_with_the_reason(tmp_path, hostile) -> None:  # type: ignore[no-untyped-def]
    from rag.ingest import LoadError, extract_text

    bomb = hostile.pdf_bomb(tmp_path / "bomb.pdf", 200)
    assert bomb.stat().st_size < 2**20
    with pytest.raises(LoadError, match=r"refused: a compressed stream in the PDF decodes to more than \d+ MB"):
        extract_text(bomb, bomb.read_bytes())


def test_a_pdf_of_many_streams_each_under_the_bound_is_refused_by_their_sum(tmp_path, hostile, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rag.ingest import LoadError, extract_text
    from rag.ingest.formats import pdf

    monkeypatch.setattr(pdf, "PDF_MAX_DECODED", 4 * 2**20)  # the same check, on small files
    many = hostile.pdf_bomb(tmp_path / "many.pdf", 2, pages=3)
    with pytest.raises(LoadError, match=r"refused: the PDF's page contents decode to more than 4 MB"):
        extract_text(many, many.read_bytes())
    one = hostile.pdf_bomb(tmp_path / "one.pdf", 2, pages=1)  # within the bound: its text is read
    assert extract_text(one, one.read_bytes()).text.strip() == "x"
