"""Building, reopening and updating the index on disk. What is checked is bookkeeping (which
files are read and embedded, what is written, what survives a failure), not the vectors: the
fake embedder stands in for the model."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_CORPUS, listed_segments, run_rag
from fakes import FAKE_DIM, FAKE_MODEL, FakeEmbedder

import rag.index.build
from rag.engine import Engine
from rag.index import BadIndexError, build_index, current_version, open_index
from rag.index.segment import Segment
from rag.ingest import load_documents
from rag.settings import Settings
from rag.stores import tokenize

pytestmark = pytest.mark.fast


# What these tests check is bookkeeping, not vectors: `settings` and `embedder` here are the fake ones.
@pytest.fixture()
def settings(fake_settings: Settings) -> Settings:
    return fake_settings


@pytest.fixture()
def embedder(fake_embedder: FakeEmbedder) -> FakeEmbedder:
    return fake_embedder


class CountingEmbedder:
    """An embedder, recording every text it is asked to embed."""

    def __init__(self, inner: FakeEmbedder) -> None:
        self.inner = inner
        self.embedded: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str], progress: bool = False):  # type: ignore[no-untyped-def]
        self.embedded += texts
        return self.inner.embed_documents(texts)


def _engine(settings: Settings, embedder: FakeEmbedder) -> Engine:
    return Engine(open_index(settings.index_dir, model=FAKE_MODEL), embedder, settings)


def test_round_trip_keeps_documents_chunks_and_offsets(settings: Settings, embedder: FakeEmbedder) -> None:
    report = build_index(settings, embedder)
    assert (report.files_new, report.documents) == (3, 3)
    index = open_index(settings.index_dir, model=FAKE_MODEL)
    expected = {d.doc_id: d for d in load_documents(settings.corpus)}
    assert index.documents == expected
    assert len(index.chunks) == report.chunks == len(index.dense) == len(index.lexical) > 3
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    for sentence, row in zip(index.sentences, index.sentence_chunk, strict=True):
        chunk = index.chunks[row]
        assert chunk.doc_id == sentence.doc_id and chunk.start < sentence.end and sentence.start < chunk.end
    manifest = json.loads((current_version(settings.index_dir) / "manifest.json").read_text())  # type: ignore[operator]
    assert manifest["model"]["name"] == FAKE_MODEL and manifest["model"]["dim"] == FAKE_DIM
    assert manifest["chunking"]["size"] == settings.chunk_size
    assert {Path(s["source"]).name for s in manifest["sources"]} == {"beichuan.txt", "nanling.md", "donghai.txt"}
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
    hits = _engine(settings, embedder).search("毕业生本地就业率", k=3)
    assert "82%" in hits[0].text


def test_opening_with_another_model_says_how_to_rebuild(settings: Settings, embedder: FakeEmbedder) -> None:
    build_index(settings, embedder)
    with pytest.raises(BadIndexError, match=rf"built with model '{FAKE_MODEL}'.*rag index --rebuild"):
        open_index(settings.index_dir, model="BAAI/bge-small-zh")
    with pytest.raises(BadIndexError, match="rag index --rebuild"):
        Engine.open(settings=settings.with_overrides(model="BAAI/bge-small-zh"))


def test_missing_and_corrupted_indexes_are_clear_errors(settings: Settings, embedder: FakeEmbedder) -> None:
    with pytest.raises(BadIndexError, match="build one with: rag index"):
        open_index(settings.index_dir)
    build_index(settings, embedder)
    version = current_version(settings.index_dir)
    assert version is not None
    manifest_path = version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    pointer = (settings.index_dir / "CURRENT").read_text()
    # An index written by another version of the app: its manifest is intact (CURRENT
    # names it without a checksum, as older versions wrote it) but has another format.
    manifest_path.write_text(json.dumps({**manifest, "format_version": 999}))
    (settings.index_dir / "CURRENT").write_text(version.name + "\n")
    with pytest.raises(BadIndexError, match="format 999"):
        open_index(settings.index_dir)
    # The same edit under CURRENT's checksum is damage.
    (settings.index_dir / "CURRENT").write_text(pointer)
    with pytest.raises(BadIndexError, match="manifest.json is corrupted"):
        open_index(settings.index_dir)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    vectors = settings.index_dir / "segments" / manifest["sources"][0]["segment"] / "chunks.npy"
    vectors.write_bytes(vectors.read_bytes()[:100])
    with pytest.raises(BadIndexError, match="chunks.npy is missing or corrupted"):
        open_index(settings.index_dir)


def test_reindex_embeds_only_what_changed(settings: Settings, embedder: FakeEmbedder) -> None:
    build_index(settings, embedder)
    counting = CountingEmbedder(embedder)
    unchanged = build_index(settings, counting)  # type: ignore[arg-type]
    assert (unchanged.files_unchanged, unchanged.texts_embedded, counting.embedded) == (3, 0, [])

    corpus = settings.corpus[0]
    with open(corpus / "nanling.md", "a", encoding="utf-8") as handle:
        handle.write("\n南岭县还与邻省两所高职院校开展中高职贯通培养，首批招生120人。\n")
    (corpus / "donghai.txt").unlink()
    report = build_index(settings, counting)  # type: ignore[arg-type]
    assert (report.files_changed, report.files_unchanged, report.files_removed) == (1, 1, 1)
    # Only new text of the changed file went to the model: its new chunk(s) and sentence.
    assert report.texts_embedded == len(counting.embedded) > 0
    assert all(text.startswith("南岭县职业教育发展报告") for text in counting.embedded)
    assert len(counting.embedded) <= 3

    engine = _engine(settings, embedder)
    assert {d.doc_id for d in engine.documents} == {"beichuan", "nanling"}
    assert "120人" in engine.search("中高职贯通培养招生人数", k=1)[0].text

    rebuilt = build_index(settings, counting, rebuild=True)  # type: ignore[arg-type]
    assert rebuilt.texts_embedded == rebuilt.chunks + len(open_index(settings.index_dir).sentences)


def test_changed_chunking_settings_re_embed_everything(settings: Settings, embedder: FakeEmbedder) -> None:
    build_index(settings, embedder)
    changed = settings.with_overrides(chunk_size=60, chunk_overlap=10)
    counting = CountingEmbedder(embedder)
    report = build_index(changed, counting)  # type: ignore[arg-type]
    assert report.files_changed == 0
    # Every text the new index holds was embedded again: as many as a fresh build embeds.
    fresh = CountingEmbedder(embedder)
    from_scratch = build_index(changed.with_overrides(index_dir=settings.index_dir.parent / "fresh"), fresh)  # type: ignore[arg-type]
    assert report.texts_embedded == from_scratch.texts_embedded == len(counting.embedded) > 0
    assert sorted(counting.embedded) == sorted(fresh.embedded)


# A run fails after one of its steps: reading the files, embedding, writing the segments.
@pytest.mark.parametrize("stage", ["read_sources", "embed_segments", "write_segments"])
def test_failed_run_leaves_previous_index_searchable(
    settings: Settings, embedder: FakeEmbedder, stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(settings, embedder)
    before = current_version(settings.index_dir)
    with open(settings.corpus[0] / "beichuan.txt", "a", encoding="utf-8") as handle:
        handle.write("\n北川市将在2026年新建一所特殊教育学校。\n")

    step = getattr(rag.index.build, stage)

    def fail(*args: object, **kwargs: object) -> None:
        step(*args, **kwargs)
        raise RuntimeError(f"injected failure after {stage}")

    with monkeypatch.context() as patched, pytest.raises(RuntimeError, match="injected"):
        patched.setattr(rag.index.build, stage, fail)
        build_index(settings, embedder)
    assert current_version(settings.index_dir) == before
    assert not list(settings.index_dir.glob(".building-*"))
    engine = _engine(settings, embedder)
    assert "特殊教育" not in " ".join(c.text for c in engine.index.chunks)
    assert "72学时" in engine.search("教师培训学时", k=1)[0].text

    assert not list((settings.index_dir / "segments").glob(".tmp-*"))
    report = build_index(settings, embedder)  # the next run completes the work
    assert report.files_changed == 1
    # A segment written before the failure is complete: the next run takes it as it is.
    assert (report.texts_embedded == 0) == (stage == "write_segments")
    assert "特殊教育" in _engine(settings, embedder).search("特殊教育学校", k=1)[0].text


def test_an_index_of_the_format_before_segments_says_to_rebuild(settings: Settings, embedder: FakeEmbedder) -> None:
    """An index of the previous format (whole stores in each version folder, no segments)
    is refused with the rebuild command; `rag index` rebuilds it by itself."""
    build_index(settings, embedder)
    version = current_version(settings.index_dir)
    assert version is not None
    manifest = json.loads((version / "manifest.json").read_text())
    shutil.rmtree(settings.index_dir / "segments")
    (version / "manifest.json").write_text(json.dumps({**manifest, "format_version": 2}))
    (version / "dense.faiss").write_bytes(b"\0" * 64)  # what format 2 kept beside its manifest
    (settings.index_dir / "CURRENT").write_text(version.name + "\n")  # as format 2 wrote it
    refused = run_rag(settings, "search", "教师培训")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"rag: error: index in {settings.index_dir} has format 2, this version reads format 3; rebuild it with: rag index --rebuild"
    ]
    report = build_index(settings, embedder)
    assert report.files_new == len(SMALL_CORPUS) and report.files_unchanged == 0
    assert open_index(settings.index_dir).manifest.format_version == 3


# --------------------------------------------------------------------------------------
# Segments: a change writes only what changed
# --------------------------------------------------------------------------------------

NEW_FILE = "西岭县教育简报\n2025-07-01\n西岭县建成乡村少年宫26所，每周开设书法、围棋和合唱课程，服务留守儿童四千余人。\n"


def _files(index_dir: Path) -> dict[Path, tuple[int, int, int]]:
    """Inode, size and mtime of every file of the index."""
    return {f: (s.st_ino, s.st_size, s.st_mtime_ns) for f in index_dir.rglob("*") if f.is_file() for s in [f.stat()]}


def _age(folder: Path, seconds: int = 3600) -> None:
    """Date the files back: a file changed during a run is read again by the next one."""
    for f in folder.iterdir():
        past = f.stat().st_mtime_ns - seconds * 10**9
        os.utime(f, ns=(past, past))


def test_adding_a_file_writes_its_segment_and_a_manifest_only(settings: Settings, embedder: FakeEmbedder) -> None:
    build_index(settings, embedder)
    segments = settings.index_dir / "segments"
    before = _files(settings.index_dir)
    (settings.corpus[0] / "xiling.txt").write_text(NEW_FILE, encoding="utf-8")
    report = build_index(settings, embedder)
    assert (report.files_new, report.files_unchanged) == (1, 3)
    after = _files(settings.index_dir)
    kept = {f: stat for f, stat in before.items() if f.parent.parent == segments}
    assert kept and all(after[f] == stat for f, stat in kept.items())  # never rewritten
    written = {f for f in after if after[f] != before.get(f)} - {settings.index_dir / "CURRENT", settings.index_dir / ".lock"}
    (new_segment,) = {f.parent for f in written if f.parent.parent == segments}
    version = current_version(settings.index_dir)
    assert written == {*new_segment.iterdir(), version / "manifest.json"}  # type: ignore[operator]
    assert report.bytes_written == sum(after[f][1] for f in written)
    assert "26所" in _engine(settings, embedder).search("西岭县乡村少年宫有几所", k=1)[0].text

    # A removed file's segment stays while the previous version (which readers may still
    # be opening) lists it, and goes with the run after.
    (settings.corpus[0] / "xiling.txt").unlink()
    build_index(settings, embedder)
    assert new_segment.is_dir()
    (settings.corpus[0] / "nanling.md").write_text(SMALL_CORPUS["nanling.md"] + "\n南岭县新增研学基地3个。\n", encoding="utf-8")
    build_index(settings, embedder)
    assert not new_segment.exists() and len(list(settings.index_dir.glob("v-*"))) == 2
    assert {p.name for p in segments.iterdir()} == listed_segments(settings.index_dir)


def test_an_unchanged_run_reads_no_file_and_reopening_reads_no_segment(
    settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(settings, embedder)
    served = open_index(settings.index_dir, model=FAKE_MODEL)
    _age(settings.corpus[0])
    build_index(settings, embedder)  # takes up the new dates
    read: list[Path] = []
    loaded: list[Path] = []
    read_bytes, load = rag.index.build.read_bytes, Segment.load.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(rag.index.build, "read_bytes", lambda path: read.append(path) or read_bytes(path))
    monkeypatch.setattr(Segment, "load", classmethod(lambda cls, folder, sha: loaded.append(folder) or load(cls, folder, sha)))
    counting = CountingEmbedder(embedder)
    report = build_index(settings, counting)  # type: ignore[arg-type]
    assert (report.files_unchanged, report.texts_embedded, counting.embedded, read) == (3, 0, [], [])
    reopened = open_index(settings.index_dir, model=FAKE_MODEL, reuse=served)
    assert loaded == [] and [s.id for s in reopened.segments] == [s.id for s in served.segments]
    assert reopened.folder != served.folder and reopened.lexical.vocabulary is served.lexical.vocabulary


def test_an_index_kept_up_incrementally_equals_one_rebuilt_from_scratch(settings: Settings, embedder: FakeEmbedder) -> None:
    build_index(settings, embedder)
    served = open_index(settings.index_dir, model=FAKE_MODEL)
    corpus = settings.corpus[0]
    (corpus / "xiling.txt").write_text(NEW_FILE, encoding="utf-8")
    (corpus / "donghai.txt").unlink()
    with open(corpus / "beichuan.txt", "a", encoding="utf-8") as handle:
        handle.write("\n北川市将在2026年新建一所特殊教育学校，招收残疾儿童120人。\n")
    build_index(settings, embedder)
    incremental = open_index(settings.index_dir, model=FAKE_MODEL, reuse=served)
    fresh_settings = settings.with_overrides(index_dir=settings.index_dir.parent / "fresh")
    build_index(fresh_settings, embedder, rebuild=True)
    fresh = open_index(fresh_settings.index_dir, model=FAKE_MODEL)

    assert incremental.documents == fresh.documents
    assert incremental.chunks == fresh.chunks and incremental.sentences == fresh.sentences
    rows = np.arange(len(fresh.chunks))
    np.testing.assert_allclose(incremental.dense.vectors_of(rows), fresh.dense.vectors_of(rows), atol=1e-5)
    a, b = _engine(settings, embedder), _engine(fresh_settings, embedder)
    for query in ("特殊教育学校招生", "西岭县乡村少年宫", "教师培训学时", "南岭县毕业生本地就业率"):
        tokens = list(tokenize(query))
        np.testing.assert_allclose(incremental.lexical.scores(tokens), fresh.lexical.scores(tokens), rtol=1e-6)
        assert [(h.doc_id, h.start, h.end) for h in a.search(query, k=5)] == [(h.doc_id, h.start, h.end) for h in b.search(query, k=5)]
