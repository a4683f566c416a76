"""Safe defaults of the running app: uploads stay in the data directory, a password when
one is configured, and unsearchable or oversized input answered with a message."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from conftest import SMALL_CORPUS, SMALL_SETTINGS, free_port, open_fresh_engine, write_corpus
from gradio_client import Client

from rag.engine import Engine
from ui.app import launch
from ui.cache import GRADIO_CACHE


def test_an_upload_named_with_path_traversal_stays_in_the_data_directory(ui_server) -> None:  # type: ignore[no-untyped-def]
    url, engine = ui_server
    data_dir = engine.settings.library_dir.resolve()
    response = httpx.post(
        f"{url}gradio_api/upload", files=[("files", ("../../escaped.txt", "越界文件".encode(), "text/plain"))], timeout=30
    )
    response.raise_for_status()
    (stored,) = [Path(p).resolve() for p in response.json()]
    assert stored.is_relative_to(data_dir / GRADIO_CACHE) and stored.name == "escaped.txt"
    assert not (stored.parent.parent.parent / "escaped.txt").exists()
    assert stored.read_text(encoding="utf-8") == "越界文件"
    # The library's own copy gets a safe name inside its uploads folder.
    upload = engine.librarian.library.place(stored, "../../escaped.txt", engine.librarian.library.check(stored))
    target = engine.librarian.library.uploads_dir / upload.file
    assert target.is_file() and upload.file == "escaped.txt"
    target.unlink()


def test_with_auth_set_every_api_call_needs_the_password(ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    settings = engine.settings.with_overrides(auth=("analyst", "s3cret-pass"))
    app, url = launch(Engine(engine.index, engine.embedder, settings), "127.0.0.1", free_port())
    try:
        assert httpx.get(f"{url}config", timeout=30).status_code == 401
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own kinds for a refused login
            Client(url, auth=("analyst", "wrong"), verbose=False)
        client = Client(url, auth=("analyst", "s3cret-pass"), verbose=False)
        assert {d["doc_id"] for d in client.predict(api_name="/documents")} == set(engine.index.documents)
    finally:
        app.close()


@pytest.fixture(scope="module")
def client(ui_server) -> Client:  # type: ignore[no-untyped-def]
    url, _ = ui_server
    return Client(url, verbose=False)


@pytest.mark.parametrize(
    ("endpoint", "text", "expected"),
    [
        ("/search", "   ", "query: is empty"),
        ("/ask", "？？！", "question: has no words"),
        ("/similar", "🎉🎉", "passage: has no words"),
        ("/quote", "", "text: is empty"),
    ],
)
def test_unsearchable_input_is_an_api_error_naming_the_field(client: Client, endpoint: str, text: str, expected: str) -> None:
    with pytest.raises(Exception, match=expected):
        client.predict(text, api_name=endpoint)


def test_a_long_paste_is_cut_and_the_api_says_so(client: Client, ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    paste = "北川市新建改扩建学校19所，新增公办学位2.4万个。" * 1000
    result = client.predict(paste, 3, None, api_name="/search")
    limit = engine.settings.query_max_chars
    assert len(result["query"]) <= limit and f"输入共 {len(paste)} 字" in result["notice"]
    assert result["hits"] and "2.4万" in result["hits"][0]["text"]
    assert client.predict("公办学位", 3, None, api_name="/search")["notice"] is None
    answer = client.predict(paste, None, None, None, None, None, api_name="/ask")
    assert answer["notes"] and f"输入共 {len(paste)} 字" in answer["notes"][0]


def _call_event(url: str, fn_index: int, data: list[object]) -> list[object]:
    """One page event called over raw HTTP, as a script that skips the page would: join the
    queue, then read its event stream until the result."""
    import json
    import uuid

    session = uuid.uuid4().hex
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}
    httpx.post(f"{url}gradio_api/queue/join", json=body, timeout=30).raise_for_status()
    with httpx.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return list(message["output"].get("data") or [message["output"]])
    raise AssertionError("no result")


def _uploaded(url: str, name: str, text: str) -> list[dict[str, object]]:
    """A file put in the upload cache as the page puts it, and the value its file box then sends."""
    response = httpx.post(f"{url}gradio_api/upload", files=[("files", (name, text.encode(), "text/plain"))], timeout=30)
    response.raise_for_status()
    return [{"path": response.json()[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}]


def _finish(engine: Engine, output: list[object]) -> None:
    """Wait for the library jobs a change event started: jobs run one at a time in order,
    so a job submitted now ends after them."""
    assert "排队中" in str(output[0]) or "正在" in str(output[0]), output[0]
    engine.librarian.jobs.submit("check", "", lambda _: None).wait(120)


CHANGES = ("on_upload", "on_delete", "on_rebuild")


def test_with_a_librarian_login_only_it_changes_the_library(tmp_path: Path, model_cache: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.settings import Settings

    corpus = write_corpus(tmp_path / "corpus", dict(list(SMALL_CORPUS.items())[:2]))
    settings = Settings(corpus=(corpus,), index_dir=tmp_path / "index", model_cache=model_cache, **SMALL_SETTINGS)
    engine = open_fresh_engine(settings.with_overrides(admin_auth=("librarian", "c0rrect-horse")), embedder)
    app, url = launch(engine, "127.0.0.1", free_port())
    try:
        version, doc_ids = engine.index.version, set(engine.index.documents)
        doc_id = min(doc_ids)
        upload = _uploaded(url, "江北区教育简报.txt", "江北区教育简报\n江北区今年新建幼儿园七所，新增学位两千个。")
        changes = {"on_upload": [upload, []], "on_delete": [doc_id, []], "on_rebuild": [[]]}
        # Every event of the page, called over raw HTTP as the page would send it, but with no
        # login or a wrong one (reads need none).
        for fn_index, fn in app.fns.items():
            if fn.name in CHANGES:
                for login in (["", ""], ["librarian", "wrong"], ["intruder", "c0rrect-horse"]):
                    output = _call_event(url, fn_index, [*changes[fn.name], *login])
                    assert "需要管理员登录" in str(output[0]) and output[3] == {"active": False, "__type__": "update"}
            else:
                _call_event(url, fn_index, [getattr(block, "value", None) for block in fn.inputs])
        assert {fn.name for fn in app.fns.values()} >= set(CHANGES)
        time.sleep(1)  # a job, had one started, would be running by now
        assert engine.index.version == version and set(engine.index.documents) == doc_ids
        # With the login, each change is made.
        login = ["librarian", "c0rrect-horse"]
        names = {fn.name: i for i, fn in app.fns.items()}
        _finish(engine, _call_event(url, names["on_upload"], [*changes["on_upload"], *login]))
        assert any(d.title == "江北区教育简报" for d in engine.documents)
        _finish(engine, _call_event(url, names["on_delete"], [*changes["on_delete"], *login]))
        assert doc_id not in {d.doc_id for d in engine.documents}
        before = engine.index.version
        _finish(engine, _call_event(url, names["on_rebuild"], [*changes["on_rebuild"], *login]))
        assert engine.index.version != before and len(engine.documents) == len(doc_ids)
    finally:
        app.close()


def test_an_upload_named_with_a_leading_dot_is_accepted_without_it(ui_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Gradio refuses to pass on dot-named files cached under the working directory (the usual
    case: a data directory inside the project), which failed the whole batch with a bare "Error"."""
    url, engine = ui_server
    monkeypatch.chdir(engine.settings.library_dir.parent)
    # Gradio reads its upload folder from the environment, which the apps other tests started set.
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(engine.settings.library_dir / GRADIO_CACHE))
    upload = _event_index(url, "on_upload")
    for name, kept in ((".notes.txt", "notes.txt"), ("..\\..\\备忘.txt", "备忘.txt")):
        (value,) = _uploaded(url, name, f"{name}：临时备忘，用于检验上传文件名。")
        assert Path(str(value["path"])).name == kept
        output = _call_event(url, upload, [[value], [], "", ""])
        assert f"上传 {kept}" in str(output[0])
        _finish(engine, output)
        (doc,) = [d for d in engine.documents if d.source.endswith(kept)]
        engine.librarian.remove_document(doc.doc_id)


