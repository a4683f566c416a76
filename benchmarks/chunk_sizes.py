"""How chunk size and overlap affect whether a gold evidence quote survives inside one chunk.

A quote split across two chunks can never be cited whole, so this is a ceiling on what
retrieval can reach. Usage: python benchmarks/chunk_sizes.py ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import unicodedata
from pathlib import Path

from rag.chunking import chunk_documents
from rag.corpus import load_documents
from rag.settings import DEFAULT_CORPUS

SETTINGS = [(150, 30), (200, 40), (250, 50), (300, 60), (400, 80), (600, 100)]


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, help="gold set in JSON lines (evidence quotes)")
    args = parser.parse_args()
    quotes = [
        _normal(e["quote"])
        for line in args.gold.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for e in json.loads(line).get("evidence", [])
    ]
    started = time.perf_counter()
    documents = load_documents([DEFAULT_CORPUS])
    load_seconds = time.perf_counter() - started
    print(f"{len(documents)} documents loaded and cleaned in {load_seconds:.2f} s; {len(quotes)} evidence quotes")
    print(f"{'size':>5} {'overlap':>7} {'chunks':>6} {'mean len':>8} {'quotes whole in a chunk':>24}")
    for size, overlap in SETTINGS:
        chunks = chunk_documents(documents, size, overlap)
        texts = [_normal(c.text) for c in chunks]
        whole = sum(any(q in t for t in texts) for q in quotes)
        mean = statistics.mean(len(c.text) for c in chunks)
        print(f"{size:>5} {overlap:>7} {len(chunks):>6} {mean:>8.0f} {whole:>14}/{len(quotes)} ({whole / len(quotes):.0%})")


if __name__ == "__main__":
    main()
