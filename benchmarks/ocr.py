"""What reading scanned pages by OCR costs, and how right it is.

For each image-only PDF or image of a folder: the seconds per page OCR takes on this
machine, the share of the printed characters it reads right (1 - edit distance / length,
spaces ignored, against a transcript of the page), and whether the title, date and 发文字号
match what a reader gives (an expectations file).

Usage: .venv/bin/python benchmarks/ocr.py [FOLDER] [--truth DIR] [--expected FILE]
  defaults: tests/data/scanned, tests/data/scanned-truth, tests/data/scanned-expected.json
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from rag.evaluation import reads_as_reader
from rag.ingest import find_files, read_file, understand
from rag.textshape import squash

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def accuracy(read: str, truth: str) -> float:
    """Share of the transcript's characters read right (spaces ignored)."""
    return Levenshtein.normalized_similarity(squash(read), squash(truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DATA / "scanned")
    parser.add_argument("--truth", type=Path, default=DATA / "scanned-truth")
    parser.add_argument("--expected", type=Path, default=DATA / "scanned-expected.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    expected = json.loads(args.expected.read_text(encoding="utf-8")) if args.expected.is_file() else {}
    pages_total, seconds_total, right = 0, 0.0, 0
    scores: list[float] = []
    for path in find_files([args.folder]):
        started = time.perf_counter()
        raw = read_file(path)
        seconds = time.perf_counter() - started
        ocr_pages = [p for p in raw.pages if p.how == "OCR"]
        report = understand(raw, path.stem)
        document = report.documents[0]
        truth_file = args.truth / f"{path.name}.txt"
        score = accuracy(raw.text, truth_file.read_text(encoding="utf-8")) if truth_file.is_file() else None
        want = expected.get(path.name, {})
        fields = {f: reads_as_reader(document, f, want.get(f)) for f in ("title", "date", "doc_number")}
        right += all(fields.values())
        pages_total += len(ocr_pages)
        seconds_total += seconds
        if score is not None:
            scores.append(score)
        confidence = min((p.confidence or 0 for p in ocr_pages), default=0)
        marks = " ".join(f"{k}:{'ok' if v else 'WRONG'}" for k, v in fields.items())
        shown = f"{score:.3f}" if score is not None else "-"
        print(f"{path.name:<48} pages={len(ocr_pages)} {seconds / max(len(ocr_pages), 1):5.1f} s/page chars right={shown} min confidence={confidence:.2f} {marks}")
    print()
    print(f"OCR pages: {pages_total}, {seconds_total / max(pages_total, 1):.1f} s per page (read, including rendering)")
    if scores:
        print(f"characters read right: mean {sum(scores) / len(scores):.3f}, lowest {min(scores):.3f}")
    print(f"title, date and 发文字号 all as a reader gives them: {right}/{len(find_files([args.folder]))}")


if __name__ == "__main__":
    main()
