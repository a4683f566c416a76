"""The Milvus backend: the index served from Milvus collections, so that several app
processes, on several machines, serve one library and see each other's changes. The URI
is a Milvus server or cluster (`http://host:19530`) or a local `.db` file (Milvus Lite, in
this process, through the same client calls).

Three collections, named `<RAG_MILVUS_COLLECTION>_<kind>`:

    _chunks     pk "<segment>/<row>", segment, doc_id, text, vector (unit: IP is the cosine),
                bm25 (sparse: each word's BM25 term weight in the chunk, see below)
    _sentences  pk "<segment>/<row>", segment, doc_id, vector
    _files      pk "<segment>/<part>": part 0 is the segment's manifest entry, its commit
                record; parts 1.. its records (documents with their whole text, chunks,
                sentences, the words' document frequencies), compressed, in pieces.
                pk "meta": the format, model and chunking, and a generation that every
                change renews (readers poll it to see that the library changed).

BM25 is computed by us, exactly as the embedded `LexicalStore` does (same jieba tokens,
Lucene's formula), and stored as sparse vectors: a chunk holds `tf / (tf + norm(length))`
for each of its words, a query `idf` for each of its words, and Milvus's inner product is
the BM25 score. The idf comes from the document frequencies of the whole library (read with
the records), so it is exact; the length norm uses the library's average chunk length when
the chunk was written (benchmarks/milvus_bm25.py compares this with Milvus's own BM25).

A change is built locally first (`build_index` into `index_dir`); `publish` then inserts
the segments the collection lacks (rows first, the part-0 record last, so a reader never
sees half a segment) and deletes those this library put there and no longer holds
(record first). Segments other processes added are theirs: they are never deleted here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import time
import uuid
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.indexing import FORMAT_VERSION, OPEN_ATTEMPTS, Index, current_manifest
from rag.library import LibraryError, UploadError
from rag.schema import Document
from rag.segments import REBUILD_HINT, SEGMENTS, BadIndexError, Segment, SegmentRecords
from rag.settings import Settings
from rag.stores import bm25_idf, bm25_norm

log = logging.getLogger(__name__)

# 1: chunks, sentences and files collections as described above.
MILVUS_FORMAT = 1
CHUNKS, SENTENCES, FILES = "chunks", "sentences", "files"
META = "meta"
# Milvus's limits: a VARCHAR holds at most 65,535 bytes; a search returns at most 16,384 hits.
VARCHAR_BYTES = 65_535
MAX_TOPK = 16_384
# Records are stored as base64 of zlib in pieces of this many characters (one row each).
PIECE_CHARS = 60_000
ID_BYTES = 4096  # a document id (derived from a file name) is far shorter
INSERT_BATCH = 1000
# `score` of up to this many rows fetches their vectors (cached: a pk's vector never
# changes) and scores them exactly; more rows are scored by one search among their documents.
FETCH_ROWS = 4096
CACHED_VECTORS = 200_000
# HNSW, as a Milvus cluster serves vectors (docs/scale-plan.md); `ef` at least k.
DENSE_INDEX = {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 16, "efConstruction": 200}}
SEARCH_EF = 128
CONNECT_TIMEOUT_S = 10.0


def term_key(token: str) -> int:
    """A word's dimension in the sparse BM25 vectors: a stable 32-bit hash (Milvus takes
    dimensions below 2**32 - 1; two words of a 100,000-word vocabulary share one with
    odds of about 1 in 860)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "big") % (2**32 - 1)


