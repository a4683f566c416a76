"""Building an index version: source files -> documents -> chunks -> vectors + BM25 counts.

A run takes the lock of the index directory, reads the files (`read_sources`), embeds the
texts of new segments (`embed_segments`), writes those segments (`write_segments`), then a
new manifest listing every segment, and publishes it by replacing `CURRENT` in one atomic
rename (rag/index/manifest.py). A segment is never rewritten. A crash at any point leaves
the previous version in use, and unchanged files cost nothing: they are not read (their
size and modification time match), embedded or written again. A removed file's segment is
deleted once no kept version lists it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.chunking import chunk_documents
from rag.embedding import Embedder
from rag.index.errors import BadIndexError
from rag.index.manifest import (
    SEGMENTS,
    Manifest,
    SourceEntry,
    publish_version,
    read_manifest,
    read_pointer,
    remove_leftovers,
    write_version,
)
from rag.index.progress import IndexProgress, Progress, no_progress
from rag.index.recipe import TEXT_RECIPE, chunk_tokens, document_sentences, segment_texts
from rag.index.segment import SEGMENT_FILE, Segment, segment_id
from rag.ingest import INGEST_VERSION, LoadError, assign_ids, extract_text, file_documents, find_files, read_bytes
from rag.settings import Settings
from rag.stores.bm25 import TermCounts

log = logging.getLogger(__name__)

# Texts are embedded in batches of EMBED_BATCH so that progress moves during a long run.
EMBED_BATCH = 256
# A file whose size and modification time match the previous run's is taken as unchanged
# without being read, unless it was modified less than this long before that run began
# (a write in the same clock tick as the run could keep both).
RACY_NS = 2_000_000_000


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


@dataclass
class Reading:
    """What reading the files found: the new manifest's sources in file order, and the
    segments to embed and write, each with the entry of the segment it replaces."""

    files: int
    entries: list[SourceEntry] = field(default_factory=list)
    new_segments: list[tuple[Segment, SourceEntry | None]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: int = 0


def build_index(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path] | None = None,
    rebuild: bool = False,
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
    manifest: only such an index is brought up to the library by `Librarian.sync`).
    `progress` is told where the run is (the UI shows it)."""
    progress = progress or no_progress
    started, started_ns = time.perf_counter(), time.time_ns()
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    with _locked(index_dir):
        remove_leftovers(index_dir)
        paths = list(paths or settings.corpus)
        reading = read_sources(settings, embedder, paths, exclude, rebuild, started_ns, progress)
        files, segments_dir = reading.files, index_dir / SEGMENTS
        embedded, embed_seconds = embed_segments(reading.new_segments, segments_dir, embedder, settings, progress, files)
        progress(IndexProgress("writing", files, files, embedded, embedded))
        new_segments = [segment for segment, _ in reading.new_segments]
        checksums, written = write_segments(new_segments, segments_dir, embedder.dim, settings.hnsw_threshold)
        # The new segments' entries get their checksums, now that they are written.
        entries = [replace(e, segment_sha256=checksums[e.segment]) if e.segment in checksums else e for e in reading.entries]
        manifest = Manifest(
            model=_model_entry(embedder),
            chunking=_chunking_entry(settings),
            sources=tuple(entries),
            skipped=tuple(reading.skipped),
            library=str(library) if library else None,
            ingest_version=INGEST_VERSION,
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            started_ns=started_ns,
        )
        report = IndexReport(
            version="",
            files_new=reading.counts["new"],
            files_changed=reading.counts["changed"],
            files_unchanged=reading.counts["unchanged"],
            files_removed=reading.removed,
            files_skipped=len(reading.skipped),
            documents=manifest.counts["documents"],
            chunks=manifest.counts["chunks"],
            texts_embedded=embedded,
            seconds=0.0,
            skipped=tuple(reading.skipped),
            embed_seconds=embed_seconds,
        )
        version, manifest_bytes = write_version(index_dir, manifest)
        if commit:
            try:
                commit(report)
            except BaseException:
                shutil.rmtree(index_dir / version, ignore_errors=True)
                raise
        publish_version(index_dir, version, hashlib.sha256(manifest_bytes).hexdigest())
        written += len(manifest_bytes)
    result = replace(report, version=version, seconds=time.perf_counter() - started, bytes_written=written)
    log.info("index %s: %s", version, result)
    return result


