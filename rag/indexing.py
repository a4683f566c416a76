"""Building, saving and opening the index: documents -> chunks -> vectors + BM25.

On disk an index directory holds segments, numbered versions and a `CURRENT` file naming
the version in use:

    index/CURRENT             "v-20261122-150102-3f2a <sha256 of that version's manifest>"
    index/v-…/manifest.json   format, model, chunking, and per source file: its hashes, its
                              document ids and the segment (with that segment's checksum)
    index/segments/s-…/       one segment per source file (see rag/segments.py)

A segment is never rewritten: a run writes the segments of new and changed files, then a
new manifest listing every segment, and replaces `CURRENT` in one atomic rename. A crash
at any point leaves the previous version in use, and unchanged files cost nothing: they
are not read (their size and modification time match), embedded or written again. A
removed file's segment is deleted once no kept version lists it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.chunking import chunk_documents, sentence_spans
from rag.embedding import Embedder
from rag.ingest import INGEST_VERSION, assign_ids, file_documents
from rag.ingest.load import LoadError, extract_text, find_files, read_bytes
from rag.schema import Chunk, Document, Sentence
from rag.segments import (
    REBUILD_HINT,
    SEGMENT_FILE,
    SEGMENTS,
    BadIndexError,
    Segment,
    SegmentRecords,
    fsync_tree,
    read_json,
    segment_id,
    write_atomic,
)
from rag.settings import Settings
from rag.stores import DenseStore, LexicalStore, TermCounts, TextSearch, VectorSearch, tokenize
from rag.textshape import squash

log = logging.getLogger(__name__)

# 3: per-file segments (2: one set of files per version).
FORMAT_VERSION = 3
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
# Bump when `embedding_text` or `lexical_tokens` change what is embedded or tokenised:
# vectors and tokens from an index built the old way are then not reused.
TEXT_RECIPE = 3


# How often `open_index` tries again when runs publish new versions while it loads.
OPEN_ATTEMPTS = 5

# Texts are embedded in batches of EMBED_BATCH so that progress moves during a long run.
EMBED_BATCH = 256
# A file whose size and modification time match the previous run's is taken as unchanged
# without being read, unless it was modified less than this long before that run began
# (a write in the same clock tick as the run could keep both).
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class IndexProgress:
    """Where an indexing run is; the page and the terminal show the same figures."""

    stage: str  # "reading", "embedding" or "writing"
    files_done: int
    files_total: int
    texts_done: int = 0
    texts_total: int = 0
    seconds_left: float | None = None  # known once embedding has measured its speed

    @property
    def fraction(self) -> float:
        """Reading is the first 10%, embedding runs to 90%, writing is the rest."""
        if self.stage == "reading":
            return 0.1 * self.files_done / max(self.files_total, 1)
        if self.stage == "embedding":
            return 0.1 + 0.8 * self.texts_done / max(self.texts_total, 1)
        return 0.9


Progress = Callable[[IndexProgress], None]


def _no_progress(progress: IndexProgress) -> None:
    """The default `Progress`: the terminal already has tqdm's bars."""


# --------------------------------------------------------------------------------------
# What gets embedded and tokenised for a chunk
# --------------------------------------------------------------------------------------


def document_label(document: Document) -> str:
    """The words users name a document by: its title, then the issuer, 发文字号, year and
    kind the title does not already say ("…的意见（国务院办公厅 国办发〔2015〕71号 2015年）")."""
    year = f"{document.date[:4]}年" if document.date else None
    title = squash(document.title)
    extra = [x for x in (document.issuer, document.doc_number, year, document.kind) if x and squash(x) not in title]
    return document.title + (f"（{' '.join(extra)}）" if extra else "")


def embedding_text(document: Document, span: Chunk | Sentence, with_context: bool) -> str:
    """A chunk or sentence as the model sees it: after its title (and, for a chunk, its
    heading path) when `with_context`, since a passage like "新增学位4.8万个" is only
    findable by its region. Sentences get the title only: a heading is often a whole lead
    sentence that would outweigh the short sentence it stands over (benchmarks/retrieval.py).
    The rest of the document's label (issuer, year, 发文字号) goes to BM25 and to the
    ranking of documents a query names (`retrieval`), not into the vectors: measured with
    it there, the sample corpus lost a question (benchmarks/metadata.py)."""
    text = document.text[span.start : span.end]
    if not with_context:
        return text
    headings = document.heading_path(span.start) if isinstance(span, Chunk) else ()
    return " > ".join((document.title, *headings)) + "\n" + text


