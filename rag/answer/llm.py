"""A minimal streaming client for OpenAI-compatible chat endpoints (llama.cpp, vLLM, OpenAI...).

Only what answering needs: one POST to /chat/completions with `stream: true`, server-sent
events parsed by hand, and every failure turned into a one-line `LLMError` the CLI can show.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)


class LLMError(RuntimeError):
    """The endpoint failed, timed out or answered something unusable; the message says which (one line)."""


def _one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace so server text cannot break a one-line message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_detail(body: bytes) -> str:
    """The `error.message` of an OpenAI-style error body, else the start of the raw body."""
    text = body.decode("utf-8", errors="replace")
    try:
        error = json.loads(text).get("error")
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return _one_line(message)
    except (ValueError, AttributeError):
        pass
    return _one_line(text) or "(empty body)"


@dataclass(frozen=True)
class ChatClient:
    """Settings for one chat endpoint; `stream` does the work."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    max_tokens: int = 512

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """POST the chat with `stream: true` and yield content deltas as they arrive.

        The URL is checked here, before the first `next`, so a bad setting fails at once.
        """
        if not self.base_url.startswith(("http://", "https://")):
            raise LLMError(f"LLM base URL must start with http:// or https://, got {self.base_url!r}")
        payload = {"model": self.model, "messages": messages, "stream": True, "temperature": 0,
                   "max_tokens": self.max_tokens}
        return self._events(payload)

    def _events(self, payload: dict[str, Any]) -> Iterator[str]:
        headers = {"Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        deadline = time.monotonic() + self.timeout
        produced = 0
        log.debug("POST %s (model %s, %d messages)", self.url, self.model, len(payload["messages"]))
        try:
            with httpx.Client(timeout=self.timeout) as client, \
                    client.stream("POST", self.url, json=payload, headers=headers) as response:
                if response.status_code >= 400:
                    detail = _error_detail(response.read())
                    raise LLMError(f"LLM endpoint {self.url} answered HTTP {response.status_code}: {detail}")
                buffer = ""
                # iter_text, not iter_lines: the deadline is checked even while a line trickles in.
                for chunk in response.iter_text():
                    if time.monotonic() > deadline:
                        raise LLMError(f"LLM endpoint {self.url} did not finish within {self.timeout:g} s")
                    *lines, buffer = (buffer + chunk).split("\n")
                    for line in lines:
                        line = line.rstrip("\r")
                        if not line.startswith("data:"):
                            continue  # blank separators, ":" keep-alive comments, event:/id: fields
                        data = line[5:].strip()
                        if data == "[DONE]":
                            self._finish(produced)
                            return
                        for content in self._contents(data):
                            produced += 1
                            yield content
        except httpx.TimeoutException as exc:
            raise LLMError(f"LLM endpoint {self.url} did not answer within {self.timeout:g} s") from exc
        except httpx.ConnectError as exc:
            raise LLMError(f"cannot connect to LLM endpoint {self.url}: {_one_line(str(exc))}") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise LLMError(f"request to LLM endpoint {self.url} failed: {_one_line(str(exc))}") from exc
        log.warning("LLM stream from %s ended without [DONE]", self.url)
        self._finish(produced)

    def _contents(self, data: str) -> Iterator[str]:
        """The non-empty content delta of one event; an error event or bad JSON raises."""
        try:
            event = json.loads(data)
        except ValueError as exc:
            raise LLMError(f"LLM endpoint {self.url} sent a malformed event: {_one_line(data, 80)!r}") from exc
        if not isinstance(event, dict):
            raise LLMError(f"LLM endpoint {self.url} sent a malformed event: {_one_line(data, 80)!r}")
        if "error" in event:
            raise LLMError(f"LLM endpoint {self.url} reported an error: {_error_detail(data.encode())}")
        choices = event.get("choices") or []  # a final usage-only event has none
        delta = choices[0].get("delta") if isinstance(choices, list) and choices and isinstance(choices[0], dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(content, str) and content:
            yield content

    def _finish(self, produced: int) -> None:
        """An answer with no text is a failure the caller must hear about."""
        if not produced:
            raise LLMError(f"LLM endpoint {self.url} ended the stream without any content")
        log.debug("LLM stream from %s done: %d deltas", self.url, produced)
