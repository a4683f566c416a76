"""Adding one report to libraries of growing size: what an upload costs beyond embedding it.

For each size n (chunks) this writes a synthetic library into a temporary folder: many text
files of made-up Chinese policy prose (a seeded RNG fills templates with places, measures,
figures and years; 100-300 chunks a file, one document each), dated an hour back as files
that were there before the last run are. It builds the index once (time reported, not part
of the bar), opens it as the app serves it, then adds ONE new report (about 8,000
characters, tens of chunks) the way an upload does: `build_index` again over the library
plus the new file, then `open_index(reuse=<the served index>)`.

Embedding uses a synthetic embedder (unit vectors from a seeded hash of each text, dim 384),
so the model's time is near zero and the rest shows. Per size:
- chunks and files of the library; build_s: the first build;
- add_chunks, embedded: chunks of the report, texts embedded by the add (chunks and sentences);
- add_s: `build_index` of the add (IndexReport.seconds), embed_s its time in the embedder,
  index_s = add_s - embed_s; open_s: `open_index(reuse=...)` of the new version;
  beyond_s = index_s + open_s (the bar: at most 5 s at 100,000 chunks); total_s = add_s + open_s;
- written_kb: IndexReport.bytes_written; changed_kb: measured, the sizes of the index
  directory's files that are new or have a new mtime after the add; index_mb: the index
  directory after the add, and changed_pct = changed / index;
- peak_mb: growth of the process's peak RSS during add and open (both versions alive).
`--profile` prints cProfile's top functions (cumulative time) of the add and open per size.

Usage: .venv/bin/python benchmarks/growth.py [--sizes 1000 10000 100000] [--seed 0] [--json] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import logging
import os
import pstats
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from scale import status_mb

from rag.index import Index, IndexReport, build_index, open_index
from rag.settings import Settings

log = logging.getLogger("growth")

DIM = 384
CHUNKS_PER_FILE = (100, 300)
# Characters of library text per chunk (300-character chunks overlapping by 60, cut at
# sentence ends), measured on this generator's text; the first build reports the real count.
CHARS_PER_CHUNK = 215
REPORT_CHARS = 8000
HOUR_NS = 3600 * 10**9
COLUMNS = (
    "chunks", "files", "build_s", "add_chunks", "embedded", "add_s", "embed_s", "index_s", "open_s",
    "beyond_s", "total_s", "written_kb", "changed_kb", "index_mb", "changed_pct", "peak_mb",
)  # fmt: skip
DIGITS = {"build_s": 1, "add_s": 2, "embed_s": 3, "index_s": 2, "open_s": 2, "beyond_s": 2, "total_s": 2,
          "written_kb": 0, "changed_kb": 0, "index_mb": 1, "changed_pct": 3, "peak_mb": 0}  # fmt: skip


class HashEmbedder:
    """The Embedder interface with no model: each text's vector is a unit vector drawn
    from a seeded hash of it, so identical texts get identical vectors at almost no cost."""

    device = "cpu"
    document_prompt = ""

    def __init__(self, seed: int = 0, dim: int = DIM) -> None:
        self.name = f"synthetic-hash-{dim}"
        self.dim = dim
        self._seed = seed.to_bytes(8, "little")

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        digests = b"".join(hashlib.shake_128(self._seed + t.encode("utf-8")).digest(self.dim) for t in texts)
        vectors = np.frombuffer(digests, dtype=np.int8).reshape(len(texts), self.dim).astype(np.float32) + 0.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


# Synthetic policy text ------------------------------------------------------------------------


PLACES = ["临江市", "青山县", "云岭州", "河西市", "南川区", "北塘县", "东阳市", "西林县", "安澜市", "松江州",
          "石门县", "白沙市", "长宁区", "望海市", "金川县", "玉泉市", "龙溪县", "柳城市", "桐庐州", "平原县"]  # fmt: skip
AREAS = ["学前教育", "义务教育", "职业教育", "高等教育", "教师队伍建设", "乡村振兴", "科技创新", "医疗卫生", "养老服务",
         "生态环境保护", "城市更新", "数字政府", "营商环境", "就业创业", "住房保障", "文化旅游", "交通运输", "安全生产",
         "农业农村", "社会救助"]  # fmt: skip
ACTIONS = ["全面推进", "深入实施", "加快建设", "持续完善", "统筹推进", "着力提升", "稳步扩大", "大力发展", "健全落实",
           "不断深化", "系统推进", "积极探索"]  # fmt: skip
OBJECTS = ["标准化建设", "公共服务体系", "监测评价机制", "财政保障机制", "人才培养体系", "数字化平台", "示范项目",
           "协同治理机制", "服务网络", "专项行动", "基础设施", "质量提升工程", "信息公开制度", "考核评价办法"]  # fmt: skip
METRICS = [("新增学位", "万个"), ("培训骨干", "人次"), ("建成示范点", "个"), ("覆盖率", "%"), ("投入资金", "亿元"),
           ("新增就业", "万人"), ("改造项目", "个"), ("服务对象", "万人"), ("达标率", "%"), ("新建场馆", "座")]  # fmt: skip
CLAUSES = ["群众满意度明显提高", "城乡差距进一步缩小", "体制机制更加健全", "工作合力不断增强", "发展基础更加稳固",
           "服务能力显著提升", "各项指标稳中向好", "重点任务按期完成"]  # fmt: skip
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def sentence(rng: random.Random) -> str:
    """One sentence of policy prose with its own figures."""
    place, area = rng.choice(PLACES), rng.choice(AREAS)
    metric, unit = rng.choice(METRICS)
    figure = f"{rng.uniform(1, 99):.1f}" if unit in {"%", "亿元", "万个", "万人"} else str(rng.randint(3, 9999))
    return rng.choice([
        f"{place}{rng.choice(ACTIONS)}{area}{rng.choice(OBJECTS)}，{rng.randint(2016, 2025)}年{metric}{figure}{unit}。",
        f"围绕{area}，{place}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，{rng.choice(CLAUSES)}。",
        f"到{rng.randint(2026, 2035)}年，全市{area}{metric}力争达到{figure}{unit}，{rng.choice(CLAUSES)}。",
        f"各地要{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，把{area}纳入年度考核，确保{rng.choice(CLAUSES)}。",
    ])  # fmt: skip


def policy_text(rng: random.Random, chars: int, title: str) -> str:
    """A document of about `chars` characters: title, date, then numbered sections of paragraphs."""
    lines = [title, f"（{rng.randint(2018, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日）"]
    size, section = 0, 0
    while size < chars:
        heading = f"{NUMERALS[section % 10]}、{rng.choice(ACTIONS)}{rng.choice(AREAS)}"
        lines.append(heading)
        size += len(heading)
        for _ in range(rng.randint(3, 8)):
            paragraph = "".join(sentence(rng) for _ in range(rng.randint(2, 6)))
            lines.append(paragraph)
            size += len(paragraph)
        section += 1
    return "\n".join(lines) + "\n"


def write_library(folder: Path, chunks: int, rng: random.Random) -> int:
    """Files of 100-300 chunks each until the library holds about `chunks`; returns the file count.
    Their mtime is set an hour back: files from before the last run are not read again."""
    folder.mkdir(parents=True)
    written = files = 0
    past = time.time_ns() - HOUR_NS
    while written < chunks:
        size = min(rng.randint(*CHUNKS_PER_FILE), max(chunks - written, 1))
        title = f"{rng.choice(PLACES)}关于{rng.choice(ACTIONS)}{rng.choice(AREAS)}的实施意见"
        path = folder / f"policy-{files:05d}.txt"
        path.write_text(policy_text(rng, size * CHARS_PER_CHUNK, title), encoding="utf-8")
        os.utime(path, ns=(past, past))
        written += size
        files += 1
    return files


# Measurements ---------------------------------------------------------------------------------


def file_stats(folder: Path) -> dict[Path, tuple[int, int]]:
    """Size and mtime of every file below `folder`."""
    return {f: (s.st_size, s.st_mtime_ns) for f in folder.rglob("*") if f.is_file() for s in [f.stat()]}


def changed_bytes(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> int:
    """Bytes of the files that are new or were modified between two `file_stats`."""
    return sum(size for f, (size, mtime) in after.items() if f not in before or before[f][1] != mtime)


def add_report(settings: Settings, embedder: HashEmbedder, paths: list[Path], served: Index, profile: bool) -> tuple[IndexReport, Index, float, float]:  # fmt: skip
    """The add and the open of its version as the app does them; also open seconds and peak RSS growth."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    rss = status_mb("VmRSS")
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    report = build_index(settings, embedder, paths)  # type: ignore[arg-type]
    started = time.perf_counter()
    index = open_index(settings.index_dir, model=embedder.name, reuse=served)
    open_s = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return report, index, open_s, status_mb("VmHWM") - rss


