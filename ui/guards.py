"""Two fixes at the HTTP layer, in front of Gradio's own routes, for requests no page event
sees: an upload stored under a name Gradio later refuses, and the queue's control routes
that Gradio leaves open when a login is required."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Gradio's queue routes that change or end another request's work but carry no login check
# of their own (as of Gradio 6): cancel and reset an event, feed or close a stream.
CONTROL_ROUTES = ("/gradio_api/cancel", "/gradio_api/reset", "/gradio_api/stream/")
UPLOAD_ROUTE = "/gradio_api/upload"


class UploadNames:
    """Gradio stores an upload under its own name, but refuses to hand an event a file whose
    name begins with a dot (a hidden file, or what is left of a Windows path such as
    `..\\..\\x.txt`) when its cache lies under the working directory, and then fails the whole
    batch with a bare "Error". The copy is renamed here, as the upload returns, to the name
    without its leading dots: the library strips them too, so the document is the same."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith(UPLOAD_ROUTE):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def renaming(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            content = b"".join(body)
            if start["status"] == 200:
                content = json.dumps([_undotted(p) for p in json.loads(content)]).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(content)).encode())]})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, renaming)


def _undotted(stored: str) -> str:
    """The stored upload `stored` under a name that does not begin with a dot."""
    path = Path(stored)
    if not path.name.startswith("."):
        return stored
    target = path.with_name(path.name.lstrip(".") or "file")
    path.replace(target)  # same content folder: a namesake there has the same bytes
    log.info("an upload named %r is kept as %r", path.name, target.name)
    return str(target)


class LoginRequired:
    """With a login configured, the queue's control routes (`CONTROL_ROUTES`) answer 401 to a
    caller that has not logged in, like every other route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CONTROL_ROUTES) and not _logged_in(scope):
            await PlainTextResponse("Not authenticated: log in first", status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _logged_in(scope: Scope) -> bool:
    """Whether the request carries a login of Gradio's app, or the app needs none: Gradio
    keeps its sessions as cookie tokens on the app (`scope["app"]`, set by Starlette)."""
    server = scope["app"]
    if getattr(server, "auth", None) is None:
        return True
    cookies = Request(scope).cookies
    token = cookies.get(f"access-token-{server.cookie_id}") or cookies.get(f"access-token-unsecure-{server.cookie_id}")
    return token is not None and token in server.tokens
