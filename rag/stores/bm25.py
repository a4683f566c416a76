"""Lexical search: BM25 over jieba search-mode tokens without punctuation and stop words
(rag/stores/tokens.py).

Each segment keeps only its term counts (`TermCounts`); document frequencies and lengths
are combined across segments when a version is opened (`LexicalStore.combine`), so scores
equal those of one fresh build (tested against bm25s). BM25's formula is pure functions
here (`bm25_norm`, `bm25_idf`): the Milvus backend computes the same scores with them.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# BM25's parameters (Lucene's defaults, bm25s's too): term-frequency saturation and length normalisation.
BM25_K1, BM25_B = 1.5, 0.75


def bm25_norm(lengths: np.ndarray, average: float) -> np.ndarray:
    """The part of BM25's term-frequency denominator that depends only on a row's length:
    a row scores `idf * tf / (tf + norm)` for each query word."""
    return (BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(average, 1e-9))).astype(np.float32)


def bm25_idf(rows: int, df: int) -> float:
    """Lucene's BM25 idf (as bm25s computes it) of a word `df` of `rows` rows hold."""
    return float(np.log(1 + (rows - df + 0.5) / (df + 0.5)))



@dataclass(frozen=True, eq=False)
class TermCounts:
    """One segment's bag of words: its vocabulary and a rows x terms count matrix (CSR).
    Compared by identity: `Vocabulary` remembers each one's columns."""

    terms: tuple[str, ...]
    indptr: np.ndarray  # row i's entries are [indptr[i], indptr[i + 1])
    term_ids: np.ndarray  # position in `terms`
    counts: np.ndarray

    FILE = "terms"

    @classmethod
    def of(cls, token_lists: Iterable[Sequence[str]]) -> TermCounts:
        vocab: dict[str, int] = {}
        indptr, ids, counts = [0], [], []  # type: list[int], list[int], list[int]
        for tokens in token_lists:
            row: dict[int, int] = {}
            for token in tokens:
                column = vocab.setdefault(token, len(vocab))
                row[column] = row.get(column, 0) + 1
            ids.extend(row)
            counts.extend(row.values())
            indptr.append(len(ids))
        return cls(
            tuple(vocab),
            np.asarray(indptr, dtype=np.int64),
            np.asarray(ids, dtype=np.int32),
            np.asarray(counts, dtype=np.float32),
        )

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def save(self, folder: Path) -> None:
        (folder / f"{self.FILE}.json").write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")
        with open(folder / f"{self.FILE}.npz", "wb") as handle:
            np.savez(handle, indptr=self.indptr, term_ids=self.term_ids, counts=self.counts)

    @classmethod
    def load(cls, folder: Path) -> TermCounts:
        terms = tuple(json.loads((folder / f"{cls.FILE}.json").read_text(encoding="utf-8")))
        with np.load(folder / f"{cls.FILE}.npz") as arrays:
            return cls(terms, arrays["indptr"], arrays["term_ids"], arrays["counts"])


class Vocabulary:
    """Word -> column, shared by the lexical stores of successive index versions. It only
    grows, so a segment's words are looked up once, not again at every library change."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self._of: weakref.WeakKeyDictionary[TermCounts, np.ndarray] = weakref.WeakKeyDictionary()

    def of(self, counts: TermCounts) -> np.ndarray:
        """The columns of `counts`' terms."""
        columns = self._of.get(counts)
        if columns is None:
            setdefault, size = self.columns.setdefault, len
            columns = np.asarray([setdefault(t, size(self.columns)) for t in counts.terms], dtype=np.int64)
            self._of[counts] = columns
        return columns


class LexicalStore:
    """BM25 (Lucene's variant, as bm25s computes it) over the term counts of all segments,
    scored at query time from the combined document frequencies and lengths."""

    def __init__(self, matrix: Any, lengths: np.ndarray, vocabulary: Vocabulary) -> None:
        self.matrix = matrix  # rows x columns (scipy), compressed by column: a word's rows are contiguous
        self.size = len(lengths)
        self.vocabulary = vocabulary
        self.columns = matrix.shape[1]
        average = float(lengths.mean()) if self.size else 1.0
        self._norm = bm25_norm(lengths, average)

    @classmethod
    def combine(cls, parts: Sequence[TermCounts], vocabulary: Vocabulary | None = None) -> LexicalStore:
        from scipy.sparse import csr_matrix

        vocabulary = vocabulary or Vocabulary()
        columns = [vocabulary.of(p)[p.term_ids] for p in parts]
        offsets = np.cumsum([0] + [int(p.indptr[-1]) for p in parts])
        indptr = np.concatenate([[0], *(p.indptr[1:] + o for p, o in zip(parts, offsets))]).astype(np.int64)
        counts = np.concatenate([p.counts for p in parts]) if parts else np.zeros(0, np.float32)
        ids = np.concatenate(columns) if parts else np.zeros(0, np.int64)
        matrix = csr_matrix((counts, ids, indptr), shape=(len(indptr) - 1, len(vocabulary.columns))).tocsc()
        rows = len(indptr) - 1
        lengths = np.bincount(np.repeat(np.arange(rows), np.diff(indptr)), weights=counts, minlength=rows)
        return cls(matrix, lengths.astype(np.float32), vocabulary)

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]]) -> LexicalStore:
        return cls.combine([TermCounts.of(token_lists)])

    def __len__(self) -> int:
        return self.size

    def _column(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows that hold `token` and how often."""
        column = self.vocabulary.columns.get(token)
        if column is None or column >= self.columns:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        start, end = self.matrix.indptr[column], self.matrix.indptr[column + 1]
        return self.matrix.indices[start:end], self.matrix.data[start:end]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for `tokens` (a repeated token counts again, as in bm25s)."""
        scores = np.zeros(self.size, np.float32)
        for token in tokens:
            rows, tf = self._column(token)
            if len(rows):
                scores[rows] += self.idf(token) * tf / (tf + self._norm[rows])
        return scores

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and BM25 scores of the best `k` rows with a positive score."""
        k = min(k, self.size)
        if k == 0 or not tokens:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores = self.scores(tokens)
        if allowed is not None:
            mask = np.zeros(self.size, bool)
            mask[np.asarray(allowed, dtype=np.int64)] = True
            scores[~mask] = 0
        top = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top]

    def document_frequency(self, token: str) -> int:
        """How many rows contain `token` (0 for a word the corpus never uses)."""
        return len(self._column(token)[0])

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency: rare words weigh more."""
        return bm25_idf(self.size, self.document_frequency(token))
