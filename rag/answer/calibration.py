"""The evidence threshold of answering, fitted on a gold set instead of set by hand.

A sentence supports a question when its support, cosine with the question plus a share of
its coverage of the question's terms (`rag.answer.evidence.Candidate.support`), reaches a
threshold. `fit` chooses the threshold that decides best, on the gold items given, whether
to answer (answerable items) or abstain (unanswerable ones); `rag calibrate GOLD.jsonl`
runs it and `save`s it, per embedding model, in the file `Settings.calibration` names,
which `load` reads when an engine starts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

log = logging.getLogger(__name__)


class CalibrationError(ValueError):
    """The calibration file cannot be written; the message names it."""


@dataclass(frozen=True)
class Thresholds:
    """The support a sentence must reach to answer, and what it was fitted on."""

    min_support: float
    fitted_on: str = ""
    items: int = 0
    accuracy: float = 0.0


@dataclass(frozen=True)
class Sample:
    """One gold question: whether it is answerable, and the best support of any sentence
    eligible to answer it (None when no sentence is even eligible)."""

    answerable: bool
    support: float | None

    def answered(self, threshold: float) -> bool:
        return self.support is not None and self.support >= threshold


def fit(samples: Sequence[Sample], fitted_on: str = "") -> Thresholds:
    """The threshold with the most right calls, answerable and unanswerable items weighing
    the same in total (there are far fewer unanswerable ones). Any threshold between two
    neighbouring supports decides alike, so the best such gap is taken and its middle
    returned: the threshold is not pressed against one question."""
    supports = sorted({s.support for s in samples if s.support is not None})
    if not supports:
        return Thresholds(0.0, fitted_on, len(samples))
    cuts = [supports[0] - 0.01, *((a + b) / 2 for a, b in pairwise(supports)), supports[-1] + 0.01]
    best = max(cuts, key=lambda cut: (balanced_accuracy(samples, cut), -abs(cut - _median(cuts))))
    accuracy = sum(s.answered(best) == s.answerable for s in samples) / len(samples)
    return Thresholds(round(best, 4), fitted_on, len(samples), round(accuracy, 4))


def balanced_accuracy(samples: Sequence[Sample], threshold: float) -> float:
    """The mean of the share of answerable items answered and of unanswerable ones refused."""
    groups = [[s for s in samples if s.answerable], [s for s in samples if not s.answerable]]
    shares = [sum(s.answered(threshold) == s.answerable for s in g) / len(g) for g in groups if g]
    return sum(shares) / len(shares)


def summary(samples: Sequence[Sample], threshold: float) -> tuple[str, str, str, str]:
    """How many samples, right calls, unanswerable refused and answerable refused (as `rag calibrate` shows them)."""
    right = sum(s.answered(threshold) == s.answerable for s in samples)
    unanswerable = [s for s in samples if not s.answerable]
    refused = sum(not s.answered(threshold) for s in unanswerable)
    wrongly = sum(s.answerable and not s.answered(threshold) for s in samples)
    return str(len(samples)), f"{right}/{len(samples)}", f"{refused}/{len(unanswerable)}", str(wrongly)


def load(path: Path, model: str) -> Thresholds:
    """The threshold saved for `model`; without one, none (every eligible sentence may
    answer), with a warning."""
    try:
        return Thresholds(**json.loads(path.read_text(encoding="utf-8"))[model])
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("no answer threshold for model %s in %s: run `rag calibrate GOLD.jsonl`", model, path)
        return Thresholds(0.0)


def save(path: Path, model: str, thresholds: Thresholds) -> None:
    """Write `thresholds` as `model`'s entry, keeping the other models' entries."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = {}
    entries[model] = asdict(thresholds)
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise CalibrationError(f"{path}: cannot write the calibration ({exc.strerror or exc})") from None


def _median(values: Sequence[float]) -> float:
    return sorted(values)[len(values) // 2]
