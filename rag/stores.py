"""The two searchable stores behind retrieval, each combined from the index's segments
(one per source file, see rag/segments.py) when a version is opened.

Row `i` of either store is chunk `i` of the index, so both return chunk positions.
- `DenseStore`: inner product over normalised vectors (cosine). Each segment's vectors are
  scored exactly where they lie, memory-mapped; a segment of `hnsw_threshold` vectors or more
  brings its own FAISS HNSW graph, built once when it was written (benchmarks/scale.py).
- `LexicalStore`: BM25 over jieba search-mode tokens without punctuation and stop words.
  Each segment keeps only its term counts; document frequencies and lengths are combined
  across segments, so scores equal those of one fresh build (tested against bm25s).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeGuard

import numpy as np

log = logging.getLogger(__name__)

# Function words and question words: they match everywhere and say nothing about a topic.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "是", "在", "对", "为", "以", "把", "被", "将", "从", "向", "于", "由", "并", "而", "也", "都", "就", "又", "还", "之", "其", "该", "此", "这", "那", "这些", "那些", "个", "种", "项", "中", "上", "下", "里", "各", "每", "有", "没有", "无", "我", "我们", "你", "他", "她", "它", "他们", "着", "过", "吗", "呢", "吧", "啊", "么", "让", "使", "给", "要", "会", "能", "可", "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪里", "哪", "多少", "几", "几个", "是否", "为什么", "怎么样", "请问", "分别", "大概", "一下", "方面", "情况", "有关", "关于", "the", "a", "an", "of", "to", "in", "and", "or", "for", "on", "is", "are", "what", "how", "which"]
)
# How far an HNSW graph search looks: 128 found 0.87 of the true top 10 at 1M realistic
# vectors, 512 finds 0.96 at 6 ms p95 (benchmarks/scale.py, docs/benchmarks.md "Scale").
HNSW_EF_SEARCH = 512
# Vectors go into an HNSW graph this many rows at a time.
ADD_BATCH = 8192
# Consecutive segments' vectors are joined into runs of about this many segments (cut by
# their ids' hashes) and at most this many rows: few enough parts that a search pays
# little per part (a matrix-vector product over a small array runs at about half the
# speed of one over a big one), small enough that a change joins little again.
RUN_BLOCKS = 16
RUN_ROWS = 65536
# Vectors as one array, or as a list of row vectors (which identical texts can share).
VectorRows = np.ndarray | Sequence[np.ndarray]
# A FAISS index (typed loosely: faiss ships no type hints).
faiss_index = Any
_HAS_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def load_tokenizer() -> None:
    """Load jieba's dictionary now (about a second) instead of on the first query."""
    _jieba().initialize()


def tokenize(text: str) -> list[str]:
    """Lower-cased jieba search-mode tokens (words and their parts), punctuation and
    stop words dropped."""
    words = _jieba().lcut_for_search(text.lower())
    return [w for w in words if w not in STOP_WORDS and _HAS_WORD.search(w)]


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba's words of `text` with their part-of-speech tags ("ns" a place, "nt" an organisation)."""
    _jieba()
    import jieba.posseg

    return [(w, t) for w, t in jieba.posseg.lcut(text)]


def dictionary_tag(word: str) -> str | None:
    """The part of speech jieba's dictionary gives `word` (None for a word it does not list)."""
    _jieba()
    import jieba.posseg

    tag = jieba.posseg.dt.word_tag_tab.get(word)
    return str(tag) if tag is not None else None


def word_bounds(text: str) -> set[int]:
    """The offsets in `text` where jieba's words begin or end: a name found in a question
    counts only on these ("教育部" is in "教育部门" but not one of its words)."""
    bounds, at = {0}, 0
    for word in _jieba().lcut(text):
        at += len(word)
        bounds.add(at)
    return bounds


class VectorSearch(Protocol):
    """What retrieval asks of chunk or sentence vectors, whichever backend holds them
    (`DenseStore` here, `rag.milvus` on a Milvus server). Rows are positions in the index."""

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the `k` nearest vectors, optionally among `allowed` rows only."""
        ...

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosine of `query` with each of `rows`."""
        ...


class TextSearch(Protocol):
    """What retrieval and answering ask of BM25, whichever backend holds it."""

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the best `k` rows with a positive score."""
        ...

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of `token` over the whole library."""
        ...


# BM25's parameters (Lucene's defaults, bm25s's too): term-frequency saturation and length normalisation.
BM25_K1, BM25_B = 1.5, 0.75


def bm25_norm(lengths: np.ndarray, average: float) -> np.ndarray:
    """The part of BM25's term-frequency denominator that depends only on a row's length:
    a row scores `idf * tf / (tf + norm)` for each query word."""
    return (BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(average, 1e-9))).astype(np.float32)


def bm25_idf(rows: int, df: int) -> float:
    """Lucene's BM25 idf (as bm25s computes it) of a word `df` of `rows` rows hold."""
    return float(np.log(1 + (rows - df + 0.5) / (df + 0.5)))