class MilvusBackend:
    """The index in Milvus collections (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.uri = settings.milvus_address
        self.prefix = settings.milvus_collection
        # Who added a segment: a process deletes only its own library's segments.
        self.owner = f"{socket.gethostname()}:{settings.library_dir.resolve()}"
        self._client: Any = None
        self._loaded: set[str] = set()
        self._held: dict[str, tuple[SegmentRecords, dict[str, int]]] = {}  # segment -> records, word dfs
        self._cache: dict[str, OrderedDict[str, np.ndarray]] = {CHUNKS: OrderedDict(), SENTENCES: OrderedDict()}

    # ------------------------------------------------------------------------------
    # The connection
    # ------------------------------------------------------------------------------

    def describe(self) -> str:
        return f"Milvus collection {self.prefix} at {self.uri}"

    @contextmanager
    def calls(self) -> Iterator[Any]:
        """The client, connected once; any client or server error becomes one
        `BadIndexError` line naming the server."""
        MilvusClient, MilvusException = _pymilvus()
        hint = ""
        try:
            if self._client is None:
                if self.uri.endswith(".db"):
                    hint = " (Milvus Lite serves one process per file: for several, run a Milvus server and set RAG_MILVUS_URI=http://host:19530)"  # fmt: skip
                self._client = MilvusClient(
                    uri=self.uri, token=self.settings.milvus_token or "", timeout=CONNECT_TIMEOUT_S
                )
                hint = ""
            yield self._client
        except MilvusException as exc:
            reason = str(getattr(exc, "message", "") or exc).splitlines()[0]
            raise BadIndexError(f"Milvus at {self.uri}: {reason}{hint}") from None

    def name(self, kind: str) -> str:
        return f"{self.prefix}_{kind}"

    def _load(self, client: Any, kind: str) -> None:
        """Collections are searched once loaded (a no-op when another client did)."""
        if kind not in self._loaded:
            client.load_collection(self.name(kind))
            self._loaded.add(kind)

    # ------------------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------------------

    def version(self) -> str | None:
        meta = self._meta()
        return None if meta is None else str(meta["generation"])

    def _meta(self) -> dict[str, Any] | None:
        with self.calls() as client:
            if not client.has_collection(self.name(FILES)):
                return None
            self._load(client, FILES)
            rows = client.get(self.name(FILES), ids=[META], output_fields=["data"])
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
            entries = self._entries()
            try:
                held = [self._records(e) for e in entries]
                break
            except _Gone:
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise BadIndexError(f"{self.describe()} kept changing while it was read; try again") from None
        entries, held = _first_of_each_id(entries, held)
        listed = {e["segment"] for e in entries}
        self._held = {k: v for k, v in self._held.items() if k in listed}
        segments = [records for records, _ in held]
        df: Counter[str] = Counter()
        for _, counts in held:
            df.update(counts)
        manifest = {
            "format_version": FORMAT_VERSION,
            "backend": "milvus",
            "model": meta["model"],
            "chunking": meta["chunking"],
            "library": None,
            "sources": entries,
            "skipped": [],
        }
        dim = int(meta["model"]["dim"])
        chunks = _Rows(self, CHUNKS, dim, segments, [[c.doc_id for c in s.chunks] for s in segments])
        sentences = _Rows(self, SENTENCES, dim, segments, [[x.doc_id for x in s.sentences] for s in segments])
        lexical = MilvusLexical(chunks, dict(df))
        return Index(
            manifest, segments, MilvusVectors(chunks), MilvusVectors(sentences), lexical, str(meta["generation"])
        )

    def _entries(self) -> list[dict[str, Any]]:
        """The committed segments' entries (with their owner), in source order."""
        entries = []
        for row in self._query(FILES, "part == 0", ["owner", "data"]):
            entries.append({**json.loads(row["data"]), "owner": row["owner"]})
        return sorted(entries, key=lambda e: (e["source"], e["segment"]))

    def _query(self, kind: str, expression: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every row matching `expression` (in batches: a query returns at most 16,384)."""
        with self.calls() as client:
            self._load(client, kind)
            iterator = client.query_iterator(
                self.name(kind), batch_size=INSERT_BATCH, filter=expression, output_fields=fields
            )
            try:
                while batch := iterator.next():
                    yield from batch
            finally:
                iterator.close()

    def _records(self, entry: dict[str, Any]) -> tuple[SegmentRecords, dict[str, int]]:
        held = self._held.get(entry["segment"])
        if held is not None:
            return held
        ids = [f"{entry['segment']}/{part}" for part in range(1, entry["parts"] + 1)]
        with self.calls() as client:
            rows = {r["pk"]: r["data"] for r in client.get(self.name(FILES), ids=ids, output_fields=["data"])}
        if len(rows) != len(ids):
            raise _Gone
        payload = json.loads(zlib.decompress(base64.b64decode("".join(rows[i] for i in ids))))
        held = self._held[entry["segment"]] = (SegmentRecords.of_records(entry, payload["records"]), payload["df"])
        return held

    def vectors(self, kind: str, pks: list[str], dim: int) -> np.ndarray:
        """The stored vectors of `pks` (zeros for a row deleted meanwhile)."""
        cache = self._cache[kind]
        missing = [pk for pk in dict.fromkeys(pks) if pk not in cache]
        with self.calls() as client:
            for at in range(0, len(missing), INSERT_BATCH):
                for row in client.get(self.name(kind), ids=missing[at : at + INSERT_BATCH], output_fields=["vector"]):
                    cache[row["pk"]] = np.asarray(row["vector"], dtype=np.float32)
        while len(cache) > CACHED_VECTORS:
            cache.popitem(last=False)
        return (
            np.stack([cache.get(pk, np.zeros(dim, np.float32)) for pk in pks])
            if pks
            else np.zeros((0, dim), np.float32)
        )

    def search(
        self, kind: str, field: str, data: Any, k: int, expression: str, params: dict[str, Any]
    ) -> list[tuple[str, float]]:
        """(pk, score) of the best `k` rows of `kind` for one query vector."""
        with self.calls() as client:
            self._load(client, kind)
            found = client.search(
                self.name(kind),
                data=[data],
                anns_field=field,
                limit=min(k, MAX_TOPK),
                filter=expression,
                output_fields=["pk"],
                search_params=params,
            )
        return [(hit["pk"], float(hit["distance"])) for hit in found[0]]

    def check_removable(self, index: Index, document: Document) -> None:
        owner = next((e["owner"] for e in index.manifest["sources"] if document.doc_id in e["doc_ids"]), self.owner)
        if owner != self.owner:
            raise LibraryError(f"{document.title}: added by another server ({owner}); delete it there")

    def check_upload(self, index: Index, base_id: str, name: str) -> None:
        """Document ids come from file names, made unique within one library only: a name
        another server's file has would give its ids twice."""
        for entry in index.manifest["sources"]:
            if entry["owner"] != self.owner and any(d == base_id or d.startswith(f"{base_id}/") for d in entry["doc_ids"]):
                raise UploadError(f"{name}: another server added a file of this name ({entry['owner']}); rename it and upload again")

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
        with self.calls() as client:
            if rebuild:
                for kind in (CHUNKS, SENTENCES, FILES):
                    client.drop_collection(self.name(kind))
                self._loaded.clear()
        meta = self._meta()
        if meta is None:
            self._create(int(local["model"]["dim"]))
        elif (
            meta.get("format") != MILVUS_FORMAT
            or meta["model"] != local["model"]
            or meta["chunking"] != local["chunking"]
        ):
            raise BadIndexError(
                f"{self.describe()} was built with another model, chunking or format ({meta['model']['name']}); "
                "rebuild it with: rag index --rebuild (that drops what other servers added: they index again)"
            )
        committed = {e["segment"]: e for e in self._entries()}
        wanted = {e["segment"]: e for e in local["sources"]}
        gone = [s for s, e in committed.items() if e["owner"] == self.owner and s not in wanted]
        kept = [e for s, e in committed.items() if s not in gone]
        # A file another server holds already (the same content, under its own path) is served once.
        held = {e["sha256"] for e in kept}
        new = [e for s, e in wanted.items() if s not in committed and e["sha256"] not in held]
        _check_ids(new, kept)
        if meta is not None and not gone and not new:
            return
        segments = [Segment.load(index_dir / SEGMENTS / e["segment"], e.get("segment_sha256")) for e in new]
        rows = sum(e["chunks"] for e in kept) + sum(len(s.chunks) for s in segments)
        tokens = sum(e["tokens"] for e in kept) + sum(float(s.terms.counts.sum()) for s in segments)
        average = tokens / max(rows, 1)
        for segment_id in gone:
            self._delete(segment_id)
        for segment in tqdm(segments, desc="Milvus", unit="file", disable=None, leave=False):
            self._insert(segment, average)
        self._write_meta(local)
        with self.calls() as client:
            for kind in (CHUNKS, SENTENCES, FILES):
                client.flush(self.name(kind))
        log.info("%s: %d files added, %d removed", self.describe(), len(segments), len(gone))

    def _create(self, dim: int) -> None:
        from pymilvus import DataType

        with self.calls() as client:
            for kind in (CHUNKS, SENTENCES, FILES):
                schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
                schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=128)
                schema.add_field("segment", DataType.VARCHAR, max_length=64)
                indexes = client.prepare_index_params()
                indexes.add_index(field_name="segment", index_type="INVERTED")
                if kind == FILES:
                    schema.add_field("part", DataType.INT32)
                    schema.add_field("owner", DataType.VARCHAR, max_length=ID_BYTES)
                    schema.add_field("data", DataType.VARCHAR, max_length=VARCHAR_BYTES)
                    # Milvus wants a vector field in every collection; records have none.
                    schema.add_field("marker", DataType.FLOAT_VECTOR, dim=2)
                    indexes.add_index(field_name="marker", index_type="FLAT", metric_type="L2")
                else:
                    schema.add_field("doc_id", DataType.VARCHAR, max_length=ID_BYTES)
                    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
                    indexes.add_index(field_name="doc_id", index_type="INVERTED")
                    indexes.add_index(field_name="vector", **DENSE_INDEX)
                if kind == CHUNKS:
                    schema.add_field("text", DataType.VARCHAR, max_length=VARCHAR_BYTES)
                    schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
                    indexes.add_index(field_name="bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
                client.create_collection(
                    self.name(kind), schema=schema, index_params=indexes, consistency_level="Strong"
                )
        self._loaded.clear()

    def _insert(self, segment: Segment, average: float) -> None:
        """A segment's rows, then its records, then its part-0 record: it is committed."""
        self._delete(segment.id)  # what an interrupted insert of it left
        vectors, sentence_vectors = segment.vector_rows()
        chunk_rows = [
            {
                "pk": f"{segment.id}/{i}",
                "segment": segment.id,
                "doc_id": c.doc_id,
                "text": _fit(c.text),
                "vector": v.tolist(),
                "bm25": w,
            }
            for i, (c, v, w) in enumerate(zip(segment.chunks, vectors, _term_weights(segment, average)))
        ]
        sentence_rows = [
            {"pk": f"{segment.id}/{i}", "segment": segment.id, "doc_id": s.doc_id, "vector": v.tolist()}
            for i, (s, v) in enumerate(zip(segment.sentences, sentence_vectors))
        ]
        df = np.bincount(segment.terms.term_ids, minlength=len(segment.terms.terms))
        payload = {"records": segment.records(), "df": dict(zip(segment.terms.terms, df.tolist()))}
        encoded = base64.b64encode(zlib.compress(json.dumps(payload, ensure_ascii=False).encode())).decode()
        pieces = [encoded[at : at + PIECE_CHARS] for at in range(0, len(encoded), PIECE_CHARS)]
        entry = {**segment.entry(), "parts": len(pieces), "tokens": float(segment.terms.counts.sum())}
        file_rows = [
            self._file_row(segment.id, p, data)
            for p, data in enumerate([json.dumps(entry, ensure_ascii=False), *pieces])
        ]
        with self.calls() as client:
            for kind, rows in (
                (CHUNKS, chunk_rows),
                (SENTENCES, sentence_rows),
                (FILES, file_rows[1:]),
                (FILES, file_rows[:1]),
            ):
                for at in range(0, len(rows), INSERT_BATCH):
                    client.insert(self.name(kind), rows[at : at + INSERT_BATCH])

    def _file_row(self, segment: str, part: int, data: str) -> dict[str, Any]:
        return {
            "pk": f"{segment}/{part}",
            "segment": segment,
            "part": part,
            "owner": self.owner,
            "data": data,
            "marker": [1.0, 0.0],
        }

    def _delete(self, segment: str) -> None:
        """Its part-0 record first (readers stop listing it), then all its rows."""
        expression = f"segment == {json.dumps(segment)}"
        with self.calls() as client:
            client.delete(self.name(FILES), ids=[f"{segment}/0"])
            for kind in (CHUNKS, SENTENCES, FILES):
                client.delete(self.name(kind), filter=expression)

    def _write_meta(self, local: dict[str, Any]) -> None:
        meta = {
            "format": MILVUS_FORMAT,
            "model": local["model"],
            "chunking": local["chunking"],
            "generation": f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}",
        }
        row = {**self._file_row("", -1, json.dumps(meta)), "pk": META}
        with self.calls() as client:
            client.upsert(self.name(FILES), [row])