def document_sentences(documents: list[Document], chunks: list[Chunk]) -> list[Sentence]:
    """Every sentence of `documents`, each tied to the chunk (position in `chunks`) that
    holds most of it (the first such chunk on a tie)."""
    sentences = []
    rows_by_doc: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        rows_by_doc.setdefault(chunk.doc_id, []).append(row)
    for document in documents:
        rows = rows_by_doc.get(document.doc_id, [])
        if not rows:
            continue
        # Chunks and sentences both run in text order: sweep them together (linear time
        # even for a report of thousands of chunks).
        first = 0
        for start, end in sentence_spans(document.text):
            while first < len(rows) - 1 and chunks[rows[first]].end <= start:
                first += 1
            best, best_row = None, rows[first]
            for row in rows[first:]:
                chunk = chunks[row]
                if chunk.start >= end:
                    break
                shared = min(end, chunk.end) - max(start, chunk.start)
                if best is None or shared > best:
                    best, best_row = shared, row
            sentences.append(Sentence(document.doc_id, start, end, best_row))
    return sentences


def lexical_tokens(document: Document, chunk: Chunk) -> tuple[str, ...]:
    """BM25 sees the document's label too: questions name the region, the issuing body, the
    year or the 发文字号, passages often do not."""
    return _tokens_of(f"{document_label(document)}\n{chunk.text}")


def _chunk_tokens(documents: list[Document], chunks: list[Chunk]) -> list[tuple[str, ...]]:
    by_id = {d.doc_id: d for d in documents}
    return [lexical_tokens(by_id[c.doc_id], c) for c in chunks]


def _segment_texts(segment: Segment, spans: Sequence[Chunk | Sentence], with_context: bool) -> list[str]:
    documents = {d.doc_id: d for d in segment.documents}
    return [embedding_text(documents[s.doc_id], s, with_context) for s in spans]


@lru_cache(maxsize=4096)
def _tokens_of(text: str) -> tuple[str, ...]:
    """Tokens of one chunk text. Reports repeat boilerplate and compilations repeat whole
    reports, so recent texts are remembered; tokens are interned so that a long file's
    millions of tokens share one string per word."""
    return tuple(sys.intern(t) for t in tokenize(text))


# --------------------------------------------------------------------------------------
# A loaded index version
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class Index:
    """One index version in memory, whichever backend serves it: the records of its
    segments, combined, and the stores that search them. Row `i` of the stores is
    `chunks[i]`; segments follow each other in manifest order."""

    manifest: dict[str, Any]
    segments: Sequence[SegmentRecords]
    dense: VectorSearch
    sentence_dense: VectorSearch
    lexical: TextSearch
    # What the backend calls this version: when its current one is named otherwise, there
    # is a newer version to serve (another process changed the library).
    version: str
    folder: Path | None = None  # the version folder, for the embedded backend
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


def embedded_index(folder: Path, manifest: dict[str, Any], segments: list[Segment], version: str, previous: Index | None) -> Index:
    """The index of segments read from their files, searched in this process. What the
    version served until now (`previous`) holds for unchanged segments (joined vectors,
    the words' columns) is taken from it."""
    dim, keys = int(manifest["model"]["dim"]), [s.id for s in segments]
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


def current_version(index_dir: Path) -> Path | None:
    """The version folder `CURRENT` points at; None when there is no index yet."""
    pointer = _read_pointer(index_dir)
    return None if pointer is None else index_dir / pointer[0]


def current_name(index_dir: Path) -> str | None:
    """What `CURRENT` says (the version and its manifest's checksum), as `Index.version`
    holds it; None when there is no index yet. Cheap: a reader checks it for new versions."""
    pointer = _read_pointer(index_dir)
    return None if pointer is None else _name(pointer)


