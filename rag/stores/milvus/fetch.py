"""Reading back what the collections hold: a segment's records (kept while a version lists
the segment: they never change) and stored vectors (an LRU cache: a pk's vector never changes)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from rag.index.segment import SegmentRecords
from rag.stores.milvus.connection import CHUNKS, FILES, INSERT_BATCH, SENTENCES, MilvusConnection
from rag.stores.milvus.layout import StoredSegment, decode_records

CACHED_VECTORS = 200_000


class Gone(Exception):
    """A segment listed a moment ago was deleted before its records were read."""


class Fetcher:
    """Records and vectors read from the collections, remembered."""

    def __init__(self, connection: MilvusConnection) -> None:
        self.connection = connection
        self._held: dict[str, tuple[SegmentRecords, dict[str, int]]] = {}  # segment -> records, word dfs
        self._cache: dict[str, OrderedDict[str, np.ndarray]] = {CHUNKS: OrderedDict(), SENTENCES: OrderedDict()}

    def records(self, stored: StoredSegment) -> tuple[SegmentRecords, dict[str, int]]:
        """A segment's records and its words' document frequencies; `Gone` when it was
        deleted meanwhile."""
        segment = stored.entry.segment
        held = self._held.get(segment)
        if held is not None:
            return held
        ids = [f"{segment}/{part}" for part in range(1, stored.parts + 1)]
        with self.connection.calls() as client:
            rows = {r["pk"]: r["data"] for r in client.get(self.connection.name(FILES), ids=ids, output_fields=["data"])}
        if len(rows) != len(ids):
            raise Gone
        payload = decode_records([rows[i] for i in ids])
        held = self._held[segment] = (SegmentRecords.of_records(stored.entry, payload["records"]), payload["df"])
        return held

    def keep_only(self, segments: set[str]) -> None:
        """Forget the records of segments the version being opened does not list."""
        self._held = {k: v for k, v in self._held.items() if k in segments}

    def vectors(self, kind: str, pks: list[str], dim: int) -> np.ndarray:
        """The stored vectors of `pks` (zeros for a row deleted meanwhile)."""
        cache = self._cache[kind]
        missing = [pk for pk in dict.fromkeys(pks) if pk not in cache]
        with self.connection.calls() as client:
            for at in range(0, len(missing), INSERT_BATCH):
                for row in client.get(self.connection.name(kind), ids=missing[at : at + INSERT_BATCH], output_fields=["vector"]):
                    cache[row["pk"]] = np.asarray(row["vector"], dtype=np.float32)
        while len(cache) > CACHED_VECTORS:
            cache.popitem(last=False)
        return (
            np.stack([cache.get(pk, np.zeros(dim, np.float32)) for pk in pks])
            if pks
            else np.zeros((0, dim), np.float32)
        )
