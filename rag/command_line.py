"""What the two command lines share: `rag` and `python -m ui` (the app alone) set up
logging and read the settings alike, end on an expected failure with one line instead of
a traceback, and take the same options for where the app listens."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer

from rag.answer.calibration import CalibrationError
from rag.embedding import ModelError
from rag.evaluation import GoldError
from rag.index import BadIndexError
from rag.library.library import LibraryError
from rag.settings import Settings, SettingsError

# Failures whose message tells the user what to fix: no traceback for them.
USER_ERRORS = (FileNotFoundError, SettingsError, BadIndexError, LibraryError, ModelError, GoldError, CalibrationError)

# `rag serve` and `python -m ui`: what they do and where the app listens.
SERVE_HELP = "Open the web app (and its HTTP API); builds the index first if there is none."
HostOpt = Annotated[str, typer.Option(help="Address to listen on; other than localhost exposes the app.")]
PortOpt = Annotated[int, typer.Option(help="Port to listen on.")]


def start(verbose: bool = False, **overrides: Any) -> Settings:
    """Log to stderr (progress details with `verbose`) and read the settings: the
    environment's, with `overrides` (the flags given) on top."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    with user_errors():
        return Settings.from_env().with_overrides(**overrides)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into a one-line message instead of a traceback."""
    try:
        yield
    except USER_ERRORS as exc:
        fail(str(exc))


def fail(message: str) -> NoReturn:
    typer.echo(f"rag: error: {message}", err=True)
    raise typer.Exit(code=2)
