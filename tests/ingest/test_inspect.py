"""`rag inspect`: every decision ingest takes about a file, shown to the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_rag
from synthetic import fixtures

from rag.settings import Settings

pytestmark = pytest.mark.fast

FIXTURES = {f.name: f for f in fixtures()}


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(FIXTURES[name].data)
    return path


def test_inspect_json_shows_structure_metadata_outline_and_removals(fake_settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "report-scraped.txt")
    done = run_rag(fake_settings, "inspect", str(path), "--json")
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["readings"][0]["name"] == "one document" and row["readings"][0]["score"] > 0
    [document] = row["documents"]
    assert document["title"] == "2026年云岭省政府工作报告" and document["date"] == "2026-01-20"
    assert document["kind"] == "报告" and document["meta"]["speaker"].endswith("王某某")
    assert any("date 2026-01-20 from the delivered" in d for d in document["decisions"])
    assert [e["kind"] for e in document["elements"]][:2] == ["title", "subtitle"]
    assert document["headings"][0]["level"] == 1 and document["headings"][0]["title"].startswith("一、")
    rules = {r["text"]: r["rule"] for r in row["removed"]}
    assert rules["下载"].startswith("page chrome") and rules["来源：云岭日报"] == "metadata: 来源"
    assert any(rule == "page footer" for rule in rules.values())
    assert all(r["line"] > 0 for r in row["removed"])


def test_inspect_for_people_marks_the_chosen_reading_and_lists_what_was_left_out(fake_settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, "compilation.txt")
    done = run_rag(fake_settings, "inspect", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("chosen compilation (score") and any(line.lstrip().startswith("one document (score") for line in lines[2:4])
    assert sum(line.startswith("《") for line in lines) == 3
    assert any("table of contents" in line for line in lines)


def test_inspect_errors_are_one_line(fake_settings: Settings, tmp_path: Path) -> None:
    missing = run_rag(fake_settings, "inspect", str(tmp_path / "nothing.txt"))
    assert missing.returncode == 2 and missing.stderr.strip().splitlines() == [f"rag: error: no such file: {tmp_path / 'nothing.txt'}"]
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    refused = run_rag(fake_settings, "inspect", str(empty))
    assert refused.returncode == 2 and refused.stderr.strip() == f"rag: error: {empty}: file is empty"
