"""Similar passages: evidence recall@5 of `similar` gold items for variants of `SimilarPassages.run`.

Variants (the product is "sentences+pairs, 2 per doc"):

- whole passage: the hybrid rankings (dense, BM25) of the whole pasted passage;
- sentences: plus a ranking of chunks by their best sentence's cosine with any sentence of
  the passage;
- sentences+pairs: that sentence match also counts the character pairs the two sentences
  share (Dice coefficient, weighted by `similar.SHARED_PAIRS_WEIGHT`);

each keeping one or two passages per document. The passage's own document is always left
out. Reuses built indexes: each argument is INDEX:GOLD.

Usage: .venv/bin/python benchmarks/similar.py INDEX:GOLD [INDEX:GOLD ...]
  e.g. benchmarks/similar.py /tmp/rw:benchmarks/gold/realworld.jsonl index:../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from rag.engine import Engine
from rag.evaluation import covers, load_gold
from rag.schema import Hit
from rag.search import Retriever, SimilarPassages, fuse
from rag.search import similar as passages
from rag.settings import Settings


@contextmanager
def weight(value: float) -> Iterator[None]:
    original = passages.SHARED_PAIRS_WEIGHT
    passages.SHARED_PAIRS_WEIGHT = value
    try:
        yield
    finally:
        passages.SHARED_PAIRS_WEIGHT = original


def similar(finder: SimilarPassages, passage: str, sentences: bool, per_document: int, k: int = 5) -> list[Hit]:
    """`SimilarPassages.run` with the sentence ranking optional and the per-document cap given."""
    r = finder.retriever
    found = r.locate(passage, k=1)
    own = {found[0].doc_id} if found and found[0].similarity >= passages.OWN_SIMILARITY else set()
    others = [d for d in r.documents if d not in own]
    rankings = r.rankings(passage, others, named=False)
    if sentences:
        rankings["sentences"] = finder.sentence_ranking(passage, others)
    hits = r.hits(fuse(rankings.values(), r.settings.rrf_k), r.settings.candidates)
    rows = np.asarray([r.chunk_row(h.chunk_id) for h in hits], dtype=np.int64)
    cosine = r.chunk_scores(r.query_vector(passage), rows).tolist()
    kept: list[Hit] = []
    for hit in (replace(h, score=c) for h, c in zip(hits, cosine)):
        if sum(h.doc_id == hit.doc_id for h in kept) < per_document:
            kept.append(hit)
    return kept[:k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="+", help="INDEX:GOLD")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    variants = [
        ("whole passage", False, 0.0),
        ("sentences", True, 0.0),
        ("sentences+pairs", True, passages.SHARED_PAIRS_WEIGHT),
    ]
    names = [pair.rpartition(":")[2] for pair in args.pairs]
    print("| variant | per doc | " + " | ".join(Path(n).name for n in names) + " |")
    print("|---|---|" + "---|" * len(names))
    engines = [Engine.open(settings=Settings.from_env().with_overrides(index_dir=Path(p.rpartition(":")[0]))) for p in args.pairs]
    finders = [SimilarPassages(Retriever(e.index, e.embedder, e.settings)) for e in engines]
    golds = [[i for i in load_gold(Path(n)) if i.type == "similar" and i.pasted] for n in names]
    for label, sentences, pairs_weight in variants:
        for per_document in (1, 2):
            cells = []
            with weight(pairs_weight):
                for finder, items in zip(finders, golds):
                    recalls = []
                    for item in items:
                        hits = similar(finder, item.pasted or "", sentences, per_document)
                        recalls.append(sum(any(covers(h.text, q) for h in hits) for q in item.quotes) / len(item.quotes))
                    cells.append(f"{sum(recalls) / max(1, len(recalls)):.3f} (n={len(items)})")
            print(f"| {label} | {per_document} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
