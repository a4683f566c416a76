"""What the Milvus collections hold (see the package docstring): their schema, and the
rows one segment becomes: its chunk and sentence vectors with their sparse BM25 weights,
and its records, compressed into pieces of the files collection."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.index import SourceEntry
from rag.index.segment import Segment
from rag.stores.bm25 import TermCounts, bm25_norm
from rag.stores.milvus.connection import CHUNKS, FILES, SENTENCES, MilvusConnection

# Milvus's limit: a VARCHAR holds at most 65,535 bytes.
VARCHAR_BYTES = 65_535
# Records are stored as base64 of zlib in pieces of this many characters (one row each).
PIECE_CHARS = 60_000
ID_BYTES = 4096  # a document id (derived from a file name) is far shorter
# HNSW, as a Milvus cluster serves vectors (docs/scale-plan.md); `ef` at least k.
DENSE_INDEX = {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 16, "efConstruction": 200}}


@dataclass(frozen=True)
class StoredSegment:
    """A segment's part-0 record in the files collection: its manifest entry (with the
    owner that added it), how many pieces its records take and its BM25 token count."""

    entry: SourceEntry
    parts: int
    tokens: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredSegment:
        """The record a part-0 row of the files collection holds."""
        record = json.loads(row["data"])
        return cls(SourceEntry.from_json(record, owner=row["owner"]), record["parts"], record["tokens"])


def create_collections(connection: MilvusConnection, dim: int) -> None:
    """The three collections, empty, with their indexes."""
    from pymilvus import DataType

    with connection.calls() as client:
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
                connection.name(kind), schema=schema, index_params=indexes, consistency_level="Strong"
            )
    connection.forget_loaded()


def segment_rows(segment: Segment, average: float, owner: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """The rows `segment` becomes, as (collection kind, rows) in the order they go in:
    vectors, then records, then the part-0 record (its commit) on its own."""
    vectors, sentence_vectors = segment.vector_rows()
    chunk_rows = [
        {
            "pk": f"{segment.id}/{i}",
            "segment": segment.id,
            "doc_id": c.doc_id,
            "text": fit_varchar(c.text),
            "vector": v.tolist(),
            "bm25": w,
        }
        for i, (c, v, w) in enumerate(zip(segment.chunks, vectors, term_weights(segment.terms, average)))
    ]
    sentence_rows = [
        {"pk": f"{segment.id}/{i}", "segment": segment.id, "doc_id": s.doc_id, "vector": v.tolist()}
        for i, (s, v) in enumerate(zip(segment.sentences, sentence_vectors))
    ]
    df = np.bincount(segment.terms.term_ids, minlength=len(segment.terms.terms))
    payload = {"records": segment.records(), "df": dict(zip(segment.terms.terms, df.tolist()))}
    encoded = base64.b64encode(zlib.compress(json.dumps(payload, ensure_ascii=False).encode())).decode()
    pieces = [encoded[at : at + PIECE_CHARS] for at in range(0, len(encoded), PIECE_CHARS)]
    entry = {**segment.entry().to_json(), "parts": len(pieces), "tokens": float(segment.terms.counts.sum())}
    file_rows = [
        file_row(segment.id, p, data, owner) for p, data in enumerate([json.dumps(entry, ensure_ascii=False), *pieces])
    ]
    return [(CHUNKS, chunk_rows), (SENTENCES, sentence_rows), (FILES, file_rows[1:]), (FILES, file_rows[:1])]


def decode_records(pieces: list[str]) -> dict[str, Any]:
    """A segment's records and word document frequencies from its pieces, in order."""
    return json.loads(zlib.decompress(base64.b64decode("".join(pieces))))


def file_row(segment: str, part: int, data: str, owner: str) -> dict[str, Any]:
    """A row of the files collection."""
    return {
        "pk": f"{segment}/{part}",
        "segment": segment,
        "part": part,
        "owner": owner,
        "data": data,
        "marker": [1.0, 0.0],
    }


def term_key(token: str) -> int:
    """A word's dimension in the sparse BM25 vectors: a stable 32-bit hash (Milvus takes
    dimensions below 2**32 - 1; two words of a 100,000-word vocabulary share one with
    odds of about 1 in 860)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "big") % (2**32 - 1)


def term_weights(terms: TermCounts, average: float) -> list[dict[int, float]]:
    """Each chunk's sparse BM25 vector: `tf / (tf + norm)` per word (see the package docstring)."""
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


def fit_varchar(text: str) -> str:
    """`text` cut to what a VARCHAR holds (a chunk is far shorter; the records keep it whole)."""
    data = text.encode()
    return text if len(data) <= VARCHAR_BYTES else data[:VARCHAR_BYTES].decode(errors="ignore")
