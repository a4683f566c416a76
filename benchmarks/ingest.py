"""How well ingest reads real files, and what indexing them costs beyond embedding.

For each file of a folder: how many documents it gave, whether title, date, 发文字号,
issuer and kind match what a reader gives (an expectations file, by default
benchmarks/gold/realworld-structure.json), how many headings it found, what share of the
extracted sentences ended in the document text, and how many lines went to the ledger.
With --time, the folder is also indexed into a fresh index and the build time is compared
with the pure embedding time of the same texts (benchmarks/speed.py's measure).

Usage: .venv/bin/python benchmarks/ingest.py ../shared/realworld [--expected FILE] [--time]
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from rag.evaluation import extracted_sentences, reads_as_reader
from rag.ingest import find_files, read_file, understand
from rag.settings import Settings
from rag.textshape import squash

FIELDS = ("title", "date", "doc_number", "issuer", "kind")
DEFAULT_EXPECTED = Path(__file__).parent / "gold" / "realworld-structure.json"


def read_folder(folder: Path, expected: dict[str, dict[str, str | None]]) -> dict[str, Any]:
    files = [f for f in find_files([folder]) if not expected or f.name in expected]
    rows: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for path in files:
        raw = read_file(path)
        report = understand(raw, path.stem)
        documents = report.documents
        want = expected.get(path.name, {})
        got = {f: getattr(documents[0], f) for f in FIELDS} if documents else {}
        matches = {f: bool(documents) and reads_as_reader(documents[0], f, want[f]) for f in FIELDS if f in want}
        text = squash("".join(d.text for d in documents))
        ledger = squash("".join(r.text for r in report.removed))
        sentences = extracted_sentences(raw.text)
        kept = sum(squash(s) in text for s in sentences)
        ledgered = sum(squash(s) not in text and squash(s) in ledger for s in sentences)
        rules = Counter(r.rule.split(":")[0] for r in report.removed)
        rows.append(
            {
                "file": path.name,
                "documents": len(documents),
                **{f"{f}_ok": ok for f, ok in matches.items()},
                "title": got.get("title"),
                "date": got.get("date"),
                "headings": sum(len(d.headings) for d in documents),
                "sentences_kept": f"{kept}/{len(sentences)}",
                "sentences_ledgered": ledgered,
                "removed": dict(rules),
            }
        )
        totals["files"] += 1
        totals["one_document"] += len(documents) == 1
        totals["sentences"] += len(sentences)
        totals["sentences_kept"] += kept
        totals["sentences_ledgered"] += ledgered
        for field, ok in matches.items():
            totals[f"{field}_right"] += ok
    return {"files": rows, "totals": dict(totals)}


def measure_time(folder: Path, expected: dict[str, dict[str, str | None]]) -> dict[str, Any]:
    from speed import measure_build

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for path in find_files([folder]):
            if not expected or path.name in expected:
                (corpus / path.name).write_bytes(path.read_bytes())
        settings = Settings.from_env().with_overrides(index_dir=Path(tmp) / "index", corpus=(corpus,))
        return measure_build(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED, help="what a reader gives per file (JSON)")
    parser.add_argument("--time", action="store_true", help="also index the folder: build time against encode time")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    expected = json.loads(args.expected.read_text(encoding="utf-8")) if args.expected and args.expected.is_file() else {}
    result = read_folder(args.folder, expected)
    if args.time:
        result["indexing"] = measure_time(args.folder, expected)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for row in result["files"]:
        marks = " ".join(f"{f}:{'ok' if row.get(f'{f}_ok') else 'WRONG'}" for f in FIELDS if f"{f}_ok" in row)
        print(f"{row['file']:<55} docs={row['documents']} {marks} headings={row['headings']} kept={row['sentences_kept']} removed={row['removed']}")
    totals = result["totals"]
    print()
    print(f"files: {totals['files']}, one document per file: {totals['one_document']}")
    for field in FIELDS:
        if f"{field}_right" in totals:
            print(f"{field} as a reader gives it: {totals[f'{field}_right']}/{totals['files']}")
    print(
        f"extracted sentences kept in the documents: {totals['sentences_kept']}/{totals['sentences']}, "
        f"left out with a ledger entry: {totals['sentences_ledgered']}, lost: {totals['sentences'] - totals['sentences_kept'] - totals['sentences_ledgered']}"
    )
    for key, value in result.get("indexing", {}).items():
        print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