def read_sources(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path],
    exclude: Collection[str],
    rebuild: bool,
    started_ns: int,
    progress: Progress,
) -> Reading:
    """The first step of a run: find the files, take up what the previous version (or a
    stopped run) has of each, and read, clean and chunk the others into new segments."""
    files = find_files(paths, exclude)
    ids = assign_ids(files, paths)
    previous = None if rebuild else _reusable(settings.index_dir, settings, embedder)
    old = {e.source: e for e in previous.sources} if previous else {}
    # Files read by an older ingest are read again; their unchanged texts keep their vectors.
    reread = previous is not None and previous.ingest_version != INGEST_VERSION
    recipe = {"model": _model_entry(embedder), "chunking": _chunking_entry(settings), "ingest": INGEST_VERSION}
    if rebuild:  # fresh segments: none written before (perhaps damaged) is taken up
        recipe["rebuild"] = started_ns
    reading = Reading(len(files))
    segments_dir = settings.index_dir / SEGMENTS
    for i, file in enumerate(tqdm(files, desc="Reading", unit="file", disable=None, leave=False)):
        progress(IndexProgress("reading", i, len(files)))
        source, entry = str(file), old.get(str(file))
        # The previous run's entry, if it read this file the same way under the same id.
        same = entry if entry is not None and not reread and entry.base_id == ids[file] else None
        try:
            stat = file.stat()
            size, mtime_ns = stat.st_size, stat.st_mtime_ns
            if same and _same_stat(same, size, mtime_ns, previous):
                reading.entries.append(same)
                reading.counts["unchanged"] += 1
                continue
            data = read_bytes(file)
            digest = hashlib.sha256(data).hexdigest()
            if same and same.sha256 == digest:
                reading.entries.append(replace(same, size=size, mtime_ns=mtime_ns))
                reading.counts["unchanged"] += 1
                continue
            key = segment_id({**recipe, "source": source, "sha256": digest, "base_id": ids[file]})
            ready = _finished_segment(segments_dir / key)
            if ready is not None:  # written by a run that was stopped before it published
                reading.entries.append(replace(ready, size=size, mtime_ns=mtime_ns))
            else:
                segment = read_segment(file, data, digest, ids[file], key, settings)
                if segment is None:
                    reading.skipped.append((source, "no text left after cleaning"))
                    continue
                reading.new_segments.append((segment, entry))
                reading.entries.append(replace(segment.entry(), size=size, mtime_ns=mtime_ns))
        except (LoadError, OSError) as exc:  # reported in `IndexReport.skipped`
            reason = str(exc) if isinstance(exc, LoadError) else f"{file}: cannot be read ({exc.__class__.__name__})"
            log.info("skipped %s: %s", file, reason)
            reading.skipped.append((source, reason))
            continue
        reading.counts["changed" if entry is not None else "new"] += 1
    progress(IndexProgress("reading", len(files), len(files)))
    reading.removed = len(set(old) - {e.source for e in reading.entries})
    return reading


def read_segment(file: Path, data: bytes, digest: str, base_id: str, key: str, settings: Settings) -> Segment | None:
    """The segment of one file, without vectors yet; None when it holds no text."""
    documents = file_documents(extract_text(file, data), base_id)
    if not documents:
        return None
    chunks = chunk_documents(documents, settings.chunk_size, settings.chunk_overlap)
    sentences = document_sentences(documents, chunks)
    terms = TermCounts.of(chunk_tokens(documents, chunks))
    return Segment(key, str(file), digest, base_id, documents, chunks, sentences, terms)


def embed_segments(
    segments: list[tuple[Segment, SourceEntry | None]],
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
            old = Segment.load(segments_dir / replaced.segment, replaced.segment_sha256)
        except BadIndexError as exc:
            log.info("not reusing vectors of %s: %s", replaced.source, exc)
            continue
        vectors, sentence_vectors = old.vector_rows()
        known.update(zip(segment_texts(old, old.chunks, settings.embed_context), vectors))
        known.update(zip(segment_texts(old, old.sentences, settings.embed_context), sentence_vectors))
    wanted = [
        (segment_texts(s, s.chunks, settings.embed_context), segment_texts(s, s.sentences, settings.embed_context))
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


def write_segments(
    segments: list[Segment], segments_dir: Path, dim: int, hnsw_threshold: int
) -> tuple[dict[str, str], int]:
    """Write the new segments; return the checksum of each one's `segment.json` (by
    segment id) and the bytes written."""
    checksums, written = {}, 0
    for segment in segments:
        before = _folder_bytes(segments_dir / segment.id)
        checksums[segment.id] = segment.write(segments_dir, dim, hnsw_threshold)
        written += _folder_bytes(segments_dir / segment.id) - before
    return checksums, written


def _same_stat(entry: SourceEntry, size: int, mtime_ns: int, previous: Manifest | None) -> bool:
    """Whether a file's size and modification time say it is unchanged since the last run."""
    run_started = previous.started_ns if previous else 0
    return entry.size == size and entry.mtime_ns == mtime_ns and mtime_ns < run_started - RACY_NS


def _finished_segment(folder: Path) -> SourceEntry | None:
    """The manifest entry of a complete segment already on disk (None when there is none)."""
    path = folder / SEGMENT_FILE
    try:
        data = path.read_bytes()
        entry = SourceEntry.from_json(json.loads(data))
    except (OSError, ValueError, KeyError):
        return None
    return replace(entry, segment_sha256=hashlib.sha256(data).hexdigest())


def _reusable(index_dir: Path, settings: Settings, embedder: Embedder) -> Manifest | None:
    """The current version's manifest, if its segments can be reused by this run."""
    try:
        pointer = read_pointer(index_dir)
        if pointer is None:
            return None
        manifest = read_manifest(index_dir / pointer.version, pointer.manifest_sha256)
    except BadIndexError as exc:
        log.warning("not reusing the existing index: %s", exc)
        return None
    if manifest.model != _model_entry(embedder) or manifest.chunking != _chunking_entry(settings):
        log.info("model or chunking settings changed: re-embedding everything")
        return None
    return manifest


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
    """What the manifest says of the model: vectors of another model are not reused."""
    return {"name": embedder.name, "dim": embedder.dim, "document_prompt": embedder.document_prompt}


def _chunking_entry(settings: Settings) -> dict[str, Any]:
    """What the manifest says of chunking: segments chunked otherwise are not reused."""
    return {
        "size": settings.chunk_size,
        "overlap": settings.chunk_overlap,
        "embed_context": settings.embed_context,
        "text_recipe": TEXT_RECIPE,
    }
