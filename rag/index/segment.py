"""A segment: what one source file contributes to the index, written once and never changed.

    index/segments/<id>/segment.json      source, hashes, counts and the checksum of each file below
    index/segments/<id>/documents.jsonl   cleaned documents (the text every offset points into)
    index/segments/<id>/chunks.jsonl      chunk spans and heading paths
    index/segments/<id>/sentences.jsonl   sentence spans, each with the row (in this segment) of its chunk
    index/segments/<id>/chunks.npy        chunk vectors; sentences.npy: sentence vectors. A segment
                                          of `hnsw_threshold` rows or more stores an HNSW graph
                                          instead (chunks.faiss, sentences.faiss), built once here
    index/segments/<id>/terms.json|.npz   BM25 term counts per chunk

The id is a hash of everything the segment is made from: the file's path and content, its
document id, the model and the chunking and ingest recipes. A run that finds a complete
segment of that id (one left by a run killed before it published) uses it as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.errors import REBUILD_HINT, BadIndexError
from rag.index.files import fsync_dir, fsync_tree, read_json, read_jsonl, write_jsonl
from rag.index.manifest import SourceEntry
from rag.ingest import file_sha256
from rag.schema import Chunk, Document, Element, Heading, Sentence
from rag.stores.bm25 import TermCounts
from rag.stores.dense import DenseStore, VectorRows, faiss_index, row_count

SEGMENT_FILE = "segment.json"


def segment_id(recipe: dict[str, Any]) -> str:
    """The id of the segment made from `recipe` (source, content hash, base id, model,
    chunking and ingest versions): the same inputs always give the same id."""
    return "s-" + hashlib.sha256(json.dumps(recipe, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]


@dataclass(eq=False)
class SegmentRecords:
    """What one source file contributes that every backend keeps alike: its documents (the
    text every offset points into), chunks and sentences. Vectors and term counts are kept
    by the backend: in the segment's files (`Segment`) or on a Milvus server."""

    id: str
    source: str
    sha256: str
    base_id: str
    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]  # `chunk` is a row of this segment's chunks
    doc_rows: dict[str, np.ndarray] = field(init=False)
    doc_sentence_rows: dict[str, np.ndarray] = field(init=False)
    sentence_chunk: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.doc_rows = _rows_by_doc(self.chunks)
        self.doc_sentence_rows = _rows_by_doc(self.sentences)
        self.sentence_chunk = np.asarray([s.chunk for s in self.sentences], dtype=np.int64)

    def entry(self) -> SourceEntry:
        """What the manifest says of this segment (checksum added once written)."""
        return SourceEntry(
            self.source,
            self.sha256,
            self.base_id,
            self.id,
            tuple(d.doc_id for d in self.documents),
            len(self.chunks),
            len(self.sentences),
        )

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The documents, chunks and sentences as JSON-ready records."""
        return {
            "documents": [asdict(d) for d in self.documents],
            "chunks": [asdict(c) for c in self.chunks],
            "sentences": [asdict(s) for s in self.sentences],
        }

    @classmethod
    def of_records(cls, entry: SourceEntry, records: dict[str, list[dict[str, Any]]]) -> SegmentRecords:
        """The segment `entry` (a manifest entry) names, from what `records` gave."""
        return cls(
            entry.segment,
            entry.source,
            entry.sha256,
            entry.base_id,
            [_document_from(r) for r in records["documents"]],
            [_chunk_from(r) for r in records["chunks"]],
            [Sentence(**r) for r in records["sentences"]],
        )


@dataclass(eq=False)
class Segment(SegmentRecords):
    """A segment as the embedded backend keeps it: records, vectors and term counts in
    files of its own folder."""

    terms: TermCounts
    # One vector per chunk and per sentence: arrays (memory-mapped once written), lists of
    # rows shared between identical texts, or an HNSW graph for a big segment.
    vectors: VectorRows | faiss_index = ()
    sentence_vectors: VectorRows | faiss_index = ()

    def vector_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The chunk and sentence vectors as arrays (a changed file reuses its unchanged texts')."""
        return _as_array(self.vectors), _as_array(self.sentence_vectors)

    def write(self, segments_dir: Path, dim: int, hnsw_threshold: int) -> str:
        """Write the segment under `segments_dir` (skipped when a complete copy is there
        already) and return the checksum of its `segment.json`."""
        target = segments_dir / self.id
        if (target / SEGMENT_FILE).exists():
            return file_sha256(target / SEGMENT_FILE)
        work = segments_dir / f".tmp-{self.id}-{uuid.uuid4().hex[:6]}"
        work.mkdir(parents=True)
        try:
            for name, records in self.records().items():
                write_jsonl(work / f"{name}.jsonl", records)
            for name, vectors in (("chunks", self.vectors), ("sentences", self.sentence_vectors)):
                if row_count(vectors) >= hnsw_threshold:
                    import faiss

                    faiss.write_index(DenseStore.graph(vectors, dim), str(work / f"{name}.faiss"))
                else:
                    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
                    np.save(work / f"{name}.npy", array)
            self.terms.save(work)
            checksums = {f.name: file_sha256(f) for f in sorted(work.iterdir())}
            record = {**self.entry().to_json(), "checksums": checksums}
            data = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
            (work / SEGMENT_FILE).write_bytes(data)
            fsync_tree(work)
            os.rename(work, target)
            fsync_dir(segments_dir)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def load(cls, folder: Path, expected_sha256: str | None) -> Segment:
        """The segment in `folder`, checked against its checksums; damage is a `BadIndexError`."""
        record = read_json(folder / SEGMENT_FILE, expected_sha256)
        try:
            for name, expected in record["checksums"].items():
                if not (folder / name).exists() or file_sha256(folder / name) != expected:
                    raise BadIndexError(f"index file {folder / name} is missing or corrupted; {REBUILD_HINT}")
            segment = cls(
                id=record["segment"],
                source=record["source"],
                sha256=record["sha256"],
                base_id=record["base_id"],
                documents=list(read_jsonl(folder / "documents.jsonl", _document_from)),
                chunks=list(read_jsonl(folder / "chunks.jsonl", _chunk_from)),
                sentences=list(read_jsonl(folder / "sentences.jsonl", lambda r: Sentence(**r))),
                terms=TermCounts.load(folder),
                vectors=_load_vectors(folder, "chunks"),
                sentence_vectors=_load_vectors(folder, "sentences"),
            )
        except BadIndexError:
            raise
        # What a damaged file, a file deleted meanwhile, numpy or faiss raise.
        except (OSError, RuntimeError, ValueError, KeyError, TypeError, AttributeError, EOFError) as exc:
            raise BadIndexError(f"cannot read the index segment {folder} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
        sizes = {len(segment.chunks), len(segment.terms), row_count(segment.vectors)}
        if len(sizes) != 1 or len(segment.sentences) != row_count(segment.sentence_vectors):
            raise BadIndexError(f"index segment {folder} is inconsistent (its files disagree on sizes); {REBUILD_HINT}")
        return segment


def _load_vectors(folder: Path, name: str) -> np.ndarray | faiss_index:
    graph = folder / f"{name}.faiss"
    if graph.exists():
        import faiss

        return faiss.read_index(str(graph))
    # Memory-mapped: the store joins it into a run once; the page cache holds this copy.
    return np.load(folder / f"{name}.npy", mmap_mode="r")


def _as_array(vectors: VectorRows | faiss_index) -> np.ndarray:
    if isinstance(vectors, (np.ndarray, list)):
        return np.asarray(vectors, dtype=np.float32)
    graph: Any = vectors
    return graph.reconstruct_n(0, graph.ntotal) if graph.ntotal else np.zeros((0, graph.d), np.float32)


def _rows_by_doc(records: Sequence[Chunk | Sentence]) -> dict[str, np.ndarray]:
    rows: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        rows.setdefault(record.doc_id, []).append(i)
    return {d: np.asarray(r, dtype=np.int64) for d, r in rows.items()}


def _document_from(record: dict[str, Any]) -> Document:
    headings = tuple(Heading(**h) for h in record.pop("headings"))
    elements = tuple(Element(**e) for e in record.pop("elements"))
    return Document(**record, headings=headings, elements=elements)


def _chunk_from(record: dict[str, Any]) -> Chunk:
    return Chunk(**{**record, "heading": tuple(record["heading"])})
