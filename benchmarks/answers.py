"""Answers on gold sets, per split: citation recall and precision, abstention, similar recall.

For each CORPUS:GOLD pair, a throwaway index of CORPUS is built with the default settings
and the gold set is answered through `Engine.ask` (the extractive answerer, with the answer
threshold of the calibration file). Items with a "split" (fit / test) are also scored per
split: the threshold was fitted on the fit items of benchmarks/gold/realworld.jsonl
(`rag calibrate benchmarks/gold/realworld.jsonl --split fit`), so the test items and the
other gold sets are held out.

Usage: .venv/bin/python benchmarks/answers.py CORPUS:GOLD [CORPUS:GOLD ...]
  e.g. benchmarks/answers.py /tmp/realworld:benchmarks/gold/realworld.jsonl docs/corpus:../shared/eval/dev.jsonl
(CORPUS is a folder holding only the files the gold set is about; --index DIR reuses a built index.)
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from rag.engine import Engine
from rag.evaluation import GoldItem, evaluate_answers, load_gold
from rag.library import index_corpus
from rag.settings import Settings

COLUMNS = ("citation_recall", "citation_precision", "unanswerable", "refused", "false_abstentions", "quote_top1", "similar_recall@5")


def row(name: str, items: list[GoldItem], engine: Engine) -> list[str]:
    scores = evaluate_answers(items, engine)
    refused = round((scores["abstention_accuracy"] or 0.0) * scores["unanswerable"])
    values = {**scores, "refused": f"{refused}/{scores['unanswerable']}"}
    return [name, str(len(items)), *(_shown(values[c]) for c in COLUMNS)]


def _shown(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-" if value is None else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="+", help="CORPUS:GOLD (or INDEX:GOLD with --index)")
    parser.add_argument("--index", action="store_true", help="the first part of each pair is a built index, not a corpus")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print("| gold set | items | " + " | ".join(COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    for pair in args.pairs:
        folder, _, gold = pair.rpartition(":")
        items = load_gold(Path(gold))
        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings.from_env()
            if args.index:
                settings = settings.with_overrides(index_dir=Path(folder))
            else:
                # The library's data directory too, or it would be made beside the scratch folder.
                settings = settings.with_overrides(
                    corpus=(Path(folder),), index_dir=Path(scratch) / "index", data_dir=Path(scratch) / "data"
                )
                index_corpus(settings)
            engine = Engine.open(settings=settings)
            groups = [(Path(gold).name, items)]
            groups += [(f"{Path(gold).name} {split}", [i for i in items if i.split == split]) for split in ("fit", "test")]
            for name, group in groups:
                if group:
                    print("| " + " | ".join(row(name, group, engine)) + " |", flush=True)


if __name__ == "__main__":
    main()