def _event_index(url: str, handler: str) -> int:
    """The fn_index of the page's event run by `handler`, read from the app's config."""
    config = httpx.get(f"{url}config", timeout=30).json()
    return next(d["id"] for d in config["dependencies"] if d["api_name"] == handler)


def test_with_a_login_the_queue_control_routes_need_it(ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    settings = engine.settings.with_overrides(auth=("analyst", "s3cret-pass"))
    app, url = launch(Engine(engine.index, engine.embedder, settings), "127.0.0.1", free_port())
    body = {"session_hash": "x", "fn_index": 0, "event_id": "y"}
    try:
        for route in ("cancel", "reset"):
            assert httpx.post(f"{url}gradio_api/{route}", json=body, timeout=30).status_code == 401
        assert httpx.post(f"{url}gradio_api/stream/y/close", timeout=30).status_code == 401
        with httpx.Client(base_url=url, timeout=30) as browser:
            browser.post("login", data={"username": "analyst", "password": "s3cret-pass"}).raise_for_status()
            assert browser.post("gradio_api/cancel", json=body).json() == {"success": True}
    finally:
        app.close()


def test_failed_logins_slow_down_and_the_right_password_still_works() -> None:
    from ui.logins import Logins

    logins = Logins("analyst", "s3cret-pass")
    waits = []
    for _ in range(4):
        started = time.monotonic()
        assert logins("analyst", "guess") is False
        waits.append(time.monotonic() - started)
    assert waits == sorted(waits) and waits[-1] >= 0.8 > waits[0] >= 0.1
    started = time.monotonic()
    assert logins("analyst", "s3cret-pass") is True and time.monotonic() - started < 0.1
    assert logins("analyst", "guess") is False  # the count starts again after a success
