"""`rag docs`, `rag inspect`, `rag chunks`: how files are read and cut, straight from the
files (no index needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rag.chunking import chunk_documents
from rag.cli.options import JsonOpt, PathsArg
from rag.cli.output import console, print_json_lines, print_report, table
from rag.command_line import fail, user_errors
from rag.ingest import LoadError, assign_ids, load_documents, read_file, understand
from rag.rows import document_row, report_row
from rag.schema import Chunk, Document
from rag.settings import Settings


def docs(ctx: typer.Context, paths: PathsArg = None, as_json: JsonOpt = False) -> None:
    """List the logical documents (reports, speeches, articles) found in the files."""
    settings: Settings = ctx.obj
    documents, chunks = _load(settings, paths)
    counts = {d.doc_id: 0 for d in documents}
    for chunk in chunks:
        counts[chunk.doc_id] += 1
    rows = [document_row(d, counts[d.doc_id]) for d in documents]
    if as_json:
        print_json_lines(rows)
        return
    shown = table("doc_id", "title", "date", "kind", "chunks", "source")
    for row in rows:
        cells = [row[k] or "" for k in ("doc_id", "title", "date", "kind")]
        shown.add_row(*cells, str(row["chunks"]), row["source"])
    console.print(shown)


def inspect(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="The file to inspect.")], as_json: JsonOpt = False) -> None:
    """Show how a file is understood: the structures considered (with scores), each document's
    title, date and metadata with the reasons, its 公文 elements and heading tree, and every
    line left out with the rule that left it out."""
    with user_errors():
        if not file.is_file():
            raise FileNotFoundError(f"no such file: {file}")
        try:
            raw = read_file(file)
        except LoadError as exc:
            fail(f"{file}: {exc}")
        report = understand(raw, assign_ids([file], [file])[file])
    row = report_row(report)
    if as_json:
        print_json_lines([row])
        return
    print_report(row)


def chunks(
    ctx: typer.Context,
    paths: PathsArg = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only the chunks of this document id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the chunks that retrieval works on, with their offsets into the document text."""
    settings: Settings = ctx.obj
    documents, all_chunks = _load(settings, paths)
    if doc is not None and doc not in {d.doc_id for d in documents}:
        fail(f"no document with id {doc!r} (see `rag docs` for the ids)")
    selected = [c for c in all_chunks if doc is None or c.doc_id == doc]
    rows = [_chunk_row(c) for c in selected]
    if as_json:
        print_json_lines(rows)
        return
    shown = table("chunk_id", "start", "end", "heading", "text")
    for row in rows:
        preview = row["text"].replace("\n", " ")
        shown.add_row(row["chunk_id"], str(row["start"]), str(row["end"]), row["heading"], preview[:60])
    console.print(shown)


def _load(settings: Settings, paths: list[Path] | None) -> tuple[list[Document], list[Chunk]]:
    with user_errors():
        documents = load_documents(paths or settings.corpus)
    if not documents:
        fail("no readable documents in " + ", ".join(str(p) for p in (paths or settings.corpus)))
    return documents, chunk_documents(documents, settings.chunk_size, settings.chunk_overlap)


def _chunk_row(chunk: Chunk) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "chunk_id": chunk.chunk_id,
        "start": chunk.start,
        "end": chunk.end,
        "heading": " > ".join(chunk.heading),
        "text": chunk.text,
    }
