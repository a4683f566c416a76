"""Safe defaults of the running app: uploads stay in the data directory, a password when
one is configured, and unsearchable or oversized input answered with a message."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from gradio_client import Client

from rag.engine import Engine
from ui.app import GRADIO_CACHE, launch


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
    upload = engine.library.place(stored, "../../escaped.txt", engine.library.check(stored))
    target = engine.library.uploads_dir / upload.file
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


def test_with_a_librarian_login_no_change_event_without_it_changes_the_library(ui_server) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    settings = engine.settings.with_overrides(admin_auth=("librarian", "c0rrect-horse"))
    guarded = Engine(engine.index, engine.embedder, settings)
    app, url = launch(guarded, "127.0.0.1", free_port())
    try:
        version = guarded.index.version
        rebuild = next(i for i, fn in app.fns.items() if fn.name == "on_rebuild")
        for login in (["", ""], ["librarian", "wrong"], ["intruder", "c0rrect-horse"]):
            output = _call_event(url, rebuild, [[], *login])
            assert "需要管理员登录" in str(output[0])
        delete = next(i for i, fn in app.fns.items() if fn.name == "on_delete")
        doc_id = next(iter(guarded.index.documents))
        output = _call_event(url, delete, [doc_id, [], "", ""])
        assert "需要管理员登录" in str(output[0])
        time.sleep(1)  # a job, had one started, would be running by now
        assert guarded.index.version == version and doc_id in guarded.index.documents
    finally:
        app.close()


def test_failed_logins_slow_down_and_the_right_password_still_works() -> None:
    from ui.app import Logins

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
