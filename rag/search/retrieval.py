"""Hybrid retrieval: dense and BM25 rankings fused by reciprocal rank, then tidied.

Dense search finds paraphrases ("理科类骨干教师" for "数理化生等科学学科骨干教师");
BM25 finds exact names and figures the embedding blurs ("乌海", "57人"); a quoted phrase
in the query adds a third ranking by how much of the phrase a chunk contains, and documents
the query names by their metadata (`rag.search.naming`) a fourth. Reciprocal rank fusion
needs no score calibration between them (benchmarks/retrieval.py compares it with each
signal alone). Heavily overlapping chunks of one document, and identical passages repeated
across reports, are collapsed to one hit.

The `Retriever` is also what the later stages read the index through: sentences, their
vectors' cosines with a query, the sentences of a hit, the documents a question names.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import cached_property, lru_cache

import numpy as np

from rag import language
from rag.embedding import Embedder
from rag.index import Index
from rag.schema import Chunk, Document, Hit, Match, Sentence
from rag.search.locating import Locator
from rag.search.naming import DocumentNames
from rag.settings import Settings
from rag.stores import tokenize
from rag.textshape import char_pairs, squash

# Two chunks of one document sharing more than this share of the shorter one are one hit.
MAX_OVERLAP = 0.5
# A quoted phrase (`language.QUOTED_PHRASE`) counts from this many characters; a chunk
# matches it when it holds at least this share of the phrase's character pairs.
MIN_QUOTED = 6
MIN_QUOTED_SHARE = 0.5


class Retriever:
    """Searches one loaded index with one embedder."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._locator = Locator(index.documents)
        self._rows = {chunk.chunk_id: row for row, chunk in enumerate(index.chunks)}
        # How strongly a text names each document, read once per text (retrieval, scope,
        # analysis and answer shapes all ask).
        self._naming = lru_cache(maxsize=256)(DocumentNames(index.documents.values()).run)

    def run(self, query: str, k: int = 10, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The `k` best distinct passages for `query`, optionally within `doc_ids`."""
        rankings = self.rankings(query, doc_ids)
        return self.hits(fuse(rankings.values(), self.settings.rrf_k), k)

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where `text` (a remembered sentence) comes from, best first: the documents
        retrieval finds for it are searched exactly, then fuzzily."""
        if not text.strip():
            return []
        rankings = self.rankings(text, named=False)
        doc_ids = {self.index.chunks[r].doc_id for ranking in rankings.values() for r in ranking}
        return self._locator.run(text, k, doc_ids)

    def rankings(self, query: str, doc_ids: Collection[str] | None = None, named: bool = True) -> dict[str, list[int]]:
        """Chunk rows, best first, by each signal: "dense", "lexical", "quoted" when the query
        quotes text, and "named" when it names documents by their metadata (a question does;
        a pasted passage, `named=False`, is content, not a reference)."""
        allowed = self.rows_of(doc_ids) if doc_ids is not None else None
        n = self.settings.candidates
        lexical, _ = self.index.lexical.search(tokenize(query), n, allowed)
        rankings = {"dense": self.dense_ranking(query, doc_ids, allowed), "lexical": lexical.tolist()}
        candidates = list(dict.fromkeys(r for pair in zip(rankings["dense"], rankings["lexical"]) for r in pair))
        quoted = quoted_ranking(query, [*rankings["dense"], *rankings["lexical"]], self.index.chunks)
        if quoted:
            rankings["quoted"] = quoted
        strength = self.naming(query) if named else {}
        if strength:
            rankings["named"] = sorted(
                (r for r in candidates if self.index.chunks[r].doc_id in strength),
                key=lambda r: -strength[self.index.chunks[r].doc_id],
            )
        return rankings

    def dense_ranking(self, query: str, doc_ids: Collection[str] | None, allowed: np.ndarray | None) -> list[int]:
        """Chunks by the mean of their own cosine and their best sentence's cosine.

        A chunk vector blurs several facts together; a sentence vector matches the one
        fact asked about but loses the topic. The mean keeps both (benchmarks/retrieval.py).
        """
        vector = self.embedder.embed_query(query)
        n = self.settings.candidates
        chunk_ids, chunk_scores = self.index.dense.search(vector, n, allowed)
        sentence_allowed = self.sentence_rows_of(doc_ids) if doc_ids is not None else None
        sentence_ids, sentence_scores = self.index.sentence_dense.search(vector, 2 * n, sentence_allowed)
        best_sentence: dict[int, float] = {}
        for row, score in zip(self.index.sentence_chunk[sentence_ids].tolist(), sentence_scores.tolist()):
            best_sentence[row] = max(score, best_sentence.get(row, -1.0))
        chunk_cosine = dict(zip(chunk_ids.tolist(), chunk_scores.tolist()))
        # Rows found by one search only: score the chunk vector exactly; for the sentence
        # side use the lowest sentence score retrieved, an upper bound for the missing one.
        floor = float(sentence_scores[-1]) if len(sentence_scores) else 0.0
        missing = [r for r in best_sentence if r not in chunk_cosine]
        if missing:
            chunk_cosine.update(zip(missing, self.index.dense.score(vector, np.asarray(missing)).tolist()))
        mean = {r: (c + best_sentence.get(r, floor)) / 2 for r, c in chunk_cosine.items()}
        return sorted(mean, key=lambda r: -mean[r])[:n]

    def hits(self, scores: dict[int, float], k: int) -> list[Hit]:
        """Best-first hits from row scores, without near-duplicates."""
        kept: list[Chunk] = []
        hits: list[Hit] = []
        seen_texts: set[str] = set()
        for row in sorted(scores, key=lambda r: -scores[r]):
            chunk = self.index.chunks[row]
            key = squash(chunk.text)
            if key in seen_texts or any(_overlap(chunk, other) > MAX_OVERLAP for other in kept):
                continue
            seen_texts.add(key)
            kept.append(chunk)
            hits.append(self.to_hit(chunk, scores[row]))
            if len(hits) == k:
                break
        return hits

    def to_hit(self, chunk: Chunk, score: float) -> Hit:
        document = self.index.documents[chunk.doc_id]
        return Hit(
            doc_id=chunk.doc_id,
            chunk_id=chunk.chunk_id,
            title=chunk.title,
            source=document.source,
            heading=chunk.heading,
            start=chunk.start,
            end=chunk.end,
            text=chunk.text,
            score=float(score),
        )

    # ----------------------------------------------------------------------------------
    # What later stages read of the index
    # ----------------------------------------------------------------------------------

    @property
    def documents(self) -> Mapping[str, Document]:
        """The index's documents by id."""
        return self.index.documents

    def naming(self, text: str) -> dict[str, float]:
        """How strongly `text` names each document it names (`DocumentNames.run`); the
        caller must not change the dict (it is cached)."""
        return self._naming(text)

    def term_weight(self, word: str) -> float:
        """How much a word says about a subject: its IDF in this index."""
        return self.index.lexical.idf(word)

    def chunk(self, row: int) -> Chunk:
        return self.index.chunks[row]

    def chunk_row(self, chunk_id: str) -> int | None:
        """The index row of a chunk id (None: not a chunk of this index)."""
        return self._rows.get(chunk_id)

    def rows_of(self, doc_ids: Collection[str]) -> np.ndarray:
        return _rows(self.index.doc_rows, doc_ids)

    def sentence_rows_of(self, doc_ids: Collection[str]) -> np.ndarray:
        return _rows(self.index.doc_sentence_rows, doc_ids)

    def sentence(self, row: int) -> Sentence:
        return self.index.sentences[row]

    def sentence_count(self) -> int:
        return len(self.index.sentences)

    def sentence_text(self, row: int) -> str:
        """The words of sentence `row`, as its document prints them."""
        sentence = self.index.sentences[row]
        return self.index.documents[sentence.doc_id].text[sentence.start : sentence.end]

    def sentence_chunk(self, row: int) -> int:
        """The row of the chunk holding sentence `row`."""
        return int(self.index.sentence_chunk[row])

    def sentence_rows(self, hit: Hit) -> list[int]:
        """Index rows of the sentences held by a hit's chunk."""
        return self._chunk_sentences.get(self._rows[hit.chunk_id], [])

    @cached_property
    def _chunk_sentences(self) -> dict[int, list[int]]:
        """Each chunk row's sentence rows, in order: read on first use."""
        rows: dict[int, list[int]] = {}
        for row, chunk in enumerate(self.index.sentence_chunk.tolist()):
            rows.setdefault(chunk, []).append(row)
        return rows

    def query_vector(self, text: str) -> np.ndarray:
        """`text` embedded as a query."""
        return self.embedder.embed_query(text)

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        """Each text embedded as a query."""
        return self.embedder.embed_queries(texts)

    def chunk_scores(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosine of a query vector with chunks `rows`."""
        return self.index.dense.score(vector, rows)

    def sentence_scores(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosine of a query vector with sentences `rows`."""
        return self.index.sentence_dense.score(vector, rows)


def fuse(rankings: Iterable[list[int]], rrf_k: int) -> dict[int, float]:
    """Reciprocal rank fusion: each ranking adds 1 / (rrf_k + rank) to the rows it ranks."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (rrf_k + rank)
    return scores


def quoted_ranking(query: str, rows: list[int], chunks: list[Chunk]) -> list[int]:
    """Candidate rows that contain most of a phrase the query quotes (「…」 or “…”),
    ranked by the share of the phrase's character pairs they contain.

    Someone quoting a sentence wants its source even when they misremember a word, and
    neither BM25 nor the embedding rewards a long run of matching characters.
    """
    phrases = [squash(p) for p in language.QUOTED_PHRASE.findall(query)]
    pairs = [char_pairs(p) for p in phrases if len(p) >= MIN_QUOTED]
    if not pairs:
        return []
    share: dict[int, float] = {}
    for row in dict.fromkeys(rows):
        text = squash(chunks[row].text)
        best = max(sum(pair in text for pair in wanted) / len(wanted) for wanted in pairs)
        if best >= MIN_QUOTED_SHARE:
            share[row] = best
    return sorted(share, key=lambda r: -share[r])


def _rows(rows_by_doc: dict[str, np.ndarray], doc_ids: Collection[str]) -> np.ndarray:
    rows = [rows_by_doc[d] for d in doc_ids if d in rows_by_doc]
    return np.concatenate(rows) if rows else np.zeros(0, np.int64)


def _overlap(a: Chunk, b: Chunk) -> float:
    """Shared characters as a share of the shorter chunk (0 for different documents)."""
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(shared, 0) / max(1, min(a.end - a.start, b.end - b.start))
