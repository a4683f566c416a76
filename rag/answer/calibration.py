"""Fitting the answer policy's two refusal numbers on a gold set instead of setting them by hand.

After the hard checks (`rag.answer.checks`), a question is answered when some eligible
sentence holds enough of its terms (`AnswerPolicy.min_coverage`) and stands far enough above
the question's background in the library (`AnswerPolicy.min_lift`). `fit` chooses the pair
that decides best, on the gold items given, whether to answer (answerable items) or refuse
(unanswerable ones); `rag calibrate GOLD.jsonl` runs it and `save`s the pair, per embedding
model, in the file `Settings.calibration` names, which `load` reads when an engine starts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import numpy as np

from rag.answer.policy import AnswerPolicy

log = logging.getLogger(__name__)


class CalibrationError(ValueError):
    """The calibration file cannot be written; the message names it."""


@dataclass(frozen=True)
class Fit:
    """The fitted numbers of the policy, and what they were fitted on."""

    values: dict[str, float] = field(default_factory=dict)
    fitted_on: str = ""
    items: int = 0
    accuracy: float = 0.0

    def applied(self, policy: AnswerPolicy) -> AnswerPolicy:
        """`policy` with the fitted numbers put in."""
        return replace(policy, **{k: v for k, v in self.values.items() if k in AnswerPolicy.FITTED})


@dataclass(frozen=True)
class Sample:
    """One gold question: whether it is answerable, and (lift, coverage) of each sentence
    left eligible by the hard checks (none when a hard check refused it)."""

    answerable: bool
    evidence: tuple[tuple[float, float], ...]

    def answered(self, min_lift: float, min_coverage: float) -> bool:
        return any(lift >= min_lift and covered >= min_coverage for lift, covered in self.evidence)


def fit(samples: Sequence[Sample], fitted_on: str = "", policy: AnswerPolicy | None = None) -> Fit:
    """The (min_lift, min_coverage) pair with the lowest cost: the share of answerable items
    refused and the share of unanswerable ones answered (each smoothed by one error and one
    right call), each divided by the error rate the product accepts for it
    (`AnswerPolicy.refused_answerable`, `answered_unanswerable`), so neither kind of item
    outweighs the other by its count, and a handful of items cannot move the numbers far. Any cut between two neighbouring
    observed values decides alike, so the cuts are the middles of those gaps; among the
    pairs that decide best, the median one is taken: the numbers are not pressed against
    one question."""
    # Lifts without a background are infinite (`Evidence.lifts`): any finite cut passes them.
    lifts = np.asarray(_cuts(sorted({round(lift, 2) for s in samples for lift, _ in s.evidence if np.isfinite(lift)})) or [0.0])
    coverages = np.asarray(_cuts(sorted({round(c, 2) for s in samples for _, c in s.evidence})))
    if not len(coverages):
        return Fit({"min_lift": 0.0, "min_coverage": 0.0}, fitted_on, len(samples))
    wrong = {True: np.zeros((len(lifts), len(coverages))), False: np.zeros((len(lifts), len(coverages)))}
    for s in samples:
        points = np.asarray(s.evidence, dtype=float).reshape(-1, 2)
        answered = (points[:, :1] >= lifts).T.astype(float) @ (points[:, 1:] >= coverages).astype(float) > 0
        wrong[s.answerable] += ~answered if s.answerable else answered
    policy = policy or AnswerPolicy()
    accepted = {True: policy.refused_answerable, False: policy.answered_unanswerable}
    counts = {k: sum(s.answerable == k for s in samples) for k in (True, False)}
    # Each error rate is smoothed (one error and one right call added): a gold set with three
    # unanswerable questions cannot say that one in three is answered.
    cost = sum((wrong[k] + 1) / ((counts[k] + 2) * accepted[k]) for k in (True, False) if counts[k])
    tied = sorted((float(coverages[j]), float(lifts[i])) for i, j in zip(*np.nonzero(cost == cost.min())))
    cover, lift = tied[len(tied) // 2]
    accuracy = sum(s.answered(lift, cover) == s.answerable for s in samples) / len(samples)
    values = {"min_lift": round(lift, 4), "min_coverage": round(cover, 4)}
    return Fit(values, fitted_on, len(samples), round(accuracy, 4))


def summary(samples: Sequence[Sample], policy: AnswerPolicy) -> tuple[str, str, str, str]:
    """How many samples, right calls, unanswerable refused and answerable refused (as `rag calibrate` shows them)."""
    answered = [s.answered(policy.min_lift, policy.min_coverage) for s in samples]
    right = sum(a == s.answerable for a, s in zip(answered, samples))
    unanswerable = [a for a, s in zip(answered, samples) if not s.answerable]
    wrongly = sum(s.answerable and not a for a, s in zip(answered, samples))
    return str(len(samples)), f"{right}/{len(samples)}", f"{unanswerable.count(False)}/{len(unanswerable)}", str(wrongly)


def load(path: Path, model: str) -> Fit:
    """The numbers saved for `model`; without them, the policy's defaults, with a warning."""
    try:
        return Fit(**json.loads(path.read_text(encoding="utf-8"))[model])
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("no fitted answer policy for model %s in %s: run `rag calibrate GOLD.jsonl`", model, path)
        return Fit()


def save(path: Path, model: str, fitted: Fit) -> None:
    """Write `fitted` as `model`'s entry, keeping the other models' entries."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = {}
    entries[model] = {"values": fitted.values, "fitted_on": fitted.fitted_on, "items": fitted.items, "accuracy": fitted.accuracy}
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise CalibrationError(f"{path}: cannot write the calibration ({exc.strerror or exc})") from None


def _cuts(values: list[float]) -> list[float]:
    """Cuts below, between and above sorted observed values."""
    if not values:
        return []
    return [values[0] - 0.01, *((a + b) / 2 for a, b in pairwise(values)), values[-1] + 0.01]
