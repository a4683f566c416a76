"""Index segments (rag.index.segment): what is written is what is read back, and a segment
whose files were changed on disk is refused with the rebuild command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

from rag.index import BadIndexError, build_index, current_version
from rag.index.segment import Segment
from rag.settings import Settings

pytestmark = pytest.mark.fast


def _built(settings: Settings, embedder: FakeEmbedder) -> list[tuple[Path, str]]:
    """Build the index; the folder and checksum of each segment its manifest lists."""
    build_index(settings, embedder)
    manifest = json.loads((current_version(settings.index_dir) / "manifest.json").read_text())  # type: ignore[operator]
    return [(settings.index_dir / "segments" / e["segment"], e["segment_sha256"]) for e in manifest["sources"]]


def test_a_segment_written_and_loaded_again_is_the_same(fake_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    (folder, checksum), *_ = _built(fake_settings, fake_embedder)
    segment = Segment.load(folder, checksum)
    assert segment.id == folder.name and segment.documents and len(segment.chunks) > 1
    copy_checksum = segment.write(tmp_path / "copy", fake_embedder.dim, fake_settings.hnsw_threshold)
    assert copy_checksum == checksum  # the same records give the same bytes
    copy = Segment.load(tmp_path / "copy" / segment.id, copy_checksum)
    assert (copy.source, copy.sha256, copy.base_id) == (segment.source, segment.sha256, segment.base_id)
    assert (copy.documents, copy.chunks, copy.sentences) == (segment.documents, segment.chunks, segment.sentences)
    for a, b in zip(copy.vector_rows(), segment.vector_rows(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert segment.vector_rows()[0].shape == (len(segment.chunks), fake_embedder.dim)


def test_a_segment_written_with_an_hnsw_graph_loads_the_same_records(
    fake_settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    (folder, checksum), *_ = _built(fake_settings, fake_embedder)
    segment = Segment.load(folder, checksum)
    written = segment.write(tmp_path / "graph", fake_embedder.dim, hnsw_threshold=1)
    assert {p.suffix for p in (tmp_path / "graph" / segment.id).iterdir()} >= {".faiss"}
    copy = Segment.load(tmp_path / "graph" / segment.id, written)
    assert copy.chunks == segment.chunks
    np.testing.assert_allclose(copy.vector_rows()[0], segment.vector_rows()[0], atol=1e-6)


@pytest.mark.parametrize("name", ["chunks.jsonl", "documents.jsonl", "chunks.npy", "segment.json"])
def test_a_flipped_byte_is_refused(fake_settings: Settings, fake_embedder: FakeEmbedder, name: str) -> None:
    (folder, checksum), *_ = _built(fake_settings, fake_embedder)
    path = folder / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(BadIndexError, match=r"rag index --rebuild"):
        Segment.load(folder, checksum)
