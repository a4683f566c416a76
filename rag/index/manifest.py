"""An index version's manifest, and the `CURRENT` file that says which version is in use.

On disk an index directory holds segments, numbered versions and a `CURRENT` file naming
the version in use:

    index/CURRENT             "v-20261122-150102-3f2a <sha256 of that version's manifest>"
    index/v-…/manifest.json   format, model, chunking, and per source file: its hashes, its
                              document ids and the segment (with that segment's checksum)
    index/segments/s-…/       one segment per source file (see rag/index/segment.py)

A new version is written into a hidden folder, moved into place and published by replacing
`CURRENT` in one atomic rename. Publishing keeps the previous version for readers that are
still opening it; older versions are removed, and a segment once no kept version lists it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from rag.index.errors import REBUILD_HINT, BadIndexError
from rag.index.files import fsync_tree, read_json, write_atomic

log = logging.getLogger(__name__)

# 3: per-file segments (2: one set of files per version).
FORMAT_VERSION = 3
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
SEGMENTS = "segments"


@dataclass(frozen=True)
class SourceEntry:
    """What a manifest says of one source file: its hashes, its document ids and its segment."""

    source: str
    sha256: str
    base_id: str
    segment: str
    doc_ids: tuple[str, ...]
    chunks: int
    sentences: int
    # The file's size and modification time when it was read: a file that still has them is
    # taken as unchanged without being read.
    size: int | None = None
    mtime_ns: int | None = None
    segment_sha256: str | None = None  # the checksum of the segment's segment.json, once written
    # Who added the file, where several libraries share one backend (Milvus); never written
    # into a manifest file.
    owner: str | None = None

    @classmethod
    def from_json(cls, record: dict[str, Any], owner: str | None = None) -> SourceEntry:
        """The entry a manifest (or a segment's record) holds; other keys are ignored."""
        return cls(
            record["source"],
            record["sha256"],
            record["base_id"],
            record["segment"],
            tuple(record["doc_ids"]),
            record["chunks"],
            record["sentences"],
            record.get("size"),
            record.get("mtime_ns"),
            record.get("segment_sha256"),
            owner,
        )

    def to_json(self) -> dict[str, Any]:
        """The record a manifest file holds (keys unset are left out; the owner never goes in)."""
        record: dict[str, Any] = {
            "source": self.source,
            "sha256": self.sha256,
            "base_id": self.base_id,
            "segment": self.segment,
            "doc_ids": list(self.doc_ids),
            "chunks": self.chunks,
            "sentences": self.sentences,
        }
        optional = {"size": self.size, "mtime_ns": self.mtime_ns, "segment_sha256": self.segment_sha256}
        record.update((k, v) for k, v in optional.items() if v is not None)
        return record


@dataclass(frozen=True)
class Manifest:
    """What an index version is made of: the recipe it was built with (model, chunking,
    ingest) and its sources in order. Read and written as `manifest.json`."""

    model: dict[str, Any]  # name, dim, document_prompt: the embedder's entry
    chunking: dict[str, Any] | None  # size, overlap, embed_context, text_recipe
    sources: tuple[SourceEntry, ...]
    # Files left out, with the reason: `rag inspect` shows them, and the app knows
    # they were seen (`Librarian.sync`).
    skipped: tuple[tuple[str, str], ...] = ()
    # The data directory when the index was built from the library's files: only such an
    # index is brought up to the library by `Librarian.sync`.
    library: str | None = None
    format_version: int | None = FORMAT_VERSION
    ingest_version: int | None = None
    created: str | None = None
    started_ns: int = 0  # when the run that built it began (`time.time_ns()`)

    @property
    def counts(self) -> dict[str, int]:
        """How many sources, documents, chunks and sentences the version holds."""
        return {
            "sources": len(self.sources),
            "documents": sum(len(e.doc_ids) for e in self.sources),
            "chunks": sum(e.chunks for e in self.sources),
            "sentences": sum(e.sentences for e in self.sources),
        }

    def to_bytes(self) -> bytes:
        """`manifest.json`'s bytes."""
        record = {
            "format_version": self.format_version,
            "model": self.model,
            "chunking": self.chunking,
            "ingest_version": self.ingest_version,
            "created": self.created,
            "started_ns": self.started_ns,
            "library": self.library,
            "counts": self.counts,
            "sources": [e.to_json() for e in self.sources],
            "skipped": [{"source": source, "reason": reason} for source, reason in self.skipped],
        }
        return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Manifest:
        """The manifest `manifest.json` holds (its format checked by `read_manifest`)."""
        return cls(
            model=record["model"],
            chunking=record.get("chunking"),
            sources=tuple(SourceEntry.from_json(e) for e in record["sources"]),
            skipped=tuple((s["source"], s["reason"]) for s in record.get("skipped", ())),
            library=record.get("library"),
            format_version=record.get("format_version"),
            ingest_version=record.get("ingest_version"),
            created=record.get("created"),
            started_ns=record.get("started_ns", 0),
        )


class Pointer(NamedTuple):
    """What `CURRENT` says: the version in use and the checksum of its manifest."""

    version: str
    manifest_sha256: str | None

    @property
    def name(self) -> str:
        """The pointer as `Index.version` holds it."""
        return " ".join(p for p in self if p)


def read_pointer(index_dir: Path) -> Pointer | None:
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
    return Pointer(fields[0], fields[1] if len(fields) == 2 else None)


def current_version(index_dir: Path) -> Path | None:
    """The version folder `CURRENT` points at; None when there is no index yet."""
    pointer = read_pointer(index_dir)
    return None if pointer is None else index_dir / pointer.version


def current_name(index_dir: Path) -> str | None:
    """What `CURRENT` says (the version and its manifest's checksum), as `Index.version`
    holds it; None when there is no index yet. Cheap: a reader checks it for new versions."""
    pointer = read_pointer(index_dir)
    return None if pointer is None else pointer.name


def current_manifest(index_dir: Path) -> Manifest | None:
    """The manifest of the current version, checked (None when there is no index yet)."""
    pointer = read_pointer(index_dir)
    if pointer is None:
        return None
    return read_manifest(index_dir / pointer.version, pointer.manifest_sha256)


def read_manifest(folder: Path, expected_sha256: str | None) -> Manifest:
    """The manifest of the version in `folder`, checked against its checksum and format."""
    record = read_json(folder / MANIFEST, expected_sha256)
    if not isinstance(record, dict):
        raise BadIndexError(f"index file {folder / MANIFEST} is corrupted; {REBUILD_HINT}")
    index_dir = folder.parent
    if record.get("format_version") != FORMAT_VERSION:
        raise BadIndexError(
            f"index in {index_dir} has format {record.get('format_version')}, this version reads "
            f"format {FORMAT_VERSION}; {REBUILD_HINT}"
        )
    if not isinstance(record.get("model"), dict) or not isinstance(record.get("sources"), list):
        raise BadIndexError(f"index file {index_dir} has a damaged manifest; {REBUILD_HINT}")
    return Manifest.from_json(record)


def write_version(index_dir: Path, manifest: Manifest) -> tuple[str, bytes]:
    """Write the new version's manifest into a hidden folder, then move it into place
    (not yet published); return its name and the manifest's bytes."""
    version = time.strftime("v-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    work = index_dir / f".building-{version}"
    work.mkdir()
    try:
        manifest_bytes = manifest.to_bytes()
        (work / MANIFEST).write_bytes(manifest_bytes)
        fsync_tree(work)
        os.rename(work, index_dir / version)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return version, manifest_bytes


def publish_version(index_dir: Path, version: str, manifest_sha256: str) -> None:
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


def remove_leftovers(index_dir: Path) -> None:
    """Half-written versions and segments from a run that was killed (the caller holds the
    run's lock, so none is live). Complete segments stay: the next run that needs one takes it up."""
    leftovers = [*index_dir.glob(".building-*"), *index_dir.glob(f".{CURRENT}.*"), *(index_dir / SEGMENTS).glob(".tmp-*")]
    for leftover in leftovers:
        log.info("removing leftover %s from an interrupted run", leftover)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink()
