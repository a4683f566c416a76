"""Hybrid retrieval: dense and BM25 rankings fused by reciprocal rank, then tidied.

Dense search finds paraphrases ("理科类骨干教师" for "数理化生等科学学科骨干教师");
BM25 finds exact names and figures the embedding blurs ("乌海", "57人"); a quoted phrase
in the query adds a third ranking by how much of the phrase a chunk contains. Reciprocal
rank fusion needs no score calibration between them (benchmarks/retrieval.py compares
it with each signal alone). Heavily overlapping chunks of one document, and identical
passages repeated across reports, are collapsed to one hit.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

import numpy as np

from rag import language
from rag.chunking import sentence_spans
from rag.embedding import Embedder
from rag.indexing import Index
from rag.locating import Locator
from rag.questions import ORGAN_PLACE, kinds_in, short_place
from rag.schema import Chunk, Document, Hit, Match
from rag.settings import Settings
from rag.stores import tokenize, word_bounds
from rag.textshape import char_pairs, squash

# Two chunks of one document sharing more than this share of the shorter one are one hit.
MAX_OVERLAP = 0.5
# A quoted phrase counts from this many characters; a chunk matches it when it holds at
# least this share of the phrase's character pairs.
QUOTED = re.compile(r"[「“『]([^」”』]+)[」”』]")
MIN_QUOTED = 6
MIN_QUOTED_SHARE = 0.5
# Similar passages (benchmarks/similar.py): at most this many from one document; how much
# shared character pairs add to a sentence's cosine; for how many sentences (times
# `candidates`) per sentence of the passage the pairs are compared.
SIMILAR_PER_DOCUMENT = 2
SHARED_PAIRS_WEIGHT = 0.3
SHORTLIST = 4
# A pasted passage located with at least this similarity (even edited a little) is taken to come from that
# document, which `similar` then leaves out.
OWN_SIMILARITY = 0.75


class Retriever:
    """Searches one loaded index with one embedder."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.locator = Locator(index.documents)
        self.names = DocumentNames(index.documents.values())
        self._rows = {chunk.chunk_id: row for row, chunk in enumerate(index.chunks)}
        self._pairs: dict[int, frozenset[str]] = {}

    def run(self, query: str, k: int = 10, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The `k` best distinct passages for `query`, optionally within `doc_ids`."""
        rankings = self.rankings(query, doc_ids)
        return self.hits(fuse(rankings.values(), self.settings.rrf_k), k)

    def similar(self, passage: str, k: int = 10) -> list[Hit]:
        """Passages of OTHER documents that say something similar to `passage` (a text,
        or a chunk id for "more like this"), best first, at most two per document, each
        scored by its cosine similarity to the passage. The passage's own document (the one
        it is found in most closely) is left out; the same words in another document are
        the closest match there is.

        A pasted passage usually packs several measures; another report may match just
        one of them in a single sentence. So besides the hybrid rankings of the whole
        passage, chunks are also ranked by their best sentence's match with any sentence of
        the passage (benchmarks/similar.py compares the variants)."""
        row = self._rows.get(passage.strip())
        if row is not None:
            text, own = self.index.chunks[row].text, {self.index.chunks[row].doc_id}
        else:
            text = passage
            found = self.locate(passage, k=1)
            own = {found[0].doc_id} if found and found[0].similarity >= OWN_SIMILARITY else set()
        others = [d for d in self.index.documents if d not in own]
        if not text.strip() or not others:
            return []
        rankings = self.rankings(text, others, named=False)
        rankings["sentences"] = self.sentence_ranking(text, others)
        hits = self.hits(fuse(rankings.values(), self.settings.rrf_k), self.settings.candidates)
        rows = np.asarray([self._rows[h.chunk_id] for h in hits], dtype=np.int64)
        cosine = self.index.dense.score(self.embedder.embed_query(text), rows).tolist()
        return _per_document([replace(h, score=c) for h, c in zip(hits, cosine)], SIMILAR_PER_DOCUMENT)[:k]

    def sentence_ranking(self, text: str, doc_ids: Collection[str]) -> list[int]:
        """Chunks of `doc_ids` by their best sentence's match with any sentence of `text`:
        the cosine, plus a share of the character pairs the two have in common (their Dice
        coefficient: policy texts repeat each other's phrases, "采取对口联系、下乡巡教等多种
        形式", which the cosine of two long sentences blurs). Pairs are compared for the
        sentences closest in meaning only, so the cost does not grow with the library."""
        rows = self.sentence_rows_of(doc_ids)
        if not len(rows):
            return []
        spans = sentence_spans(text) or [(0, len(text))]
        best: dict[int, float] = {}
        shortlist = min(len(rows), SHORTLIST * self.settings.candidates)
        vectors = self.embedder.embed_queries([text[start:end] for start, end in spans])
        for (start, end), vector in zip(spans, vectors):
            wanted = char_pairs(squash(text[start:end]))
            cosines = self.index.sentence_dense.score(vector, rows)
            for column in np.argpartition(-cosines, shortlist - 1)[:shortlist].tolist():
                row = int(rows[column])
                own = self._sentence_pairs(row)
                score = float(cosines[column]) + SHARED_PAIRS_WEIGHT * 2 * len(own & wanted) / max(1, len(own) + len(wanted))
                chunk = int(self.index.sentence_chunk[row])
                best[chunk] = max(score, best.get(chunk, -1.0))
        return sorted(best, key=lambda r: -best[r])[: self.settings.candidates]

    def _sentence_pairs(self, row: int) -> frozenset[str]:
        """The character pairs of sentence `row`, computed once per index."""
        pairs = self._pairs.get(row)
        if pairs is None:
            sentence = self.index.sentences[row]
            pairs = self._pairs[row] = frozenset(char_pairs(squash(self.index.documents[sentence.doc_id].text[sentence.start : sentence.end])))
        return pairs

    def closest_sentence(self, hit: Hit, text: str) -> tuple[int, int]:
        """The span of `hit`'s sentence closest in meaning to `text`: what a similar
        passage has in common with the pasted one."""
        sentences = self.index.sentences
        rows = [r for r in self.sentence_rows_of([hit.doc_id]).tolist() if sentences[r].start < hit.end and sentences[r].end > hit.start]
        if not rows or not text.strip():
            return hit.start, hit.end
        scores = self.index.sentence_dense.score(self.embedder.embed_query(text), np.asarray(rows, dtype=np.int64))
        best = sentences[rows[int(np.argmax(scores))]]
        return max(best.start, hit.start), min(best.end, hit.end)

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where `text` (a remembered sentence) comes from, best first: the documents
        retrieval finds for it are searched exactly, then fuzzily."""
        if not text.strip():
            return []
        rankings = self.rankings(text, named=False)
        doc_ids = {self.index.chunks[r].doc_id for ranking in rankings.values() for r in ranking}
        return self.locator.run(text, k, doc_ids)

    def row_of(self, chunk_id: str) -> int:
        return self._rows[chunk_id]

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
        strength = self.names.run(query) if named else {}
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

    def rows_of(self, doc_ids: Collection[str]) -> np.ndarray:
        return _rows(self.index.doc_rows, doc_ids)

    def sentence_rows_of(self, doc_ids: Collection[str]) -> np.ndarray:
        return _rows(self.index.doc_sentence_rows, doc_ids)

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


def fuse(rankings: Iterable[list[int]], rrf_k: int) -> dict[int, float]:
    """Reciprocal rank fusion: each ranking adds 1 / (rrf_k + rank) to the rows it ranks."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (rrf_k + rank)
    return scores


@dataclass(frozen=True)
class _Names:
    """How questions may name one document: its 发文字号 (brackets read as 〔〕), the forms
    of its issuing organs, its year and its kind."""

    doc_id: str
    number: str
    organs: tuple[str, ...]
    places: tuple[str, ...]  # the places of its organs: a weaker name ("浙江那份通知")
    year: str
    kind: str


class DocumentNames:
    """Finds the documents a question names by their metadata, with how strongly: the
    发文字号 (2), the issuer (1; 0.5 by its place alone, "四川省…的实施意见"), and the year
    or kind when said with the issuer or with each other ("教育部2019年的意见",
    "国办发〔2015〕71号文件", "2024年政府工作报告"). A year alone
    names nothing: questions ask about years far more often than they name a document by
    one; a kind other than the document's ("…的报告" of a 通知) weakens the naming by 1. An
    organ named inside a longer one ("国务院" in "国务院办公厅") or inside a word
    ("教育部" in "教育部门") does not count. The names are read once per index."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.names = [
            _Names(
                d.doc_id,
                squash(d.doc_number or "").translate(language.DOC_NUMBER_BRACKETS),
                tuple(form for organ in _organs(d) for form in _organ_forms(organ) if len(form) >= 2),
                _organ_places(_organs(d)),
                (d.date or "")[:4],
                d.kind or "",
            )
            for d in documents
        ]

    def run(self, query: str) -> dict[str, float]:
        text = squash(query)
        numbers = text.translate(language.DOC_NUMBER_BRACKETS)
        years = set(language.YEAR.findall(text))
        kinds = set(kinds_in(text))
        spans = {n.doc_id: {(at, at + len(f)) for f in (*n.organs, *n.places) if (at := text.find(f)) >= 0} for n in self.names}
        if any(spans.values()):  # only then is the query cut into words
            bounds = word_bounds(text)
            spans = {d: {s for s in found if s[0] in bounds and s[1] in bounds} for d, found in spans.items()}
        every = {span for found in spans.values() for span in found}
        named: dict[str, float] = {}
        for n in self.names:
            by_number = bool(n.number) and (n.number in numbers or n.number[n.number.find("〔") :] in numbers)
            said = [s for s in spans[n.doc_id] if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in every)]
            by_issuer = 1.0 if any(text[a:b] in n.organs for a, b in said) else 0.5 if said else 0.0
            by_year = bool(n.year) and n.year in years
            by_kind = bool(n.kind) and n.kind in text
            other_kind = bool(n.kind) and bool(kinds) and n.kind not in kinds
            score = 2.0 * by_number + by_issuer + (by_year and (by_issuer > 0 or by_kind)) + 0.5 * (by_kind and (by_issuer > 0 or by_year))
            score -= other_kind and not by_number
            if score >= 1:
                named[n.doc_id] = score
        return named


