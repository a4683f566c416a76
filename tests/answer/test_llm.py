"""The streaming chat client against a real llama.cpp server and against small misbehaving servers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import Respond
from llm_server import free_port, start_llm_server

from rag.answer.llm import ChatClient, LLMError

MESSAGES = [
    {"role": "system", "content": "You are a concise assistant."},
    {"role": "user", "content": "Name three colours."},
]
API_KEY = "test-key-123"


@pytest.fixture(scope="module")
def llm_server_with_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Same server, but every chat request needs `Authorization: Bearer API_KEY`."""
    server = start_llm_server(tmp_path_factory.mktemp("llm-key") / "server.log", api_key=API_KEY)
    yield server.base_url
    server.stop()


def _reply(status: int, body: str, content_type: str = "text/event-stream") -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        data = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return respond


def _chunk(content: str) -> str:
    return "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": content}}]}) + "\n\n"


# -- the real server -----------------------------------------------------------------------------


def test_streams_several_deltas_from_real_server(llm_server: str) -> None:
    deltas = list(ChatClient(llm_server, "smollm2", max_tokens=24).stream(MESSAGES))
    assert len(deltas) > 1, "one delta only: the answer was not streamed"
    assert all(isinstance(d, str) and d for d in deltas)
    assert "".join(deltas).strip()


def test_real_server_checks_api_key(llm_server_with_key: str) -> None:
    with pytest.raises(LLMError, match="401"):
        list(ChatClient(llm_server_with_key, "smollm2", max_tokens=8).stream(MESSAGES))
    with pytest.raises(LLMError, match="401"):
        list(ChatClient(llm_server_with_key, "smollm2", api_key="wrong", max_tokens=8).stream(MESSAGES))
    assert "".join(ChatClient(llm_server_with_key, "smollm2", api_key=API_KEY, max_tokens=8).stream(MESSAGES))


# -- the request and the event parsing -----------------------------------------------------------


def test_request_shape_and_tolerated_lines(fake_server) -> None:
    body = ": keep-alive\n\n" + _chunk("你好") + "\r\n" + 'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\n' \
        + _chunk("") + "event: message\n" + _chunk("，世界") + 'data: {"choices":[],"usage":{}}\n\n' + "data: [DONE]\n\n"
    url, seen = fake_server(_reply(200, body))
    client = ChatClient(url + "/", "m1", api_key="k1", max_tokens=7)
    assert list(client.stream(MESSAGES)) == ["你好", "，世界"]
    (request,) = seen
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer k1"
    assert request["json"] == {"model": "m1", "messages": MESSAGES, "stream": True, "temperature": 0, "max_tokens": 7}


def test_no_authorization_header_without_key(fake_server) -> None:
    url, seen = fake_server(_reply(200, _chunk("a") + "data: [DONE]\n\n"))
    assert list(ChatClient(url, "m").stream(MESSAGES)) == ["a"]
    assert "Authorization" not in seen[0]["headers"]


def test_stream_cut_before_done_keeps_content(fake_server) -> None:
    url, _ = fake_server(_reply(200, _chunk("a") + _chunk("b")))
    assert list(ChatClient(url, "m").stream(MESSAGES)) == ["a", "b"]


# -- failures ------------------------------------------------------------------------------------


def test_bad_base_url_fails_at_once() -> None:
    with pytest.raises(LLMError, match="http://"):
        ChatClient("ftp://x", "m").stream(MESSAGES)


def test_connection_refused_is_quick() -> None:
    start = time.monotonic()
    with pytest.raises(LLMError, match="cannot connect"):
        list(ChatClient(f"http://127.0.0.1:{free_port()}/v1", "m", timeout=10).stream(MESSAGES))
    assert time.monotonic() - start < 5


def test_hung_endpoint_times_out() -> None:
    """Accepts the connection, reads nothing, answers nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    try:
        start = time.monotonic()
        with pytest.raises(LLMError, match="within 1 s"):
            list(ChatClient(f"http://127.0.0.1:{listener.getsockname()[1]}/v1", "m", timeout=1.0).stream(MESSAGES))
        assert time.monotonic() - start < 3
    finally:
        for conn in accepted:
            conn.close()
        listener.close()


def test_overall_deadline_despite_keep_alives(fake_server) -> None:
    """A server that sends a comment line every 0.2 s never trips the read timeout, only the deadline."""

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        try:
            for _ in range(50):
                handler.wfile.write(b": ping\n")
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    url, _ = fake_server(trickle)
    start = time.monotonic()
    with pytest.raises(LLMError, match="within 1 s"):
        list(ChatClient(url, "m", timeout=1.0).stream(MESSAGES))
    assert time.monotonic() - start < 3


def test_http_error_names_status_and_message(fake_server) -> None:
    url, _ = fake_server(_reply(500, json.dumps({"error": {"message": "model\nexploded"}}), "application/json"))
    with pytest.raises(LLMError, match="HTTP 500: model exploded") as info:
        list(ChatClient(url, "m").stream(MESSAGES))
    assert "\n" not in str(info.value)


def test_http_error_with_plain_body(fake_server) -> None:
    url, _ = fake_server(_reply(404, "<html>Not Found</html>", "text/html"))
    with pytest.raises(LLMError, match="HTTP 404: <html>Not Found</html>"):
        list(ChatClient(url, "m").stream(MESSAGES))


def test_malformed_event(fake_server) -> None:
    url, _ = fake_server(_reply(200, "data: not json\n\n"))
    with pytest.raises(LLMError, match="malformed event"):
        list(ChatClient(url, "m").stream(MESSAGES))


def test_error_event_mid_stream(fake_server) -> None:
    url, _ = fake_server(_reply(200, _chunk("a") + 'data: {"error": {"message": "context full"}}\n\n'))
    with pytest.raises(LLMError, match="context full"):
        list(ChatClient(url, "m").stream(MESSAGES))


@pytest.mark.parametrize("body", ["data: [DONE]\n\n", "", ": only comments\n\n", _chunk("") + "data: [DONE]\n\n"])
def test_stream_without_content(fake_server, body: str) -> None:
    url, _ = fake_server(_reply(200, body))
    with pytest.raises(LLMError, match="without any content"):
        list(ChatClient(url, "m").stream(MESSAGES))

