"""Starting the app, one home for `rag serve` and `python -m ui`: build the index when
there is none, open the engine, bring it up to the library, decide whether the library
may be changed from the page, then listen until stopped."""

from __future__ import annotations

import ipaddress
import threading

import typer

from rag.command_line import fail, user_errors
from rag.engine import Engine
from rag.library import index_corpus
from rag.settings import Settings
from rag.stores.backends import open_backend
from ui.app import launch


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve the app on `host`:`port` until Ctrl+C; a failure is a one-line error."""
    with user_errors():
        if open_backend(settings).version() is None:
            typer.echo(f"no index in {open_backend(settings).describe()} yet: building it from the library first", err=True)
            index_corpus(settings)
        engine = Engine.open(settings=settings)
        engine.librarian.sync()  # files added to or deleted from the corpus while the app was down
        if not is_local(host) and settings.admin_auth is None:
            engine.librarian.make_read_only(f"the app listens on {host} and RAG_ADMIN_AUTH is not set")
        if engine.librarian.read_only:
            typer.echo(f"rag: the library cannot be changed from the app: {engine.librarian.read_only}", err=True)
    try:
        app, url = launch(engine, host, port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port} ({exc})")
    if not is_local(host) and settings.auth is None:
        typer.echo(
            f"rag: warning: listening on {host} without a password: anyone who can reach this machine can read "
            "the reports and change the library; set RAG_AUTH=user:password",
            err=True,
        )
    typer.echo(f"rag: the app is running at {url} (Ctrl+C to stop)")
    threading.Thread(target=engine.warm_up, name="warm-up", daemon=True).start()
    app.block_thread()


def is_local(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        return False