def measure(size: int, seed: int, profile: bool) -> dict[str, float | int]:
    rng, embedder = random.Random(seed), HashEmbedder(seed)
    with tempfile.TemporaryDirectory(prefix="rag-growth-") as tmp:
        library, upload = Path(tmp) / "library", Path(tmp) / "index-data" / "uploads" / "report.txt"
        log.info("n=%d: writing the library", size)
        files = write_library(library, size, rng)
        settings = Settings(corpus=(library,), index_dir=Path(tmp) / "index", model=embedder.name)
        log.info("n=%d: building the index of %d files", size, files)
        built = build_index(settings, embedder, [library])  # type: ignore[arg-type]
        served = open_index(settings.index_dir, model=embedder.name)
        upload.parent.mkdir(parents=True)
        upload.write_text(policy_text(rng, REPORT_CHARS, f"{rng.choice(PLACES)}2025年工作情况报告"), encoding="utf-8")

        log.info("n=%d: adding one report", built.chunks)
        before = file_stats(settings.index_dir)
        report, index, open_s, peak_mb = add_report(settings, embedder, [library, upload], served, profile)
        after = file_stats(settings.index_dir)
        if (report.files_new, report.files_unchanged, report.files_changed) != (1, files, 0):
            raise RuntimeError(f"the add did not take the library as unchanged: {report}")
        index_bytes = sum(size for size, _ in after.values())
        changed = changed_bytes(before, after)
        index_s = report.seconds - report.embed_seconds
        return {
            "chunks": built.chunks,
            "files": files,
            "build_s": built.seconds,
            "add_chunks": len(index.chunks) - len(served.chunks),
            "embedded": report.texts_embedded,
            "add_s": report.seconds,
            "embed_s": report.embed_seconds,
            "index_s": index_s,
            "open_s": open_s,
            "beyond_s": index_s + open_s,
            "total_s": report.seconds + open_s,
            "written_kb": report.bytes_written / 1024,
            "changed_kb": changed / 1024,
            "index_mb": index_bytes / 2**20,
            "changed_pct": 100 * changed / index_bytes,
            "peak_mb": peak_mb,
        }


def _cell(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000], help="library sizes in chunks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="one JSON object per size instead of a table")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of each add")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for name in ("rag", "faiss.loader", "jieba"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
    if not args.json:
        print(" ".join(f"{c:>11}" for c in COLUMNS), flush=True)
    for size in args.sizes:
        row = measure(size, args.seed, args.profile)
        print(json.dumps(row) if args.json else " ".join(f"{_cell(row[c], DIGITS.get(c, 0)):>11}" for c in COLUMNS), flush=True)


if __name__ == "__main__":
    main()