def current_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the current version, checked (None when there is no index yet)."""
    pointer = _read_pointer(index_dir)
    if pointer is None:
        return None
    manifest = _read_manifest(index_dir / pointer[0], pointer[1])
    _check_format(index_dir, manifest)
    return manifest


def _name(pointer: tuple[str, str | None]) -> str:
    return " ".join(p for p in pointer if p)


def _read_pointer(index_dir: Path) -> tuple[str, str | None] | None:
    """`CURRENT`'s version name and the checksum of that version's manifest."""
    path = index_dir / CURRENT
    try:
        fields = path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
    if not 1 <= len(fields) <= 2 or not fields[0].startswith("v-") or "/" in fields[0]:
        raise BadIndexError(f"{path} is damaged (it should name an index version); {REBUILD_HINT}")
    return fields[0], fields[1] if len(fields) == 2 else None


def open_index(index_dir: Path, model: str | None = None, reuse: Index | None = None) -> Index:
    """Load the current version, checking format, model and file checksums. The segments
    `reuse` (the version served until now) holds already are taken from it, not read again.

    A reader can be overtaken while it loads: two runs that publish meanwhile delete the
    version it read from `CURRENT` (a run keeps only the new and the previous version).
    A load that fails after `CURRENT` has changed is therefore retried on the new version."""
    for attempt in range(OPEN_ATTEMPTS):
        pointer = _read_pointer(index_dir)
        if pointer is None:
            raise BadIndexError(f"no index in {index_dir}; build one with: rag index")
        try:
            return _load_version(index_dir / pointer[0], pointer, model, reuse)
        except BadIndexError:
            if attempt + 1 == OPEN_ATTEMPTS or _read_pointer(index_dir) == pointer:
                raise
            log.info("index version %s was replaced while being opened; opening the new one", pointer[0])
    raise AssertionError("unreachable")


def _load_version(folder: Path, pointer: tuple[str, str | None], model: str | None, reuse: Index | None) -> Index:
    """One version folder (`CURRENT` named it with its manifest's checksum), checked; any
    damage is a `BadIndexError` that says how to rebuild."""
    manifest = _read_manifest(folder, pointer[1])
    _check_format(folder.parent, manifest)
    built_with = manifest["model"]["name"]
    if model is not None and built_with != model:
        raise BadIndexError(
            f"index in {folder.parent} was built with model {built_with!r}, not {model!r}; "
            f"{REBUILD_HINT} (or set RAG_MODEL={built_with})"
        )
    if reuse is not None and reuse.manifest["model"] != manifest["model"]:
        reuse = None
    held = {s.id: s for s in reuse.segments if isinstance(s, Segment)} if reuse is not None else {}
    segments = []
    for entry in manifest["sources"]:
        segment = held.get(entry["segment"]) or Segment.load(folder.parent / SEGMENTS / entry["segment"], entry["segment_sha256"])
        if [d.doc_id for d in segment.documents] != entry["doc_ids"] or len(segment.chunks) != entry["chunks"]:
            raise BadIndexError(f"index in {folder} is inconsistent (its files disagree on sizes); {REBUILD_HINT}")
        segments.append(segment)
    return embedded_index(folder, manifest, segments, _name(pointer), reuse)


def _check_format(index_dir: Path, manifest: dict[str, Any]) -> None:
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BadIndexError(
            f"index in {index_dir} has format {manifest.get('format_version')}, this version reads "
            f"format {FORMAT_VERSION}; {REBUILD_HINT}"
        )
    if not isinstance(manifest.get("model"), dict) or not isinstance(manifest.get("sources"), list):
        raise BadIndexError(f"index file {index_dir} has a damaged manifest; {REBUILD_HINT}")


def _read_manifest(folder: Path, expected_sha256: str | None) -> dict[str, Any]:
    manifest = read_json(folder / MANIFEST, expected_sha256)
    if not isinstance(manifest, dict):
        raise BadIndexError(f"index file {folder / MANIFEST} is corrupted; {REBUILD_HINT}")
    return manifest


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run did."""

    version: str
    files_new: int
    files_changed: int
    files_unchanged: int
    files_removed: int
    files_skipped: int
    documents: int
    chunks: int
    texts_embedded: int
    seconds: float
    # (source, reason) for each file that could not be read or held no text
    skipped: tuple[tuple[str, str], ...] = ()
    embed_seconds: float = 0.0  # of `seconds`, the time spent in the model
    bytes_written: int = 0  # segments and manifest written by this run


def build_index(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path] | None = None,
    rebuild: bool = False,
    hook: Callable[[str], None] | None = None,
    exclude: Collection[str] = (),
    progress: Progress | None = None,
    commit: Callable[[IndexReport], None] | None = None,
    library: Path | None = None,
) -> IndexReport:
    """Index `paths` (default: the configured corpus), less the files whose resolved path
    is in `exclude`, incrementally into a new version.

    `commit` is called once the new version is complete and before it is published: the
    library records its change there, and an exception stops the version from being used.
    `library` is the data directory when `paths` are the library's files (kept in the
    manifest: only such an index is brought up to the library by `Engine.sync`).
    `progress` is told where the run is (the UI shows it); `hook` is called with a stage
    name at each step, and tests use it to inject failures."""
    progress = progress or _no_progress
    started, started_ns = time.perf_counter(), time.time_ns()
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    with _locked(index_dir):
        _remove_leftovers(index_dir)
        paths = list(paths or settings.corpus)
        files = find_files(paths, exclude)
        ids = assign_ids(files, paths)
        previous = None if rebuild else _reusable(index_dir, settings, embedder)
        old = {e["source"]: e for e in previous["sources"]} if previous else {}
        # Files read by an older ingest are read again; their unchanged texts keep their vectors.
        reread = previous is not None and previous.get("ingest_version") != INGEST_VERSION
        recipe = {"model": _model_entry(embedder), "chunking": _chunking_entry(settings), "ingest": INGEST_VERSION}
        if rebuild:  # fresh segments: none written before (perhaps damaged) is taken up
            recipe["rebuild"] = started_ns

        entries: list[dict[str, Any]] = []  # the new manifest's sources, in file order
        # Segments to embed and write: with the entry they replace and their new entry.
        new_segments: list[tuple[Segment, dict[str, Any] | None, dict[str, Any]]] = []
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        skipped: list[tuple[str, str]] = []
        segments_dir = index_dir / SEGMENTS
        for i, file in enumerate(tqdm(files, desc="Reading", unit="file", disable=None, leave=False)):
            progress(IndexProgress("reading", i, len(files)))
            source, entry = str(file), old.get(str(file))
            # The previous run's entry, if it read this file the same way under the same id.
            same = entry if entry is not None and not reread and entry["base_id"] == ids[file] else None
            try:
                stat = file.stat()
                signature = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
                if same and _same_stat(same, signature, previous):
                    entries.append(same)
                    counts["unchanged"] += 1
                    continue
                data = read_bytes(file)
                digest = hashlib.sha256(data).hexdigest()
                if same and same["sha256"] == digest:
                    entries.append({**same, **signature})
                    counts["unchanged"] += 1
                    continue
                key = segment_id({**recipe, "source": source, "sha256": digest, "base_id": ids[file]})
                ready = _finished_segment(segments_dir / key)
                if ready is not None:  # written by a run that was stopped before it published
                    entries.append({**ready, **signature})
                else:
                    segment = _read_file(file, data, digest, ids[file], key, settings)
                    if segment is None:
                        skipped.append((source, "no text left after cleaning"))
                        continue
                    new_entry = {**segment.entry(), **signature}
                    new_segments.append((segment, entry, new_entry))
                    entries.append(new_entry)
            except (LoadError, OSError) as exc:  # reported in `IndexReport.skipped`
                reason = str(exc) if isinstance(exc, LoadError) else f"{file}: cannot be read ({exc.__class__.__name__})"
                log.info("skipped %s: %s", file, reason)
                skipped.append((source, reason))
                continue
            counts["changed" if entry is not None else "new"] += 1
        progress(IndexProgress("reading", len(files), len(files)))
        removed = len(set(old) - {e["source"] for e in entries})
        if hook:
            hook("loaded")

        replacing = [(segment, replaced) for segment, replaced, _ in new_segments]
        embedded, embed_seconds = _embed_segments(replacing, segments_dir, embedder, settings, progress, len(files))
        if hook:
            hook("embedded")
        progress(IndexProgress("writing", len(files), len(files), embedded, embedded))
        written = 0
        for segment, _, new_entry in new_segments:
            before = _folder_bytes(segments_dir / segment.id)
            new_entry["segment_sha256"] = segment.write(segments_dir, embedder.dim, settings.hnsw_threshold)
            written += _folder_bytes(segments_dir / segment.id) - before
        if hook:
            hook("stores-written")
        report = IndexReport(
            version="",
            files_new=counts["new"],
            files_changed=counts["changed"],
            files_unchanged=counts["unchanged"],
            files_removed=removed,
            files_skipped=len(skipped),
            documents=sum(len(e["doc_ids"]) for e in entries),
            chunks=sum(e["chunks"] for e in entries),
            texts_embedded=embedded,
            seconds=0.0,
            skipped=tuple(skipped),
            embed_seconds=embed_seconds,
        )
        manifest = _manifest(entries, skipped, settings, embedder, started_ns, library)
        version, manifest_bytes = _write_version(index_dir, manifest)
        if commit:
            try:
                commit(report)
            except BaseException:
                shutil.rmtree(index_dir / version, ignore_errors=True)
                raise
        if hook:
            hook("committed")
        _publish(index_dir, version, hashlib.sha256(manifest_bytes).hexdigest())
        written += len(manifest_bytes)
    result = replace(report, version=version, seconds=time.perf_counter() - started, bytes_written=written)
    log.info("index %s: %s", version, result)
    return result


