"""`MilvusBackend`: opening the library as the collections hold it, publishing the local
index into them, and the generation readers poll (see the package docstring)."""

from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from collections import Counter
from typing import Any

from tqdm import tqdm

from rag.index import REBUILD_HINT, BadIndexError, Index, Manifest, current_manifest
from rag.index.loaded import OPEN_ATTEMPTS
from rag.index.manifest import SEGMENTS
from rag.index.segment import Segment, SegmentRecords
from rag.settings import Settings
from rag.stores.milvus.connection import CHUNKS, FILES, INSERT_BATCH, SENTENCES, MilvusConnection
from rag.stores.milvus.fetch import Fetcher, Gone
from rag.stores.milvus.layout import StoredSegment, create_collections, file_row, segment_rows
from rag.stores.milvus.search import CollectionRows, MilvusLexical, MilvusVectors

log = logging.getLogger(__name__)

# 1: chunks, sentences and files collections as described in the package docstring.
MILVUS_FORMAT = 1
META = "meta"


class MilvusBackend:
    """The index in Milvus collections (see the package docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        token = settings.milvus_token or ""
        self.connection = MilvusConnection(settings.milvus_address, token, settings.milvus_collection)
        # Who added a segment: a process deletes only its own library's segments.
        self.owner = f"{socket.gethostname()}:{settings.library_dir.resolve()}"
        self.fetcher = Fetcher(self.connection)

    def describe(self) -> str:
        return f"Milvus collection {self.connection.prefix} at {self.connection.uri}"

    # ------------------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------------------

    def version(self) -> str | None:
        meta = self._meta()
        return None if meta is None else str(meta["generation"])

    def _meta(self) -> dict[str, Any] | None:
        with self.connection.calls() as client:
            if not client.has_collection(self.connection.name(FILES)):
                return None
            self.connection.load(client, FILES)
            rows = client.get(self.connection.name(FILES), ids=[META], output_fields=["data"])
        return json.loads(rows[0]["data"]) if rows else None

    def _checked_meta(self) -> dict[str, Any]:
        meta = self._meta()
        where = self.describe()
        if meta is None:
            raise BadIndexError(f"no index in {where}; build one with: rag index (with RAG_BACKEND=milvus)")
        if meta.get("format") != MILVUS_FORMAT:
            raise BadIndexError(
                f"{where} has format {meta.get('format')}, this version reads format {MILVUS_FORMAT}; {REBUILD_HINT}"
            )
        built_with = meta["model"]["name"]
        if built_with != self.settings.model:
            raise BadIndexError(
                f"{where} was built with model {built_with!r}, not {self.settings.model!r}; {REBUILD_HINT} "
                f"(or set RAG_MODEL={built_with})"
            )
        return meta

    def open(self, reuse: Index | None = None) -> Index:
        """The library as the collections hold it now. The records of segments this backend
        read before are kept here, so `reuse` adds nothing. A segment deleted by another
        process while its records are read makes the read start again."""
        meta = self._checked_meta()
        for attempt in range(OPEN_ATTEMPTS):
            stored = self._stored()
            try:
                held = [self.fetcher.records(s) for s in stored]
                break
            except Gone:
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise BadIndexError(f"{self.describe()} kept changing while it was read; try again") from None
        stored, held = _first_of_each_id(stored, held)
        self.fetcher.keep_only({s.entry.segment for s in stored})
        segments = [records for records, _ in held]
        df: Counter[str] = Counter()
        for _, counts in held:
            df.update(counts)
        manifest = Manifest(model=meta["model"], chunking=meta["chunking"], sources=tuple(s.entry for s in stored))
        dim = int(meta["model"]["dim"])
        chunk_docs = [[c.doc_id for c in s.chunks] for s in segments]
        sentence_docs = [[x.doc_id for x in s.sentences] for s in segments]
        chunks = CollectionRows(self.connection, self.fetcher, CHUNKS, dim, segments, chunk_docs)
        sentences = CollectionRows(self.connection, self.fetcher, SENTENCES, dim, segments, sentence_docs)
        lexical = MilvusLexical(chunks, dict(df))
        return Index(
            manifest,
            segments,
            MilvusVectors(chunks),
            MilvusVectors(sentences),
            lexical,
            str(meta["generation"]),
            owner=self.owner,
        )

    def _stored(self) -> list[StoredSegment]:
        """The committed segments' records (with their owner), in source order."""
        stored = [StoredSegment.from_row(row) for row in self.connection.query(FILES, "part == 0", ["owner", "data"])]
        return sorted(stored, key=lambda s: (s.entry.source, s.entry.segment))

    # ------------------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------------------

    def publish(self, rebuild: bool = False) -> None:
        """Insert the local index's segments the collections lack and delete this library's
        segments it no longer lists; then renew the generation and flush."""
        index_dir = self.settings.index_dir
        local = current_manifest(index_dir)
        if local is None:
            raise BadIndexError(f"no index in {index_dir} to publish to {self.describe()}; build one with: rag index")
        if rebuild:
            with self.connection.calls() as client:
                for kind in (CHUNKS, SENTENCES, FILES):
                    client.drop_collection(self.connection.name(kind))
            self.connection.forget_loaded()
        meta = self._meta()
        if meta is None:
            create_collections(self.connection, int(local.model["dim"]))
        elif meta.get("format") != MILVUS_FORMAT or meta["model"] != local.model or meta["chunking"] != local.chunking:
            raise BadIndexError(
                f"{self.describe()} was built with another model, chunking or format ({meta['model']['name']}); "
                "rebuild it with: rag index --rebuild (that drops what other servers added: they index again)"
            )
        committed = {s.entry.segment: s for s in self._stored()}
        wanted = {e.segment: e for e in local.sources}
        gone = [k for k, s in committed.items() if s.entry.owner == self.owner and k not in wanted]
        kept = [s for k, s in committed.items() if k not in gone]
        # A file another server holds already (the same content, under its own path) is served once.
        held = {s.entry.sha256 for s in kept}
        new = [e for k, e in wanted.items() if k not in committed and e.sha256 not in held]
        _check_ids(new, kept)
        if meta is not None and not gone and not new:
            return
        segments = [Segment.load(index_dir / SEGMENTS / e.segment, e.segment_sha256) for e in new]
        rows = sum(s.entry.chunks for s in kept) + sum(len(s.chunks) for s in segments)
        tokens = sum(s.tokens for s in kept) + sum(float(s.terms.counts.sum()) for s in segments)
        average = tokens / max(rows, 1)
        for segment_id in gone:
            self._delete(segment_id)
        for segment in tqdm(segments, desc="Milvus", unit="file", disable=None, leave=False):
            self._insert(segment, average)
        self._write_meta(local)
        with self.connection.calls() as client:
            for kind in (CHUNKS, SENTENCES, FILES):
                client.flush(self.connection.name(kind))
        log.info("%s: %d files added, %d removed", self.describe(), len(segments), len(gone))

    def _insert(self, segment: Segment, average: float) -> None:
        """A segment's rows, then its records, then its part-0 record: it is committed."""
        self._delete(segment.id)  # what an interrupted insert of it left
        with self.connection.calls() as client:
            for kind, rows in segment_rows(segment, average, self.owner):
                for at in range(0, len(rows), INSERT_BATCH):
                    client.insert(self.connection.name(kind), rows[at : at + INSERT_BATCH])

    def _delete(self, segment: str) -> None:
        """Its part-0 record first (readers stop listing it), then all its rows."""
        expression = f"segment == {json.dumps(segment)}"
        with self.connection.calls() as client:
            client.delete(self.connection.name(FILES), ids=[f"{segment}/0"])
            for kind in (CHUNKS, SENTENCES, FILES):
                client.delete(self.connection.name(kind), filter=expression)

    def _write_meta(self, local: Manifest) -> None:
        meta = {
            "format": MILVUS_FORMAT,
            "model": local.model,
            "chunking": local.chunking,
            "generation": f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}",
        }
        row = {**file_row("", -1, json.dumps(meta), self.owner), "pk": META}
        with self.connection.calls() as client:
            client.upsert(self.connection.name(FILES), [row])


def _check_ids(new: list[Any], kept: list[StoredSegment]) -> None:
    """Document ids come from file names; two servers' files of one name would clash."""
    used = {d: s.entry for s in kept for d in s.entry.doc_ids}
    for entry in new:
        clash = next((d for d in entry.doc_ids if d in used), None)
        if clash is not None:
            other = used[clash]
            raise BadIndexError(
                f"{entry.source}: its document id {clash!r} is taken by {other.source} (added by {other.owner}); "
                "rename the file"
            )


def _first_of_each_id(
    stored: list[StoredSegment], held: list[tuple[SegmentRecords, dict[str, int]]]
) -> tuple[list[StoredSegment], list[tuple[SegmentRecords, dict[str, int]]]]:
    """Segments (and their records) without one whose document ids an earlier one uses
    already: two servers publishing files of one name at the same moment."""
    seen: set[str] = set()
    kept_stored, kept_held = [], []
    for segment, records in zip(stored, held):
        if seen.isdisjoint(segment.entry.doc_ids):
            seen.update(segment.entry.doc_ids)
            kept_stored.append(segment)
            kept_held.append(records)
        else:
            log.warning("%s: its document ids are taken by another file; it is not served", segment.entry.source)
    return kept_stored, kept_held
