"""The connection to Milvus: one client, made on first use, whose every error becomes one
`BadIndexError` line naming the server; and the calls the backend makes through it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from rag.index import BadIndexError

CHUNKS, SENTENCES, FILES = "chunks", "sentences", "files"
# Milvus's limit: a search returns at most 16,384 hits.
MAX_TOPK = 16_384
# Rows go in (and a query iterator comes back) in batches of this many.
INSERT_BATCH = 1000
CONNECT_TIMEOUT_S = 10.0


class MilvusConnection:
    """The collections `<prefix>_<kind>` at `uri`, through one client connected on first use."""

    def __init__(self, uri: str, token: str, prefix: str) -> None:
        self.uri = uri
        self.token = token
        self.prefix = prefix
        self._client: Any = None
        self._loaded: set[str] = set()

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
                self._client = MilvusClient(uri=self.uri, token=self.token, timeout=CONNECT_TIMEOUT_S)
                hint = ""
            yield self._client
        except MilvusException as exc:
            reason = str(getattr(exc, "message", "") or exc).splitlines()[0]
            raise BadIndexError(f"Milvus at {self.uri}: {reason}{hint}") from None

    def name(self, kind: str) -> str:
        """The collection of `kind` (CHUNKS, SENTENCES or FILES)."""
        return f"{self.prefix}_{kind}"

    def load(self, client: Any, kind: str) -> None:
        """Collections are searched once loaded (a no-op when another client did)."""
        if kind not in self._loaded:
            client.load_collection(self.name(kind))
            self._loaded.add(kind)

    def forget_loaded(self) -> None:
        """Collections were dropped or created: load them again before use."""
        self._loaded.clear()

    def query(self, kind: str, expression: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every row matching `expression` (in batches: a query returns at most 16,384)."""
        with self.calls() as client:
            self.load(client, kind)
            iterator = client.query_iterator(
                self.name(kind), batch_size=INSERT_BATCH, filter=expression, output_fields=fields
            )
            try:
                while batch := iterator.next():
                    yield from batch
            finally:
                iterator.close()

    def search(
        self, kind: str, field: str, data: Any, k: int, expression: str, params: dict[str, Any]
    ) -> list[tuple[str, float]]:
        """(pk, score) of the best `k` rows of `kind` for one query vector."""
        with self.calls() as client:
            self.load(client, kind)
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


@cache
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
