"""How long `rag serve` takes to be ready when the index is already built.

Starts `rag serve` on a free port several times, each in a fresh process, and measures
the time from launch until (1) the URL is printed and (2) a first search through the
HTTP API (gradio_client) has returned. The issue's bar is under 10 s.

Usage: .venv/bin/python benchmarks/startup.py [--runs 3]   (uses RAG_INDEX_DIR / the default index)
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from gradio_client import Client
from serving import served_app

log = logging.getLogger("startup")


def one_start() -> tuple[float, float]:
    """Seconds until the URL is printed, and until a first API search has answered."""
    started = time.perf_counter()
    with served_app() as served:
        url = served.url
        listening = time.perf_counter() - started
        Client(url, verbose=False).predict("教师培训", 5, None, api_name="/search")
        return listening, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    one_start()  # warm the OS file cache, as on a machine that has started the app before
    runs = [one_start() for _ in range(args.runs)]
    for i, (listening, ready) in enumerate(runs, start=1):
        log.info("run %d: URL printed after %.2f s, first search answered after %.2f s", i, listening, ready)
    log.info(
        "median over %d runs: URL %.2f s, ready %.2f s (max %.2f s)",
        len(runs),
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        max(r[1] for r in runs),
    )


if __name__ == "__main__":
    main()
