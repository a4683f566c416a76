"""Indexing one very large text file: wall time and peak memory.

Writes a made-up report of the given size (one document: a headline, a date, then
numbered sections of prose that repeat, as long compilations repeat their boilerplate),
runs `rag index` on it in a fresh process with an empty index, and reports the wall
time, the process's peak resident memory and the size of what was built.

Repeated text is embedded once (identical texts share one vector), so the figures are
for reading, cleaning, chunking, tokenising, building the stores and memory; 50 MB of
distinct text would also need about half a million passages embedded (see
benchmarks/speed.py for the model's rate).

Usage: .venv/bin/python benchmarks/bigfile.py [--mb 50] [--mb 10 ...]   (RAG_MODEL_CACHE is honoured)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bigfile")

HEADLINE = "临江市教育事业发展情况汇编"
SECTIONS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
PARAGRAPHS = [
    "临江市坚持教育优先发展，全年新建改扩建中小学校26所，新增公办学位1.8万个，城区大班额全部消除，义务教育学校标准化建设达标率保持100%。",
    "教师队伍建设方面，全市实施新一轮名师培养工程，遴选市级骨干教师640名，组织乡村教师全员轮训，城乡教师交流轮岗比例达到18%。",
    "职业教育方面，临江市对接船舶制造和现代物流产业新设专业9个，建成产教融合实训基地14个，订单培养学生2300余人，毕业生留在本地就业的比例逐年提高。",
]
# A sentence the benchmark and its test look for after indexing.
PROBE = "城乡教师交流轮岗比例达到18%"


def write_report(path: Path, size_mb: float) -> None:
    """A single report of about `size_mb` MB of UTF-8 text."""
    target = int(size_mb * 2**20)
    with open(path, "w", encoding="utf-8") as handle:
        written = handle.write(f"{HEADLINE}\n2025年12月30日\n")
        n = 0
        while written < target:
            section = f"{SECTIONS[n % len(SECTIONS)]}、第{SECTIONS[n % len(SECTIONS)]}方面工作情况\n" + "\n".join(PARAGRAPHS) + "\n"
            written += len(section.encode("utf-8"))
            handle.write(section)
            n += 1


@dataclass(frozen=True)
class Run:
    """One `rag index` run: exit code, wall seconds, peak resident memory and output."""

    returncode: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def index_with_peak(path: Path, env: dict[str, str]) -> Run:
    """Run `rag index PATH` in a fresh process (the index goes to env's RAG_INDEX_DIR) and
    measure its peak memory: a wrapper process waits for it and reads its children's
    maximum resident set size."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(done.stdout); sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(done.returncode)\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "rag", "index", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    *lines, peak_kb = done.stderr.rstrip("\n").split("\n")
    return Run(done.returncode, seconds, int(peak_kb) / 1024, done.stdout, "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, action="append", help="file size in MB (repeatable; default 50)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = []
    for size in args.mb or [50.0]:
        with tempfile.TemporaryDirectory(prefix="rag-bigfile-") as tmp:
            path = Path(tmp) / "report.txt"
            write_report(path, size)
            index_dir = Path(tmp) / "index"
            run = index_with_peak(path, {**os.environ, "RAG_INDEX_DIR": str(index_dir)})
            if run.returncode != 0:
                sys.exit(f"bigfile: rag index failed on {size} MB: {run.stderr.strip().splitlines()[-1:]}")
            version = (index_dir / "CURRENT").read_text().split()[0]
            counts = json.loads((index_dir / version / "manifest.json").read_text())["counts"]
            # The version folder holds only its manifest; the segments it lists are beside it.
            on_disk = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 2**20
            rows.append((size, run.seconds, run.peak_mb, counts["chunks"], counts["sentences"], on_disk))
            log.info("%.0f MB: %.1f s, peak %.0f MB", size, run.seconds, run.peak_mb)
    print("| file | wall time | peak memory (RSS) | chunks | sentences | index on disk |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size, seconds, peak, chunks, sentences, on_disk in rows:
        print(f"| {size:.0f} MB | {seconds:.1f} s | {peak:,.0f} MB | {chunks:,} | {sentences:,} | {on_disk:,.0f} MB |")


if __name__ == "__main__":
    main()
