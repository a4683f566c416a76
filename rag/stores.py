"""The two searchable stores behind retrieval, each saved to and loaded from a folder.

Row `i` of either store is chunk `i` of the index, so both return chunk positions.
- `DenseStore`: FAISS inner product over normalised vectors (cosine). Exact search
  below `hnsw_threshold` vectors, HNSW above it (see benchmarks/scale.py for the size).
- `LexicalStore`: BM25 (bm25s) over jieba search-mode tokens without punctuation and
  stop words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Function words and question words: they match everywhere and say nothing about a topic.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "是", "在", "对", "为", "以", "把", "被", "将", "从", "向", "于", "由", "并", "而", "也", "都", "就", "又", "还", "之", "其", "该", "此", "这", "那", "这些", "那些", "个", "种", "项", "中", "上", "下", "里", "各", "每", "有", "没有", "无", "我", "我们", "你", "他", "她", "它", "他们", "着", "过", "吗", "呢", "吧", "啊", "么", "让", "使", "给", "要", "会", "能", "可", "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪里", "哪", "多少", "几", "几个", "是否", "为什么", "怎么样", "请问", "分别", "大概", "一下", "方面", "情况", "有关", "关于", "the", "a", "an", "of", "to", "in", "and", "or", "for", "on", "is", "are", "what", "how", "which"]
)
# Vectors go into a dense store this many rows at a time.
ADD_BATCH = 8192
# Vectors as one array, or as a list of row vectors (which identical texts can share).
VectorRows = np.ndarray | Sequence[np.ndarray]
_HAS_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    # bm25s sets its logger to DEBUG on import; keep its chatter out of our logs.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


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


class DenseStore:
    """Nearest-neighbour search over unit vectors by inner product."""

    FILE = "dense.faiss"

    def __init__(self, index) -> None:  # type: ignore[no-untyped-def]
        self.index = index

    @classmethod
    def build(cls, blocks: Sequence[VectorRows], dim: int, hnsw_threshold: int) -> DenseStore:
        """A store of the rows of `blocks` (arrays or lists of rows) in order. Rows are
        added a batch at a time, never joined into one array first: a 50 MB report has half
        a million vectors, and the store holds its own copy."""
        import faiss

        index: faiss.Index
        if sum(len(block) for block in blocks) >= hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 128
        else:
            index = faiss.IndexFlatIP(dim)
        for block in blocks:
            for at in range(0, len(block), ADD_BATCH):
                index.add(np.ascontiguousarray(np.asarray(block[at : at + ADD_BATCH], dtype=np.float32)))
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if "HNSW" in type(self.index).__name__ else "flat"

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in row order (reused by incremental indexing)."""
        if len(self) == 0:
            return np.zeros((0, self.index.d), np.float32)
        return self.index.reconstruct_n(0, len(self))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and cosine scores of the `k` nearest vectors. With `allowed` (the rows
        of the documents a search is limited to) the scores are computed exactly over
        those rows: graph search with a filter misses results when few rows qualify."""
        query = query.reshape(1, -1).astype(np.float32)
        if allowed is not None:
            rows = np.asarray(allowed, dtype=np.int64)
            if len(rows) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            scores = self.score(query[0], rows)
            best = np.argsort(-scores, kind="stable")[:k]
            return rows[best], scores[best]
        k = min(k, len(self))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores, ids = self.index.search(query, k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def score(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosine of `query` with the vectors of `rows`."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return np.zeros(0, np.float32)
        return self.index.reconstruct_batch(rows) @ query.reshape(-1).astype(np.float32)

    def save(self, folder: Path, name: str = FILE) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / name))

    @classmethod
    def load(cls, folder: Path, name: str = FILE) -> DenseStore:
        import faiss

        return cls(faiss.read_index(str(folder / name)))


class LexicalStore:
    """BM25 over pre-tokenised texts; built once at indexing time and saved."""

    FOLDER = "bm25"

    def __init__(self, bm25, size: int) -> None:  # type: ignore[no-untyped-def]
        self.bm25 = bm25
        self.size = size

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]]) -> LexicalStore:
        tokens = list(token_lists)
        bm25 = _bm25s().BM25()
        # An empty corpus still gets a one-token vocabulary so save/load work.
        bm25.index(tokens or [[""]], show_progress=False)
        return cls(bm25, len(tokens))

    def __len__(self) -> int:
        return self.size

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids and BM25 scores of the best `k` rows with a positive score."""
        k = min(k, self.size)
        if k == 0 or not tokens:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        mask = None
        if allowed is not None:
            mask = np.zeros(self.size, np.float32)
            mask[np.asarray(allowed, dtype=np.int64)] = 1.0
        ids, scores = self.bm25.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        keep = scores[0] > 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def document_frequency(self, token: str) -> int:
        """How many rows contain `token` (0 for a word the corpus never uses)."""
        column = self.bm25.vocab_dict.get(token)
        indptr = self.bm25.scores["indptr"]
        if column is None or column + 1 >= len(indptr):
            return 0
        return int(indptr[column + 1] - indptr[column])

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency: rare words weigh more."""
        df = self.document_frequency(token)
        return float(np.log(1 + (self.size - df + 0.5) / (df + 0.5)))

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder / self.FOLDER), show_progress=False)
        (folder / self.FOLDER / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, folder: Path) -> LexicalStore:
        path = folder / cls.FOLDER
        bm25 = _bm25s().BM25.load(str(path), show_progress=False)
        return cls(bm25, int((path / "size.txt").read_text()))
