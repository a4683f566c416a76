"""Which chunk size suits retrieval of short facts? For several sizes this prints how many gold
evidence quotes lie whole inside one chunk (a quote cut in two can never be cited whole) and
how well plain BM25 (the index's LexicalStore over its jieba tokens) ranks a chunk covering the evidence.

Usage: .venv/bin/python benchmarks/chunk_sizes.py ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rag.chunking import chunk_documents
from rag.evaluation import evaluate_retrieval, load_gold
from rag.ingest import load_documents
from rag.settings import DEFAULT_CORPUS
from rag.stores import LexicalStore, tokenize
from rag.textshape import squash

SETTINGS = [(150, 30), (200, 40), (250, 50), (300, 60), (400, 80), (600, 100)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, help="gold set in JSON lines (question, evidence quotes)")
    args = parser.parse_args()
    items = [i for i in load_gold(args.gold) if i.quotes]
    quotes = [squash(q) for i in items for q in i.quotes]

    started = time.perf_counter()
    documents = load_documents([DEFAULT_CORPUS])
    print(f"{len(documents)} documents loaded and cleaned in {time.perf_counter() - started:.2f} s")
    print(f"{len(items)} answerable questions, {len(quotes)} evidence quotes; BM25 query = the whole question")
    print(f"{'size':>5} {'overlap':>7} {'chunks':>6} {'mean len':>8} {'quotes whole':>12} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>6}")
    for size, overlap in SETTINGS:
        chunks = chunk_documents(documents, size, overlap)
        whole = sum(any(q in squash(c.text) for c in chunks) for q in quotes)
        store = LexicalStore.build(tokenize(c.text) for c in chunks)

        def search(item, chunks=chunks, store=store):  # type: ignore[no-untyped-def]
            ids, _ = store.search(tokenize(item.question), 10)
            return [chunks[i].text for i in ids]

        scores = evaluate_retrieval(items, search)["overall"].means()
        mean = statistics.mean(len(c.text) for c in chunks)
        print(
            f"{size:>5} {overlap:>7} {len(chunks):>6} {mean:>8.0f} {whole:>6}/{len(quotes):<5}"
            f" {scores['hit@1']:>6.2f} {scores['hit@5']:>6.2f} {scores['MRR@10']:>6.2f}"
        )


if __name__ == "__main__":
    main()
