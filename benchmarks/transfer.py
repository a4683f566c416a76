"""Transfer: fit the answer policy on one corpus's gold questions, report on every other's.

For each NAME=INDEX:GOLD given (an index built with `rag index`, and the gold set over its
documents), the refusal numbers are fitted on that gold set alone (`rag.answer.calibration.fit`)
and then every gold set is answered with them. Each row says what it was fitted on and what it
is reported on; "held out" rows are the ones that count (a corpus is never reported on with
numbers fitted on itself, except in the rows marked "fitted"). A first block, "default",
uses the policy's defaults, fitted on nothing; the last blocks, "all but NAME", fit on every
other gold set together and report on NAME (a set with few unanswerable questions cannot
fit two numbers alone). The columns are the issue's bars: retrieval hit@1,
citation recall and precision, answerable questions refused, unanswerable ones refused, and
similar-passage recall@5.

Usage (about 2 minutes per fit, on 2 cores):
  RAG_INDEX_DIR=/tmp/idx/rw rag index ../shared/realworld
  RAG_INDEX_DIR=/tmp/idx/sample rag index ../shared/corpus
  RAG_INDEX_DIR=/tmp/idx/other rag index benchmarks/corpora/other
  .venv/bin/python benchmarks/transfer.py realworld=/tmp/idx/rw:benchmarks/gold/realworld.jsonl \
      dev=/tmp/idx/sample:../shared/eval/dev.jsonl sample=/tmp/idx/sample:benchmarks/gold/sample.jsonl \
      other=/tmp/idx/other:benchmarks/gold/other.jsonl
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from rag.answer import calibration
from rag.engine import Engine
from rag.evaluation import GoldItem, calibration_samples, evaluate_answers, evaluate_retrieval, load_gold, search_texts
from rag.settings import Settings

COLUMNS = ("fit on", "report on", "items", "hit@1", "recall", "precision", "answerable refused", "unanswerable refused", "similar@5")


def scores(items: list[GoldItem], engine: Engine) -> list[str]:
    """The bar columns for one gold set answered by one engine."""
    retrieval = evaluate_retrieval(items, lambda item: search_texts(engine, item))["overall"].means()
    answers = evaluate_answers(items, engine)
    refused = round((answers["abstention_accuracy"] or 0.0) * answers["unanswerable"])
    similar = answers["similar_recall@5"]
    return [
        str(len(items)),
        f"{retrieval['hit@1']:.3f}",
        f"{answers['citation_recall']:.3f}",
        f"{answers['citation_precision']:.3f}",
        f"{answers['false_abstentions']}/{answers['answerable']}",
        f"{refused}/{answers['unanswerable']}",
        "-" if similar is None else f"{similar:.3f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="+", help="NAME=INDEX:GOLD")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    corpora: dict[str, tuple[Path, list[GoldItem]]] = {}
    for spec in args.corpora:
        name, _, rest = spec.partition("=")
        index, _, gold = rest.rpartition(":")
        corpora[name] = (Path(index), load_gold(Path(gold)))
    print("| " + " | ".join(COLUMNS) + " |")
    print("|---" * len(COLUMNS) + "|")
    with tempfile.TemporaryDirectory() as scratch:
        samples = {}
        for name, (index, items) in corpora.items():
            engine = Engine.open(index, Settings.from_env().with_overrides(calibration=Path(scratch) / "none.json"))
            samples[name] = calibration_samples(items, engine)
        fits: dict[str, calibration.Fit] = {"default": calibration.Fit()}
        fits |= {name: calibration.fit(group, name) for name, group in samples.items()}
        for name in samples:  # leave one corpus out: fit on all the others together
            rest = [s for other, group in samples.items() if other != name for s in group]
            fits[f"all but {name}"] = calibration.fit(rest, f"all but {name}")
        for fitted_on, fitted in fits.items():
            path = Path(scratch) / f"{fitted_on}.json"
            settings = Settings.from_env().with_overrides(calibration=path)
            calibration.save(path, settings.model, fitted)
            shown = ", ".join(f"{k} {v}" for k, v in fitted.values.items()) or "defaults"
            for name, (index, items) in corpora.items():
                label = "fitted" if name == fitted_on or (fitted_on.startswith("all but") and fitted_on != f"all but {name}") else "held out"
                engine = Engine.open(index, settings)
                print(f"| {fitted_on} ({shown}) | {name} ({label}) | " + " | ".join(scores(items, engine)) + " |", flush=True)


if __name__ == "__main__":
    main()