def _same_stat(entry: dict[str, Any], signature: dict[str, int], previous: dict[str, Any] | None) -> bool:
    """Whether a file's size and modification time say it is unchanged since the last run."""
    run_started = (previous or {}).get("started_ns", 0)
    return (
        entry.get("size") == signature["size"]
        and entry.get("mtime_ns") == signature["mtime_ns"]
        and signature["mtime_ns"] < run_started - RACY_NS
    )


def _finished_segment(folder: Path) -> dict[str, Any] | None:
    """The manifest entry of a complete segment already on disk (None when there is none)."""
    path = folder / SEGMENT_FILE
    try:
        data = path.read_bytes()
        record = json.loads(data)
        entry = {k: record[k] for k in ("source", "sha256", "base_id", "segment", "doc_ids", "chunks", "sentences")}
    except (OSError, ValueError, KeyError):
        return None
    return {**entry, "segment_sha256": hashlib.sha256(data).hexdigest()}


def _read_file(file: Path, data: bytes, digest: str, base_id: str, key: str, settings: Settings) -> Segment | None:
    """The segment of one file, without vectors yet; None when it holds no text."""
    documents = file_documents(extract_text(file, data), base_id)
    if not documents:
        return None
    chunks = chunk_documents(documents, settings.chunk_size, settings.chunk_overlap)
    sentences = document_sentences(documents, chunks)
    terms = TermCounts.of(_chunk_tokens(documents, chunks))
    return Segment(key, str(file), digest, base_id, documents, chunks, sentences, terms)