def _check_ids(new: list[dict[str, Any]], kept: list[dict[str, Any]]) -> None:
    """Document ids come from file names; two servers' files of one name would clash."""
    used = {d: e for e in kept for d in e["doc_ids"]}
    for entry in new:
        clash = next((d for d in entry["doc_ids"] if d in used), None)
        if clash is not None:
            other = used[clash]
            raise BadIndexError(
                f"{entry['source']}: its document id {clash!r} is taken by {other['source']} (added by {other['owner']}); "
                "rename the file"
            )


def _first_of_each_id(entries: list[dict[str, Any]], held: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Entries (and their records) without a segment whose document ids an earlier one
    uses already: two servers publishing files of one name at the same moment."""
    seen: set[str] = set()
    kept_entries, kept_held = [], []
    for entry, records in zip(entries, held):
        if seen.isdisjoint(entry["doc_ids"]):
            seen.update(entry["doc_ids"])
            kept_entries.append(entry)
            kept_held.append(records)
        else:
            log.warning("%s: its document ids are taken by another file; it is not served", entry["source"])
    return kept_entries, kept_held


class _Gone(Exception):
    """A segment listed a moment ago was deleted before its records were read."""


class _Rows:
    """The rows of one collection as one index version numbers them: segments one after
    another, in the version's order. Hits of segments the version does not hold (added
    since, or being added) are left out."""

    def __init__(self, backend: MilvusBackend, kind: str, dim: int, segments: Sequence[SegmentRecords], doc_ids: list[list[str]]) -> None:  # fmt: skip
        self.backend = backend
        self.kind = kind
        self.dim = dim
        self.ids = [s.id for s in segments]
        sizes = [len(d) for d in doc_ids]
        self.starts = np.cumsum([0, *sizes])[:-1].astype(np.int64)
        self.first = dict(zip(self.ids, self.starts.tolist()))
        self.doc_of = [d for docs in doc_ids for d in docs]
        self.all_docs = set(self.doc_of)

    def pks(self, rows: np.ndarray) -> list[str]:
        part = np.searchsorted(self.starts, rows, side="right") - 1
        return [f"{self.ids[p]}/{r - self.starts[p]}" for p, r in zip(part.tolist(), rows.tolist())]

    def row(self, pk: str) -> int | None:
        segment, _, local = pk.rpartition("/")
        first = self.first.get(segment)
        return None if first is None else first + int(local)

    def search(
        self, field: str, data: Any, k: int, allowed: np.ndarray | None, params: dict[str, Any]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the best `k` hits, among `allowed` rows' documents when given."""
        expression, wanted = "", None
        if allowed is not None:
            wanted = set(np.asarray(allowed, dtype=np.int64).tolist())
            if not wanted:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            expression = self._within({self.doc_of[r] for r in wanted})
        hits = []
        for pk, score in self.backend.search(self.kind, field, data, k, expression, params):
            row = self.row(pk)
            if row is not None and (wanted is None or row in wanted):
                hits.append((row, score))
        return np.asarray([r for r, _ in hits], dtype=np.int64), np.asarray([s for _, s in hits], dtype=np.float32)


    def _within(self, doc_ids: set[str]) -> str:
        """A filter for rows of `doc_ids`: as the documents left out when they are most of
        the library ("similar" searches every document but one)."""
        others = self.all_docs - doc_ids
        if len(others) < len(doc_ids):
            return f"doc_id not in {json.dumps(sorted(others), ensure_ascii=False)}" if others else ""
        return f"doc_id in {json.dumps(sorted(doc_ids), ensure_ascii=False)}"


