"""Settings (rag.settings): `RAG_*` variables are parsed into typed fields, and a value the
app cannot use is one line that names the variable (or the field) and what it must be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from rag.settings import DEFAULT_EXAMPLES, Settings, SettingsError

pytestmark = pytest.mark.fast


def test_variables_set_the_fields_they_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RAG_CORPUS", os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b"), ""]))
    monkeypatch.setenv("RAG_CHUNK_SIZE", "120")
    monkeypatch.setenv("RAG_LLM_TIMEOUT", "2.5")
    monkeypatch.setenv("RAG_READ_ONLY", "Yes")
    monkeypatch.setenv("RAG_EMBED_CONTEXT", "off")
    monkeypatch.setenv("RAG_AUTH", "reader:pa:ss")
    monkeypatch.setenv("RAG_EXAMPLES", "第一个问题？\n\n  第二个问题？  \n")
    settings = Settings.from_env()
    assert settings.corpus == (tmp_path / "a", tmp_path / "b")
    assert (settings.chunk_size, settings.llm_timeout) == (120, 2.5)
    assert settings.read_only is True and settings.embed_context is False
    assert settings.auth == ("reader", "pa:ss")  # the password may hold ':'
    assert settings.examples == ("第一个问题？", "第二个问题？")


def test_unset_and_empty_variables_keep_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("RAG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("RAG_CHUNK_SIZE", "")
    settings = Settings.from_env()
    assert settings == Settings()
    assert settings.examples == DEFAULT_EXAMPLES and settings.auth is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RAG_CHUNK_SIZE", "abc", "RAG_CHUNK_SIZE must be a whole number, got 'abc'"),
        ("RAG_LLM_TIMEOUT", "soon", "RAG_LLM_TIMEOUT must be a number, got 'soon'"),
        ("RAG_READ_ONLY", "maybe", "RAG_READ_ONLY must be true or false, got 'maybe'"),
        ("RAG_AUTH", "reader", "RAG_AUTH must be user:password, got a value without a password"),
        ("RAG_ADMIN_AUTH", ":secret", "RAG_ADMIN_AUTH must be user:password, got a value without a user"),
    ],
)
def test_a_bad_variable_is_named_in_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        Settings.from_env()
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"chunk_size": 10}, "chunk_size must be at least 20 characters, got 10"),
        ({"chunk_overlap": 300}, "chunk_overlap must be between 0 and chunk_size (300), got 300"),
        ({"candidates": 0}, "candidates must be at least 1, got 0"),
        ({"backend": "faiss"}, "backend must be one of embedded, milvus, got 'faiss'"),
        ({"embed_runtime": "torch", "embed_quantize": "int8"}, "embed_quantize=int8 needs the ONNX runtime, not embed_runtime=torch"),
        ({"milvus_uri": "milvus.example:19530"}, "milvus_uri must be http://host:port"),
        ({"milvus_collection": "9lives"}, "milvus_collection must be letters, digits and _"),
    ],
)
def test_an_unusable_value_names_its_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings(**changes)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_the_library_lives_beside_the_index_and_never_inside_it(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx")
    assert settings.library_dir == tmp_path / "idx-data"
    assert settings.milvus_address == str(tmp_path / "idx.milvus.db")
    assert settings.with_overrides(chunk_size=None) == settings  # an unset CLI flag changes nothing
    assert settings.with_overrides(chunk_size=120).chunk_size == 120
    with pytest.raises(SettingsError, match="must not hold one another"):
        Settings(index_dir=tmp_path / "idx", data_dir=tmp_path / "idx" / "data")


def test_the_cli_reports_a_bad_variable_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rag", "search", "教师培训"],
        env={**os.environ, "RAG_CHUNK_SIZE": "abc"},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["rag: error: RAG_CHUNK_SIZE must be a whole number, got 'abc'"]