def _reusable(index_dir: Path, settings: Settings, embedder: Embedder) -> dict[str, Any] | None:
    """The current version's manifest, if its segments can be reused by this run."""
    try:
        pointer = _read_pointer(index_dir)
        if pointer is None:
            return None
        manifest = _read_manifest(index_dir / pointer[0], pointer[1])
        _check_format(index_dir, manifest)
    except BadIndexError as exc:
        log.warning("not reusing the existing index: %s", exc)
        return None
    if manifest["model"] != _model_entry(embedder) or manifest.get("chunking") != _chunking_entry(settings):
        log.info("model or chunking settings changed: re-embedding everything")
        return None
    return manifest


def _embed_segments(
    segments: list[tuple[Segment, dict[str, Any] | None]],
    segments_dir: Path,
    embedder: Embedder,
    settings: Settings,
    progress: Progress,
    files: int,
) -> tuple[int, float]:
    """Fill in chunk and sentence vectors of new segments. Texts the file's previous
    segment embedded already (the unchanged paragraphs of a changed file) keep their
    vector; so do texts repeated within the run. Returns texts embedded and seconds."""
    known: dict[str, np.ndarray] = {}
    for _, replaced in segments:
        if replaced is None:
            continue
        try:
            old = Segment.load(segments_dir / replaced["segment"], replaced.get("segment_sha256"))
        except BadIndexError as exc:
            log.info("not reusing vectors of %s: %s", replaced["source"], exc)
            continue
        vectors, sentence_vectors = old.vector_rows()
        known.update(zip(_segment_texts(old, old.chunks, settings.embed_context), vectors))
        known.update(zip(_segment_texts(old, old.sentences, settings.embed_context), sentence_vectors))
    wanted = [
        (_segment_texts(s, s.chunks, settings.embed_context), _segment_texts(s, s.sentences, settings.embed_context))
        for s, _ in segments
    ]
    todo = [t for t in dict.fromkeys(t for pair in wanted for group in pair for t in group) if t not in known]
    # Texts of similar length batch together with the least padding: the model's own
    # length sort only sees one progress batch at a time.
    todo.sort(key=len)
    started = time.perf_counter()
    if todo:
        log.info("embedding %d chunks and sentences with %s on %s", len(todo), embedder.name, embedder.device)
        with tqdm(total=len(todo), desc="Embedding", unit="text", disable=None, leave=False) as bar:
            for at in range(0, len(todo), EMBED_BATCH):
                spent = time.perf_counter() - started
                left = spent / at * (len(todo) - at) if at else None
                progress(IndexProgress("embedding", files, files, at, len(todo), left))
                batch = todo[at : at + EMBED_BATCH]
                known.update(zip(batch, embedder.embed_documents(batch)))
                bar.update(len(batch))
    for (segment, _), (chunk_texts, sentence_texts) in zip(segments, wanted):
        segment.vectors = [known[t] for t in chunk_texts]
        segment.sentence_vectors = [known[t] for t in sentence_texts]
    return len(todo), time.perf_counter() - started


