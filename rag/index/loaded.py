"""An index version in memory, and opening the current one from an index directory.

A reader can be overtaken while it loads: two runs that publish meanwhile delete the
version it read from `CURRENT` (a run keeps only the new and the previous version), so a
load that fails after `CURRENT` has changed is retried on the new version.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.index.errors import REBUILD_HINT, BadIndexError
from rag.index.manifest import SEGMENTS, Manifest, Pointer, read_manifest, read_pointer
from rag.index.segment import Segment, SegmentRecords
from rag.schema import Chunk, Document, Sentence
from rag.stores.bm25 import LexicalStore
from rag.stores.dense import DenseStore
from rag.stores.protocols import TextSearch, VectorSearch

log = logging.getLogger(__name__)

# How often `open_index` tries again when runs publish new versions while it loads.
OPEN_ATTEMPTS = 5


@dataclass(eq=False)
class Index:
    """One index version in memory, whichever backend serves it: the records of its
    segments, combined, and the stores that search them. Row `i` of the stores is
    `chunks[i]`; segments follow each other in manifest order."""

    manifest: Manifest
    segments: Sequence[SegmentRecords]
    dense: VectorSearch
    sentence_dense: VectorSearch
    lexical: TextSearch
    # What the backend calls this version: when its current one is named otherwise, there
    # is a newer version to serve (another process changed the library).
    version: str
    folder: Path | None = None  # the version folder, for the embedded backend
    # Who this process adds files as, where several libraries share the backend (Milvus):
    # files of other owners are theirs. None: every file is this library's.
    owner: str | None = None
    documents: dict[str, Document] = field(init=False)
    chunks: list[Chunk] = field(init=False)
    sentences: list[Sentence] = field(init=False)
    doc_rows: dict[str, np.ndarray] = field(init=False)
    doc_sentence_rows: dict[str, np.ndarray] = field(init=False)
    sentence_chunk: np.ndarray = field(init=False)  # the chunk row of each sentence

    def __post_init__(self) -> None:
        segments = self.segments
        self.documents = {d.doc_id: d for s in segments for d in s.documents}
        self.chunks = [c for s in segments for c in s.chunks]
        self.sentences = [x for s in segments for x in s.sentences]
        self.doc_rows, self.doc_sentence_rows, chunk_rows = {}, {}, []
        row = srow = 0
        for s in segments:
            self.doc_rows.update((d, r + row) for d, r in s.doc_rows.items())
            self.doc_sentence_rows.update((d, r + srow) for d, r in s.doc_sentence_rows.items())
            chunk_rows.append(s.sentence_chunk + row)
            row, srow = row + len(s.chunks), srow + len(s.sentences)
        self.sentence_chunk = np.concatenate(chunk_rows) if chunk_rows else np.zeros(0, np.int64)

    def foreign_owner(self, doc_id: str) -> str | None:
        """Who added the file holding `doc_id` when that is another library (which alone may
        delete it); None when it is this library's."""
        owner = next((e.owner for e in self.manifest.sources if doc_id in e.doc_ids), self.owner)
        return owner if owner != self.owner else None

    def clashing_owner(self, base_id: str) -> str | None:
        """Who added a file whose document ids a new file's would repeat (its ids come from
        `base_id`, made unique within one library only); None when no other library did."""
        for entry in self.manifest.sources:
            if entry.owner != self.owner and any(d == base_id or d.startswith(f"{base_id}/") for d in entry.doc_ids):
                return entry.owner
        return None


def embedded_index(folder: Path, manifest: Manifest, segments: list[Segment], version: str, previous: Index | None) -> Index:
    """The index of segments read from their files, searched in this process. What the
    version served until now (`previous`) holds for unchanged segments (joined vectors,
    the words' columns) is taken from it."""
    dim, keys = int(manifest.model["dim"]), [s.id for s in segments]
    old_dense, old_sentences, old_lexical = (previous.dense, previous.sentence_dense, previous.lexical) if previous else (None,) * 3
    return Index(
        manifest,
        segments,
        DenseStore.combine([s.vectors for s in segments], dim, keys, old_dense if isinstance(old_dense, DenseStore) else None),
        DenseStore.combine(
            [s.sentence_vectors for s in segments], dim, keys, old_sentences if isinstance(old_sentences, DenseStore) else None
        ),
        LexicalStore.combine([s.terms for s in segments], old_lexical.vocabulary if isinstance(old_lexical, LexicalStore) else None),
        version,
        folder,
    )


def open_index(index_dir: Path, model: str | None = None, reuse: Index | None = None) -> Index:
    """Load the current version, checking format, model and file checksums. The segments
    `reuse` (the version served until now) holds already are taken from it, not read again.
    A load that fails after `CURRENT` has changed is retried on the new version (see above)."""
    for attempt in range(OPEN_ATTEMPTS):
        pointer = read_pointer(index_dir)
        if pointer is None:
            raise BadIndexError(f"no index in {index_dir}; build one with: rag index")
        try:
            return _load_version(index_dir / pointer.version, pointer, model, reuse)
        except BadIndexError:
            if attempt + 1 == OPEN_ATTEMPTS or read_pointer(index_dir) == pointer:
                raise
            log.info("index version %s was replaced while being opened; opening the new one", pointer.version)
    raise AssertionError("unreachable")


def _load_version(folder: Path, pointer: Pointer, model: str | None, reuse: Index | None) -> Index:
    """One version folder (`CURRENT` named it with its manifest's checksum), checked; any
    damage is a `BadIndexError` that says how to rebuild."""
    manifest = read_manifest(folder, pointer.manifest_sha256)
    built_with = manifest.model["name"]
    if model is not None and built_with != model:
        raise BadIndexError(
            f"index in {folder.parent} was built with model {built_with!r}, not {model!r}; "
            f"{REBUILD_HINT} (or set RAG_MODEL={built_with})"
        )
    if reuse is not None and reuse.manifest.model != manifest.model:
        reuse = None
    held = {s.id: s for s in reuse.segments if isinstance(s, Segment)} if reuse is not None else {}
    segments = []
    for entry in manifest.sources:
        segment = held.get(entry.segment) or Segment.load(folder.parent / SEGMENTS / entry.segment, entry.segment_sha256)
        if tuple(d.doc_id for d in segment.documents) != entry.doc_ids or len(segment.chunks) != entry.chunks:
            raise BadIndexError(f"index in {folder} is inconsistent (its files disagree on sizes); {REBUILD_HINT}")
        segments.append(segment)
    return embedded_index(folder, manifest, segments, pointer.name, reuse)
