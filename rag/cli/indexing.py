"""`rag index` builds or updates the index; `rag serve` serves it in the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli.options import PathsArg
from rag.cli.output import console
from rag.command_line import HostOpt, PortOpt, user_errors
from rag.library import index_corpus
from rag.rows import display_path
from rag.settings import Settings
from rag.stores.backends import open_backend


def index(
    ctx: typer.Context,
    paths: PathsArg = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Ignore the existing index and embed everything.")] = False,
) -> None:
    """Build or update the index: only new and changed files are read and embedded."""
    settings: Settings = ctx.obj
    with user_errors():
        report = index_corpus(settings, paths, rebuild)
    console.print(
        f"indexed {report.documents} documents, {report.chunks} chunks into {open_backend(settings).describe()} "
        f"({report.files_new} new, {report.files_changed} changed, {report.files_unchanged} unchanged, "
        f"{report.files_removed} removed, {report.files_skipped} skipped files; "
        f"{report.texts_embedded} texts embedded; {report.seconds:.1f} s, {report.bytes_written / 2**20:.1f} MB written)"
    )
    for source, reason in report.skipped:
        typer.echo(f"rag: skipped {display_path(source)}: {reason}", err=True)


def serve(ctx: typer.Context, host: HostOpt = "127.0.0.1", port: PortOpt = 7860) -> None:
    """`rag serve`: the app's own start (`python -m ui`), with the settings of the flags given."""
    from ui.serving import serve as serve_app  # here, so that other commands never pay for importing gradio

    serve_app(ctx.obj, host, port)