def _manifest(
    entries: list[dict[str, Any]],
    skipped: list[tuple[str, str]],
    settings: Settings,
    embedder: Embedder,
    started_ns: int,
    library: Path | None,
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "model": _model_entry(embedder),
        "chunking": _chunking_entry(settings),
        "ingest_version": INGEST_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "started_ns": started_ns,
        "library": str(library) if library else None,
        "counts": {
            "sources": len(entries),
            "documents": sum(len(e["doc_ids"]) for e in entries),
            "chunks": sum(e["chunks"] for e in entries),
            "sentences": sum(e["sentences"] for e in entries),
        },
        "sources": entries,
        # Files left out, with the reason: `rag inspect` shows them, and the app knows
        # they were seen (`Engine.sync`).
        "skipped": [{"source": source, "reason": reason} for source, reason in skipped],
    }


def _write_version(index_dir: Path, manifest: dict[str, Any]) -> tuple[str, bytes]:
    """Write the new version's manifest into a hidden folder, then move it into place
    (not yet published); return its name and the manifest's bytes."""
    version = time.strftime("v-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    work = index_dir / f".building-{version}"
    work.mkdir()
    try:
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        (work / MANIFEST).write_bytes(manifest_bytes)
        fsync_tree(work)
        os.rename(work, index_dir / version)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return version, manifest_bytes


def _publish(index_dir: Path, version: str, manifest_sha256: str) -> None:
    """Point CURRENT at `version` (with its manifest's checksum) atomically; keep the
    previous version for readers that are still opening it, and remove older versions and
    the segments no kept version lists."""
    try:
        previous = current_version(index_dir)
    except BadIndexError:  # a damaged CURRENT is being replaced
        previous = None
    write_atomic(index_dir / CURRENT, f"{version} {manifest_sha256}\n".encode())
    keep = {version, previous.name if previous else ""}
    for old in index_dir.glob("v-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    listed: set[str] = set()
    for name in keep - {""}:
        try:
            listed.update(e["segment"] for e in json.loads((index_dir / name / MANIFEST).read_text(encoding="utf-8"))["sources"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged previous version: its segments are not kept for it
    for segment in (index_dir / SEGMENTS).glob("s-*"):
        if segment.name not in listed:
            shutil.rmtree(segment, ignore_errors=True)


def _remove_leftovers(index_dir: Path) -> None:
    """Half-written versions and segments from a run that was killed (we hold the lock, so
    none is live). Complete segments stay: the next run that needs one takes it up."""
    leftovers = [*index_dir.glob(".building-*"), *index_dir.glob(f".{CURRENT}.*"), *(index_dir / SEGMENTS).glob(".tmp-*")]
    for leftover in leftovers:
        log.info("removing leftover %s from an interrupted run", leftover)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink()


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.is_dir() else 0


@contextmanager
def _locked(index_dir: Path) -> Iterator[None]:
    """One indexing run per index directory at a time."""
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another indexing run on %s", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _model_entry(embedder: Embedder) -> dict[str, Any]:
    return {"name": embedder.name, "dim": embedder.dim, "document_prompt": embedder.document_prompt}


def _chunking_entry(settings: Settings) -> dict[str, Any]:
    return {
        "size": settings.chunk_size,
        "overlap": settings.chunk_overlap,
        "embed_context": settings.embed_context,
        "text_recipe": TEXT_RECIPE,
    }
