"""Which chunk size suits retrieval of short facts? For several sizes this prints how many gold
evidence quotes lie whole inside one chunk (a quote cut in two can never be cited whole) and
how well plain BM25 (bm25s over jieba search-mode tokens) ranks a chunk covering the evidence.

Usage: .venv/bin/python benchmarks/chunk_sizes.py ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import bm25s
import jieba

from rag.chunking import chunk_documents
from rag.corpus import load_documents
from rag.settings import DEFAULT_CORPUS

SETTINGS = [(150, 30), (200, 40), (250, 50), (300, 60), (400, 80), (600, 100)]


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _covers(hit: str, quote: str) -> bool:
    """The quote lies inside the hit, or they share a run of half the quote and 8 characters."""
    if quote in hit:
        return True
    match = SequenceMatcher(None, hit, quote, autojunk=False).find_longest_match()
    return match.size >= max(8, len(quote) / 2)


def _tokens(text: str) -> list[str]:
    return [t for t in jieba.cut_for_search(text) if any(c.isalnum() for c in t)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, help="gold set in JSON lines (question, evidence quotes)")
    args = parser.parse_args()
    jieba.setLogLevel(logging.WARNING)
    items = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [i for i in items if i.get("evidence")]
    quotes = [_normal(e["quote"]) for i in items for e in i["evidence"]]

    started = time.perf_counter()
    documents = load_documents([DEFAULT_CORPUS])
    print(f"{len(documents)} documents loaded and cleaned in {time.perf_counter() - started:.2f} s")
    print(f"{len(items)} answerable questions, {len(quotes)} evidence quotes; BM25 query = the whole question")
    print(f"{'size':>5} {'overlap':>7} {'chunks':>6} {'mean len':>8} {'quotes whole':>12} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>6}")
    for size, overlap in SETTINGS:
        chunks = chunk_documents(documents, size, overlap)
        texts = [_normal(c.text) for c in chunks]
        whole = sum(any(q in t for t in texts) for q in quotes)
        retriever = bm25s.BM25()
        retriever.index([_tokens(c.text) for c in chunks], show_progress=False)
        ranks = []
        for item in items:
            ids, _ = retriever.retrieve([_tokens(item["question"])], k=10, show_progress=False)
            evidence = [_normal(e["quote"]) for e in item["evidence"]]
            rank = next((r for r, i in enumerate(ids[0], 1) if any(_covers(texts[i], q) for q in evidence)), None)
            ranks.append(rank)
        hit1 = sum(r == 1 for r in ranks) / len(ranks)
        hit5 = sum(r is not None and r <= 5 for r in ranks) / len(ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        mean = statistics.mean(len(c.text) for c in chunks)
        print(
            f"{size:>5} {overlap:>7} {len(chunks):>6} {mean:>8.0f} {whole:>6}/{len(quotes):<5}"
            f" {hit1:>6.2f} {hit5:>6.2f} {mrr:>6.2f}"
        )


if __name__ == "__main__":
    main()
