"""Starting the app for the benchmarks that measure it over HTTP (startup.py, load.py)."""

from __future__ import annotations

import logging
import queue
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rag.index import current_version
from rag.settings import Settings

log = logging.getLogger("serving")

SERVE_WAIT_S = 300.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    url: str
    pid: int


@contextmanager
def served_app() -> Iterator[Served]:
    """`rag serve` on a free port over the index of the environment's settings; yields its
    URL and pid once the URL is printed, stops the server after."""
    settings = Settings.from_env()
    if current_version(settings.index_dir) is None:
        raise SystemExit(f"no index in {settings.index_dir}: run `rag index` first")
    rag = Path(sys.executable).with_name("rag")
    server = subprocess.Popen([str(rag), "serve", "--port", str(free_port())], stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def drain() -> None:  # keep reading, so that the server never blocks on a full pipe
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=drain, daemon=True).start()
    try:
        try:
            line = lines.get(timeout=SERVE_WAIT_S)
        except queue.Empty:
            line = ""
        found = re.search(r"running at (\S+)", line)
        if found is None:
            raise SystemExit(f"rag serve did not start: {line!r}")
        log.info("rag serve is running at %s", found.group(1))
        yield Served(found.group(1), server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
