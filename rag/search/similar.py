"""Similar passages: what OTHER documents say that resembles a pasted passage.

A pasted passage usually packs several measures; another report may match just one of
them in a single sentence. So besides the hybrid rankings of the whole passage, chunks are
also ranked by their best sentence's match with any sentence of the passage
(benchmarks/similar.py compares the variants).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import numpy as np

from rag.chunking import sentence_spans
from rag.schema import Hit
from rag.search.retrieval import Retriever, fuse
from rag.textshape import char_pairs, squash

# At most this many passages from one document (benchmarks/similar.py); how much shared
# character pairs add to a sentence's cosine; for how many sentences (times `candidates`)
# per sentence of the passage the pairs are compared.
SIMILAR_PER_DOCUMENT = 2
SHARED_PAIRS_WEIGHT = 0.3
SHORTLIST = 4
# A pasted passage located with at least this similarity (even edited a little) is taken to come from that
# document, which `SimilarPassages.run` then leaves out.
OWN_SIMILARITY = 0.75


class SimilarPassages:
    """Finds passages similar to a pasted one, through one retriever."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self._pairs: dict[int, frozenset[str]] = {}

    def run(self, passage: str, k: int = 10) -> list[Hit]:
        """Passages of OTHER documents that say something similar to `passage` (a text,
        or a chunk id for "more like this"), best first, at most two per document, each
        scored by its cosine similarity to the passage. The passage's own document (the one
        it is found in most closely) is left out; the same words in another document are
        the closest match there is."""
        retriever = self.retriever
        row = retriever.chunk_row(passage.strip())
        if row is not None:
            text, own = retriever.chunk(row).text, {retriever.chunk(row).doc_id}
        else:
            text = passage
            found = retriever.locate(passage, k=1)
            own = {found[0].doc_id} if found and found[0].similarity >= OWN_SIMILARITY else set()
        others = [d for d in retriever.documents if d not in own]
        if not text.strip() or not others:
            return []
        rankings = retriever.rankings(text, others, named=False)
        rankings["sentences"] = self.sentence_ranking(text, others)
        hits = retriever.hits(fuse(rankings.values(), retriever.settings.rrf_k), retriever.settings.candidates)
        rows = np.asarray([retriever.chunk_row(h.chunk_id) for h in hits], dtype=np.int64)
        cosine = retriever.chunk_scores(retriever.query_vector(text), rows).tolist()
        return _per_document([replace(h, score=c) for h, c in zip(hits, cosine)], SIMILAR_PER_DOCUMENT)[:k]

    def sentence_ranking(self, text: str, doc_ids: Collection[str]) -> list[int]:
        """Chunks of `doc_ids` by their best sentence's match with any sentence of `text`:
        the cosine, plus a share of the character pairs the two have in common (their Dice
        coefficient: policy texts repeat each other's phrases, "采取对口联系、下乡巡教等多种
        形式", which the cosine of two long sentences blurs). Pairs are compared for the
        sentences closest in meaning only, so the cost does not grow with the library."""
        retriever = self.retriever
        rows = retriever.sentence_rows_of(doc_ids)
        if not len(rows):
            return []
        spans = sentence_spans(text) or [(0, len(text))]
        best: dict[int, float] = {}
        candidates = retriever.settings.candidates
        shortlist = min(len(rows), SHORTLIST * candidates)
        vectors = retriever.query_vectors([text[start:end] for start, end in spans])
        for (start, end), vector in zip(spans, vectors):
            wanted = char_pairs(squash(text[start:end]))
            cosines = retriever.sentence_scores(vector, rows)
            for column in np.argpartition(-cosines, shortlist - 1)[:shortlist].tolist():
                row = int(rows[column])
                own = self._sentence_pairs(row)
                score = float(cosines[column]) + SHARED_PAIRS_WEIGHT * 2 * len(own & wanted) / max(1, len(own) + len(wanted))
                chunk = retriever.sentence_chunk(row)
                best[chunk] = max(score, best.get(chunk, -1.0))
        return sorted(best, key=lambda r: -best[r])[:candidates]

    def _sentence_pairs(self, row: int) -> frozenset[str]:
        """The character pairs of sentence `row`, computed once per index."""
        pairs = self._pairs.get(row)
        if pairs is None:
            pairs = self._pairs[row] = frozenset(char_pairs(squash(self.retriever.sentence_text(row))))
        return pairs

    def closest_sentence(self, hit: Hit, text: str) -> tuple[int, int]:
        """The span of `hit`'s sentence closest in meaning to `text`: what a similar
        passage has in common with the pasted one."""
        retriever = self.retriever
        rows = [
            r
            for r in retriever.sentence_rows_of([hit.doc_id]).tolist()
            if retriever.sentence(r).start < hit.end and retriever.sentence(r).end > hit.start
        ]
        if not rows or not text.strip():
            return hit.start, hit.end
        scores = retriever.sentence_scores(retriever.query_vector(text), np.asarray(rows, dtype=np.int64))
        best = retriever.sentence(rows[int(np.argmax(scores))])
        return max(best.start, hit.start), min(best.end, hit.end)


def _per_document(hits: list[Hit], most: int) -> list[Hit]:
    """The first `most` hits of each document: a list of similar passages should span reports."""
    kept: list[Hit] = []
    for hit in hits:
        if sum(h.doc_id == hit.doc_id for h in kept) < most:
            kept.append(hit)
    return kept
