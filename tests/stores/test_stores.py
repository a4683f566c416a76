"""The two stores against references: BM25 against bm25s, and stores combined from
segments against one store built over all rows at once (what a fresh build gives)."""

from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from rag.stores import DenseStore, LexicalStore, TermCounts, Vocabulary

pytestmark = pytest.mark.fast

SEED = 20261203
WORDS = [f"词{i}" for i in range(60)]


def _token_lists(rng: random.Random, rows: int) -> list[list[str]]:
    """Rows of 3-30 tokens drawn with a skewed distribution: some words are common, most rare."""
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    return [rng.choices(WORDS, weights, k=rng.randint(3, 30)) for _ in range(rows)]


QUERIES = [["词0"], ["词3", "词17"], ["词5", "词5", "词40"], ["词59", "词1", "词22"], ["不在词表里"]]


def test_bm25_scores_equal_bm25s() -> None:
    rows = _token_lists(random.Random(SEED), 200)
    reference = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    reference.index(rows, show_progress=False)
    store = LexicalStore.build(rows)
    for query in QUERIES:
        known = [t for t in query if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(rows))
        np.testing.assert_allclose(store.scores(query), expected, rtol=1e-5, atol=1e-6)
    ids, scores = store.search(["词3", "词17"], k=5)
    assert list(ids) == list(np.argsort(-store.scores(["词3", "词17"]), kind="stable")[:5])
    assert np.all(np.diff(scores) <= 0) and np.all(scores > 0)


def test_bm25_combined_from_segments_equals_one_build_as_the_vocabulary_grows() -> None:
    rng = random.Random(SEED)
    segments = [_token_lists(rng, rng.randint(1, 40)) for _ in range(6)]
    segments.append([["新词甲", "词0"], ["新词乙"]])  # words no earlier segment has
    counts = [TermCounts.of(rows) for rows in segments]
    vocabulary = Vocabulary()  # shared by successive versions, as the app's open index does

    def check(parts: list[int]) -> None:
        combined = LexicalStore.combine([counts[i] for i in parts], vocabulary)
        fresh = LexicalStore.build([row for i in parts for row in segments[i]])
        assert len(combined) == len(fresh)
        for query in [*QUERIES, ["新词甲", "词2"]]:
            np.testing.assert_allclose(combined.scores(query), fresh.scores(query), rtol=1e-6)
            assert combined.idf(query[0]) == pytest.approx(fresh.idf(query[0]))

    check([0, 1, 2])
    check([0, 1, 2, 3, 4, 5, 6])  # files added: the vocabulary grew
    check([4, 6])  # files removed: words only the removed ones had score nothing
    old = LexicalStore.combine([counts[0]], Vocabulary())
    LexicalStore.combine([counts[6]], old.vocabulary)  # a newer version adds words meanwhile
    assert old.scores(["新词甲"]).sum() == 0 and old.document_frequency("新词甲") == 0


def test_dense_store_of_segments_finds_what_one_flat_index_finds() -> None:
    rng = np.random.default_rng(SEED)
    dim = 16
    blocks = [rng.standard_normal((n, dim)).astype(np.float32) for n in (5, 0, 40, 3, 300, 7)]
    blocks = [b / np.linalg.norm(b, axis=1, keepdims=True) if len(b) else b for b in blocks]
    whole = np.concatenate(blocks)
    flat = DenseStore.combine([whole], dim)
    # Segments as the index holds them: arrays and lists of rows, and one segment big
    # enough to bring its own graph.
    parts = [blocks[0], [row for row in blocks[1]], blocks[2], list(blocks[3]), DenseStore.graph(blocks[4], dim), blocks[5]]
    combined = DenseStore.combine(parts, dim)
    assert len(combined) == len(whole) and combined.kind == "hnsw" and flat.kind == "flat"
    rows = np.arange(len(whole))
    np.testing.assert_allclose(combined.vectors_of(rows), whole, atol=1e-6)
    recalled = 0
    for query in whole[rng.choice(len(whole), 20, replace=False)]:
        exact_ids, exact_scores = flat.search(query, k=10)
        ids, scores = combined.search(query, k=10)
        assert ids[0] == exact_ids[0] and scores[0] == pytest.approx(exact_scores[0], abs=1e-5)
        recalled += len(set(ids) & set(exact_ids))
        allowed = rng.choice(len(whole), 30, replace=False)
        np.testing.assert_array_equal(combined.search(query, 5, allowed)[0], flat.search(query, 5, allowed)[0])
    assert recalled / 200 >= 0.95


def test_a_store_opened_after_a_change_joins_only_the_run_that_changed() -> None:
    rng = np.random.default_rng(SEED)
    dim = 8
    keys = [f"s-{i:04d}" for i in range(200)]
    blocks = {key: rng.standard_normal((int(rng.integers(1, 30)), dim)).astype(np.float32) for key in keys}
    served = DenseStore.combine([blocks[k] for k in keys], dim, keys)
    assert 3 < len(served.runs) < 60  # runs of a few segments each, cut by the keys

    blocks["s-new"] = rng.standard_normal((5, dim)).astype(np.float32)
    changed = [*keys[:50], "s-new", *keys[50:120], *keys[121:]]  # one file added, one removed
    store = DenseStore.combine([blocks[k] for k in changed], dim, changed, reuse=served)
    fresh = DenseStore.combine([blocks[k] for k in changed], dim, changed)
    new_runs = [run for run in store.runs if run not in served.runs]
    assert 1 <= len(new_runs) <= 4 and {"s-new"} <= set(sum(new_runs, ())) and len(store.runs) == len(fresh.runs)
    assert all(store.runs[run] is served.runs[run] for run in store.runs if run in served.runs)  # not joined again
    whole = np.concatenate([blocks[k] for k in changed])
    rows = np.arange(len(whole))
    np.testing.assert_array_equal(store.vectors_of(rows), whole)
    for query in whole[rng.choice(len(whole), 10, replace=False)]:
        exact = np.argsort(-(whole @ query), kind="stable")[:10]
        np.testing.assert_array_equal(np.sort(store.search(query, 10)[0]), np.sort(exact))