class MilvusVectors:
    """`VectorSearch` over a collection's vectors: HNSW search on the server."""

    def __init__(self, rows: _Rows) -> None:
        self.rows = rows

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        vector = query.reshape(-1).astype(np.float32)
        if allowed is not None and len(allowed) <= FETCH_ROWS:  # exact, as the embedded store is
            rows = np.asarray(allowed, dtype=np.int64)
            scores = self.score(vector, rows)
            best = np.argsort(-scores, kind="stable")[:k]
            return rows[best], scores[best]
        return self.rows.search("vector", vector.tolist(), k, allowed, _dense_params(k))

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosines for up to `FETCH_ROWS` rows; beyond, the best `MAX_TOPK` of them
        by one search (the others get -1: callers rank and keep the best few)."""
        rows = np.asarray(rows, dtype=np.int64)
        vector = query.reshape(-1).astype(np.float32)
        if len(rows) <= FETCH_ROWS:
            return self.rows.backend.vectors(self.rows.kind, self.rows.pks(rows), self.rows.dim) @ vector
        found, scores = self.rows.search("vector", vector.tolist(), MAX_TOPK, rows, _dense_params(MAX_TOPK))
        out = np.full(len(rows), -1.0, np.float32)
        position = {r: i for i, r in enumerate(rows.tolist())}
        for row, score in zip(found.tolist(), scores.tolist()):
            out[position[row]] = score
        return out


class MilvusLexical:
    """`TextSearch` as BM25 over the chunks' sparse vectors (see the module docstring)."""

    def __init__(self, rows: _Rows, df: dict[str, int]) -> None:
        self.rows = rows
        self.df = df
        self.size = len(rows.doc_of)

    def idf(self, token: str) -> float:
        return bm25_idf(self.size, self.df.get(token, 0))

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        weights: dict[int, float] = {}
        for token in tokens:  # a repeated word counts again, as in the embedded store
            key = term_key(token)
            weights[key] = weights.get(key, 0.0) + self.idf(token)
        if not weights or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return self.rows.search("bm25", weights, k, allowed, {"metric_type": "IP"})


