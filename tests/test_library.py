"""Changing the library through the engine: uploads, refusals, deletion, rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_fresh_engine

from rag.engine import index_corpus
from rag.indexing import open_index
from rag.library import EXCLUDED, UploadError, safe_name

NEW_REPORT = """临川镇教育工作报告
2025-04-10
一、研学实践
临川镇建成镇级研学实践基地3处，每学期组织全镇中小学生开展农耕体验和劳动教育课程不少于8课时。
二、家校共育
全镇中小学成立家长学校12所，每学期至少举办两次家庭教育讲座，家长参与率达到95%以上。
"""


@pytest.fixture()
def engine(settings, embedder):  # type: ignore[no-untyped-def]
    return open_fresh_engine(settings, embedder)


def _upload(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_upload_is_searchable_at_once_and_only_it_is_embedded(engine, tmp_path: Path) -> None:
    before = len(engine.documents)
    seen: list[tuple[float, str]] = []
    change = engine.add_files(
        [_upload(tmp_path / "incoming", "linchuan.txt", NEW_REPORT)], progress=lambda f, s: seen.append((f, s))
    )
    assert change.added == (("linchuan.txt", ("临川镇教育工作报告",)),)
    assert change.rejected == ()
    assert change.report is not None and change.report.files_new == 1 and change.report.files_unchanged == 3
    assert len(engine.documents) == before + 1
    hits = engine.search("研学实践基地农耕体验", k=3)
    assert hits[0].title == "临川镇教育工作报告"
    assert (engine.library.uploads_dir / "linchuan.txt").read_text(encoding="utf-8") == NEW_REPORT
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] < fractions[-1] <= 1


def test_refused_files_say_why_and_leave_nothing_behind(settings, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = open_fresh_engine(settings.with_overrides(upload_max_mb=1), embedder)
    incoming = tmp_path / "incoming"
    files = [
        _upload(incoming, "tool.exe", b"MZ\x90\x00"),
        _upload(incoming, "empty.txt", b""),
        _upload(incoming, "huge.txt", "很长的报告。".encode() * 200_000),
        _upload(incoming, "garbage.txt", bytes(range(256)) * 64),
        _upload(incoming, "linchuan.txt", NEW_REPORT),
    ]
    change = engine.add_files(files)
    reasons = dict(change.rejected)
    assert set(reasons) == {"tool.exe", "empty.txt", "huge.txt", "garbage.txt"}
    assert "unsupported file type '.exe'" in reasons["tool.exe"]
    assert "empty" in reasons["empty.txt"]
    assert "1 MB limit" in reasons["huge.txt"]
    assert reasons["garbage.txt"]  # the loader's reason, e.g. binary content
    assert [name for name, _ in change.added] == ["linchuan.txt"]
    assert sorted(p.name for p in engine.library.uploads_dir.iterdir()) == ["linchuan.txt"]


def test_same_content_twice_is_stored_and_indexed_once(engine, tmp_path: Path) -> None:
    first = _upload(tmp_path / "a", "linchuan.txt", NEW_REPORT)
    again = _upload(tmp_path / "b", "linchuan-copy.txt", NEW_REPORT)
    engine.add_files([first])
    chunks = len(engine.index.chunks)
    change = engine.add_files([again])
    assert change.added == () and change.report is None
    assert change.rejected == (("linchuan-copy.txt", "the same content is already in the library (linchuan.txt)"),)
    # In one upload too, and for a copy of a corpus file.
    corpus_copy = _upload(tmp_path / "c", "copy.md", (engine.settings.corpus[0] / "nanling.md").read_bytes())
    other = NEW_REPORT.replace("临川镇", "石门镇")
    change = engine.add_files([_upload(tmp_path / "d", "x.txt", other), _upload(tmp_path / "e", "y.txt", other), corpus_copy])
    assert [name for name, _ in change.added] == ["x.txt"]
    assert dict(change.rejected) == {
        "y.txt": "the same content is already in the library (x.txt)",
        "copy.md": "the same content is already in the library (nanling.md)",
    }
    assert len(engine.index.chunks) > chunks
    assert sorted(p.name for p in engine.library.uploads_dir.iterdir()) == ["linchuan.txt", "x.txt"]
    texts = [d.text for d in engine.documents]
    assert len(texts) == len(set(texts)), "no document is indexed twice"


def test_too_many_files_in_one_upload_is_refused(settings, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = open_fresh_engine(settings.with_overrides(upload_max_files=2), embedder)
    files = [_upload(tmp_path, f"r{i}.txt", NEW_REPORT + str(i)) for i in range(3)]
    with pytest.raises(UploadError, match="limit is 2"):
        engine.add_files(files)


def test_deleting_an_upload_removes_its_file(engine, tmp_path: Path) -> None:
    engine.add_files([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    doc = next(d for d in engine.documents if d.title == "临川镇教育工作报告")
    change = engine.remove_document(doc.doc_id)
    assert change.removed == ("临川镇教育工作报告",)
    assert doc.doc_id not in {d.doc_id for d in engine.documents}
    assert not (engine.library.uploads_dir / "linchuan.txt").exists()
    assert all(h.doc_id != doc.doc_id for h in engine.search("研学实践基地农耕体验", k=5))


def test_deleting_a_corpus_document_excludes_its_file_without_touching_it(engine) -> None:
    doc = next(d for d in engine.documents if d.doc_id == "beichuan")
    engine.remove_document(doc.doc_id)
    assert Path(doc.source).exists()
    assert (engine.settings.index_dir / EXCLUDED).exists()
    assert doc.doc_id not in {d.doc_id for d in engine.documents}
    # `rag index` (no paths) keeps honouring the deletion; a rebuild too.
    index_corpus(engine.settings)
    assert doc.doc_id not in open_index(engine.settings.index_dir).documents
    engine.rebuild()
    assert doc.doc_id not in {d.doc_id for d in engine.documents}
    with pytest.raises(KeyError):
        engine.remove_document(doc.doc_id)


def test_rebuild_keeps_uploads_and_reembeds_everything(engine, tmp_path: Path) -> None:
    engine.add_files([_upload(tmp_path, "linchuan.txt", NEW_REPORT)])
    titles = sorted(d.title for d in engine.documents)
    change = engine.rebuild()
    assert change.report is not None and change.report.texts_embedded > 0 and change.report.files_unchanged == 0
    assert sorted(d.title for d in engine.documents) == titles


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