def _organs(document: Document) -> list[str]:
    return [o for o in re.split(r"[、\s]+", document.issuer or "") if o]


def _organ_places(organs: list[str]) -> tuple[str, ...]:
    """The places the organs open with, in full and short ("四川省", "四川")."""
    places = (m.group(1) for organ in organs if (m := ORGAN_PLACE.match(organ)))
    return tuple(dict.fromkeys(form for place in places for form in (place, short_place(place))))


def _organ_forms(organ: str) -> dict[str, None]:
    """The ways a question may name an issuing organ: in full, without the words it is often
    said without, or by its short name ("国办")."""
    return dict.fromkeys([organ, *(organ.replace(w, "") for w in language.ISSUER_OPTIONAL), language.ORGAN_ABBREVIATIONS.get(organ, "")])


def quoted_ranking(query: str, rows: list[int], chunks: list[Chunk]) -> list[int]:
    """Candidate rows that contain most of a phrase the query quotes (「…」 or “…”),
    ranked by the share of the phrase's character pairs they contain.

    Someone quoting a sentence wants its source even when they misremember a word, and
    neither BM25 nor the embedding rewards a long run of matching characters.
    """
    phrases = [squash(p) for p in QUOTED.findall(query)]
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


def _per_document(hits: list[Hit], most: int) -> list[Hit]:
    """The first `most` hits of each document: a list of similar passages should span reports."""
    kept: list[Hit] = []
    for hit in hits:
        if sum(h.doc_id == hit.doc_id for h in kept) < most:
            kept.append(hit)
    return kept


def _rows(rows_by_doc: dict[str, np.ndarray], doc_ids: Collection[str]) -> np.ndarray:
    rows = [rows_by_doc[d] for d in doc_ids if d in rows_by_doc]
    return np.concatenate(rows) if rows else np.zeros(0, np.int64)


def _overlap(a: Chunk, b: Chunk) -> float:
    """Shared characters as a share of the shorter chunk (0 for different documents)."""
    if a.doc_id != b.doc_id:
        return 0.0
    shared = min(a.end, b.end) - max(a.start, b.start)
    return max(shared, 0) / max(1, min(a.end - a.start, b.end - b.start))