class DenseStore:
    """Nearest-neighbour search over unit vectors by inner product.

    A store is a list of parts, each over a contiguous range of rows: a run of consecutive
    segments' vectors joined into one array and scored exactly, or the HNSW graph of a
    segment big enough to have its own. Runs are cut where a segment's key says, not by
    position, so adding or removing a file changes only the run it falls in; the next
    version's store takes the other runs from the one served before (`combine(reuse=...)`)
    and joins only that one again: opening after an upload costs the upload, not the library."""

    def __init__(self, parts: Sequence[tuple[int, np.ndarray | faiss_index]], dim: int, runs: dict[tuple[str, ...], np.ndarray] | None = None) -> None:  # fmt: skip
        self.parts = list(parts)  # (first row, array or FAISS index), in row order
        self.dim = dim
        self.runs = runs or {}  # the keys of a run's segments -> its joined array
        self.size = sum(row_count(block) for _, block in self.parts)
        self._starts = np.asarray([start for start, _ in self.parts], dtype=np.int64)
        self._graphs: list[tuple[int, faiss_index]] = [(start, block) for start, block in self.parts if is_graph(block)]
        self._arrays = [block for _, block in self.parts if not is_graph(block)]
        # The row of each score the arrays give, joined.
        ranges = [np.arange(start, start + len(block)) for start, block in self.parts if not is_graph(block)]
        self._array_rows = np.concatenate(ranges) if ranges else np.zeros(0, np.int64)

    @staticmethod
    def graph(vectors: VectorRows, dim: int) -> faiss_index:
        """An HNSW graph over `vectors`, for a segment too big to search exactly."""
        import faiss

        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
        for at in range(0, len(vectors), ADD_BATCH):
            index.add(np.ascontiguousarray(np.asarray(vectors[at : at + ADD_BATCH], dtype=np.float32)))
        return index

    @classmethod
    def combine(
        cls,
        blocks: Sequence[VectorRows | faiss_index],
        dim: int,
        keys: Sequence[str] | None = None,
        reuse: DenseStore | None = None,
    ) -> DenseStore:
        """A store of the rows of `blocks` in order. FAISS graphs are searched as they are;
        arrays (or lists of rows) are joined into runs. With `keys` (one per block, e.g.
        segment ids) a run ends after a block whose key's hash picks it, or at `RUN_ROWS`
        rows; without, all arrays make one run. Runs `reuse` holds are taken from it."""
        keys = list(keys) if keys is not None else [""] * len(blocks)
        held = reuse.runs if reuse is not None else {}
        parts: list[tuple[int, np.ndarray | faiss_index]] = []
        runs: dict[tuple[str, ...], np.ndarray] = {}
        run: list[tuple[str, VectorRows]] = []
        row = 0

        def close() -> None:
            rows = sum(len(b) for _, b in run)
            if rows:
                key = tuple(k for k, _ in run)
                joined = held.get(key)
                if joined is None:
                    joined = np.concatenate([np.asarray(b, dtype=np.float32).reshape(-1, dim) for _, b in run])
                runs[key] = joined
                parts.append((row - rows, joined))
            run.clear()

        for key, block in zip(keys, blocks, strict=True):
            if is_graph(block):
                close()
                parts.append((row, block))
            else:
                run.append((key, block))
            row += row_count(block)
            if key and (_cuts_after(key) or sum(len(b) for _, b in run) >= RUN_ROWS):
                close()
        close()
        return cls(parts, dim, runs)

    @property
    def kind(self) -> str:
        return "hnsw" if self._graphs else "flat"

    def __len__(self) -> int:
        return self.size

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and cosine scores of the `k` nearest vectors. With `allowed` (the rows
        of the documents a search is limited to) the scores are computed exactly over
        those rows: graph search with a filter misses results when few rows qualify."""
        query = query.reshape(-1).astype(np.float32)
        if allowed is not None:
            rows = np.asarray(allowed, dtype=np.int64)
            scores = self.score(query, rows) if len(rows) else np.zeros(0, np.float32)
        else:
            rows, scores = self._array_rows, np.concatenate([block @ query for block in self._arrays] or [np.zeros(0, np.float32)])
            if 0 < k < len(scores):
                best = np.argpartition(-scores, k - 1)[:k]
                rows, scores = rows[best], scores[best]
            for start, graph in self._graphs:
                found, ids = graph.search(query.reshape(1, -1), min(k, int(graph.ntotal)), params=_hnsw_params())
                keep = ids[0] >= 0
                rows, scores = np.concatenate([rows, ids[0][keep] + start]), np.concatenate([scores, found[0][keep]])
        best = np.argsort(-scores, kind="stable")[:k]
        return rows[best].astype(np.int64), scores[best].astype(np.float32)

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of `query` with the vectors of `rows`."""
        return self.vectors_of(rows) @ query.reshape(-1).astype(np.float32)

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of `rows`, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), self.dim), np.float32)
        part_of = np.searchsorted(self._starts, rows, side="right") - 1
        for p in np.unique(part_of).tolist():
            start, block = self.parts[p]
            mine = np.flatnonzero(part_of == p)
            local = rows[mine] - start
            out[mine] = block.reconstruct_batch(local) if is_graph(block) else block[local]
        return out


def _hnsw_params() -> Any:
    """Search parameters for every graph, whatever efSearch its file was written with
    (made per search: FAISS parameter objects are not meant to be shared between threads)."""
    import faiss

    return faiss.SearchParametersHNSW(efSearch=HNSW_EF_SEARCH)  # type: ignore[attr-defined]


def _cuts_after(key: str) -> bool:
    """Whether a run ends after the block of `key`: one key in `RUN_BLOCKS`, by its hash."""
    return int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16) % RUN_BLOCKS == 0


def is_graph(block: VectorRows | faiss_index) -> TypeGuard[faiss_index]:
    """Whether `block` is a FAISS index (a segment's HNSW graph), not vectors."""
    return hasattr(block, "ntotal")


def row_count(block: VectorRows | faiss_index) -> int:
    """How many vectors an array, a list of rows or a FAISS index holds."""
    return int(block.ntotal) if is_graph(block) else len(block)


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

    def __init__(self, matrix, lengths: np.ndarray, vocabulary: Vocabulary) -> None:  # type: ignore[no-untyped-def]
        self.matrix = matrix  # rows x columns, compressed by column: a word's rows are contiguous
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
