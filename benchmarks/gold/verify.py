"""Check a gold set against the documents of its corpus, as the product reads them.

Run: .venv/bin/python benchmarks/gold/verify.py GOLD.jsonl CORPUS_DIR
Exits non-zero if any check fails. Every evidence quote must lie (NFKC, spaces removed,
as `rag eval` compares) inside the cleaned text of its file, 10-60 characters with no
line break; unanswerable items have no evidence; cross items cite two passages (of two
files, or of two documents of one compilation); the 「」 sentence of a quote item occurs in
no file; the 「」 passage of a similar item is 60-150 characters, occurs in a file named in
`notes`, and no evidence comes from it.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from rag.ingest import find_files, load_documents
from rag.search import pasted_text
from rag.textshape import squash


def corpus_texts(folder: Path) -> dict[str, str]:
    """Each file's name -> the squashed cleaned text of all the documents it holds."""
    texts: dict[str, str] = {}
    for path in find_files([folder]):
        texts[path.name] = "".join(squash(d.text) for d in load_documents([path]))
    return texts


def problems(item: dict, texts: dict[str, str]) -> list[str]:
    """What is wrong with one gold item (empty when it passes)."""
    found = []
    evidence = item.get("evidence") or []
    for e in evidence:
        quote = e["quote"]
        if e["file"] not in texts:
            found.append(f"unknown file {e['file']}")
        elif squash(quote) not in texts[e["file"]]:
            found.append(f"quote not in {e['file']}: {quote}")
        if not 10 <= len(quote) <= 60 or "\n" in quote:
            found.append(f"quote length {len(quote)} or line break: {quote}")
    kind = item["type"]
    if kind == "unanswerable" and evidence:
        found.append("unanswerable item with evidence")
    if kind != "unanswerable" and not evidence:
        found.append("answerable item without evidence")
    if kind == "cross" and len(evidence) < 2:
        found.append("cross item cites fewer than two passages")
    pasted = pasted_text(item["question"])
    if kind == "quote" and (not pasted or any(squash(pasted) in t for t in texts.values())):
        found.append("quote item's 「」 sentence is missing or occurs verbatim")
    if kind == "similar":
        sources = [name for name in texts if name in item.get("notes", "")]
        if not pasted or not 60 <= len(pasted) <= 150:
            found.append("similar item's 「」 passage is missing or not 60-150 characters")
        elif not any(squash(pasted) in texts[name] for name in sources):
            found.append("similar item's passage is not in a file named in notes")
        if any(e["file"] in sources for e in evidence):
            found.append("similar item cites its own source file")
    return found


def main() -> None:
    logging.disable(logging.WARNING)
    gold, folder = Path(sys.argv[1]), Path(sys.argv[2])
    texts = corpus_texts(folder)
    failures = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            for problem in problems(item, texts):
                failures += 1
                print(f"{item['id']}: {problem}")
    print(f"{failures} problems in {gold.name} over {len(texts)} files")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
