"""`python -m ui` / `rag serve`: the first start builds the index, then the app serves it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from conftest import SMALL_SETTINGS, free_port, rag_env, write_corpus


def test_first_start_builds_the_index_then_serves_on_localhost(tmp_path: Path, model_cache: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    env = {
        **os.environ,
        "RAG_CORPUS": str(corpus),
        "RAG_INDEX_DIR": str(index_dir),
        "RAG_MODEL_CACHE": str(model_cache),
        **{f"RAG_{k.upper()}": str(v) for k, v in SMALL_SETTINGS.items()},
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ui", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(180, server.kill)
    watchdog.start()
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = f"http://127.0.0.1:{port}/"
        assert line.strip() == f"rag: the app is running at {url} (Ctrl+C to stop)"
        assert (index_dir / "CURRENT").exists()
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200 and "政策报告问答" in page.text
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(timeout=30)
    assert server.stderr is not None
    stderr = server.stderr.read()
    assert "building it from the library first" in stderr and "rag: warning" not in stderr


def test_a_busy_port_is_a_one_line_error(small_engine) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # The engine's own corpus: `rag serve` then finds the index up to date (other tests
        # search this index, and see any version a process publishes into it).
        env = rag_env(small_engine.settings)
        result = subprocess.run(
            [sys.executable, "-m", "rag", "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(f"rag: error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr


def _serve_stderr(env: dict[str, str], host: str) -> str:
    """Start `rag serve --host HOST`, wait until it is running, stop it; its stderr."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rag", "serve", "--host", host, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(180, server.kill)
    watchdog.start()
    try:
        assert server.stdout is not None
        assert "rag: the app is running at" in server.stdout.readline()
    finally:
        watchdog.cancel()
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    return stderr


def test_listening_beyond_localhost_warns_unless_a_password_is_set(small_engine) -> None:  # type: ignore[no-untyped-def]
    env = rag_env(small_engine.settings)
    env.pop("RAG_AUTH", None)
    warned = _serve_stderr(env, "0.0.0.0")
    assert "rag: warning: listening on 0.0.0.0 without a password" in warned and "RAG_AUTH=user:password" in warned
    assert "rag: warning" not in _serve_stderr({**env, "RAG_AUTH": "analyst:s3cret"}, "0.0.0.0")


def test_beyond_localhost_without_a_librarian_login_the_app_is_read_only_and_says_so(small_engine) -> None:  # type: ignore[no-untyped-def]
    env = rag_env(small_engine.settings)
    said = "rag: the library cannot be changed from the app: the app listens on 0.0.0.0 and RAG_ADMIN_AUTH is not set"
    assert said in _serve_stderr({**env, "RAG_AUTH": "analyst:s3cret"}, "0.0.0.0")
    librarian = {**env, "RAG_AUTH": "analyst:s3cret", "RAG_ADMIN_AUTH": "librarian:c0rrect"}
    assert "cannot be changed" not in _serve_stderr(librarian, "0.0.0.0")
    assert "cannot be changed" not in _serve_stderr(env, "127.0.0.1")
    assert "RAG_READ_ONLY=1" in _serve_stderr({**env, "RAG_READ_ONLY": "1"}, "127.0.0.1")


def test_a_malformed_password_setting_is_a_one_line_error(small_engine) -> None:  # type: ignore[no-untyped-def]
    env = {**rag_env(small_engine.settings), "RAG_AUTH": "analyst"}
    result = subprocess.run(
        [sys.executable, "-m", "rag", "serve"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "rag: error: RAG_AUTH must be user:password, got a value without a password"