def _pymilvus() -> tuple[Any, type[Exception]]:
    """pymilvus's client and error, imported on first use (the embedded backend never
    pays for it), with its loggers quieted: every client error becomes one line naming the
    server, and pymilvus (and Milvus Lite's in-process gRPC server) would log each again
    with its stack; gRPC's C core would print its keepalive chatter."""
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    for name in ("pymilvus", "pymilvus.milvus_client", "grpc._server", "milvus_lite"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return MilvusClient, MilvusException


def _dense_params(k: int) -> dict[str, Any]:
    return {"metric_type": "IP", "params": {"ef": max(SEARCH_EF, min(k, MAX_TOPK))}}


def _term_weights(segment: Segment, average: float) -> list[dict[int, float]]:
    """Each chunk's sparse BM25 vector: `tf / (tf + norm)` per word (see the module docstring)."""
    terms = segment.terms
    rows = len(terms)
    lengths = np.bincount(np.repeat(np.arange(rows), np.diff(terms.indptr)), weights=terms.counts, minlength=rows)
    norms = bm25_norm(lengths, average)
    keys = [term_key(t) for t in terms.terms]
    out = []
    for row in range(rows):
        start, end = terms.indptr[row], terms.indptr[row + 1]
        weights: dict[int, float] = {}
        for column, tf in zip(terms.term_ids[start:end].tolist(), terms.counts[start:end].tolist()):
            key = keys[column]
            weights[key] = weights.get(key, 0.0) + tf / (tf + float(norms[row]))
        out.append(weights)
    return out


def _fit(text: str) -> str:
    """`text` cut to what a VARCHAR holds (a chunk is far shorter; the records keep it whole)."""
    data = text.encode()
    return text if len(data) <= VARCHAR_BYTES else data[:VARCHAR_BYTES].decode(errors="ignore")
