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

The modules: `connection` (the client, its errors, the calls), `layout` (the collections'
schema and the rows a segment becomes), `fetch` (reading records and vectors back, cached),
`search` (the `VectorSearch` and `TextSearch` adapters), `backend` (open, publish, version).
"""

from rag.stores.milvus.backend import MilvusBackend

__all__ = ["MilvusBackend"]
