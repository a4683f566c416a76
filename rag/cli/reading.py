"""`rag search`, `rag ask`, `rag similar`, `rag quote`: the reading commands, over the
index served; each reads its argument, or one input per line from stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated

import typer

from rag.cli.options import IssuerOpt, JsonOpt, KindOpt, KOpt, NumberOpt, YearOpt
from rag.cli.output import console, print_answer, print_hits, print_json_lines, print_query, table
from rag.command_line import fail, user_errors
from rag.engine import Engine
from rag.rows import answer_row, matches_row
from rag.schema import DocumentFilter
from rag.search.queries import Query, QueryError
from rag.settings import Settings


def search(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="The query; without it, one query per line from stdin.")] = None,
    k: KOpt = 10,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only search these document ids.")] = None,
    year: YearOpt = None,
    issuer: IssuerOpt = None,
    kind: KindOpt = None,
    number: NumberOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hybrid (dense + BM25) search for passages, optionally in some documents only."""
    engine = open_engine(ctx.obj)
    where = DocumentFilter(tuple(doc or ()), year, issuer, kind, number)
    for checked in _queries(engine, query, "query"):
        print_hits(checked, engine.search(checked.text, k=k, where=where), as_json)


def ask(
    ctx: typer.Context,
    question: Annotated[str | None, typer.Argument(help="The question; without it, one per line from stdin.")] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only answer from these document ids.")] = None,
    year: YearOpt = None,
    issuer: IssuerOpt = None,
    kind: KindOpt = None,
    number: NumberOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question with citations of the exact source sentences."""
    engine = open_engine(ctx.obj)
    where = DocumentFilter(tuple(doc or ()), year, issuer, kind, number)
    for checked in _queries(engine, question, "question"):
        streaming = engine.streams and not as_json
        on_delta = (lambda d: console.print(d, end="", style="dim")) if streaming else None
        answer = engine.ask(checked, on_delta=on_delta, where=where)
        if as_json:
            print_json_lines([answer_row(answer)])
            continue
        if streaming:
            console.print()
        print_answer(answer)


def similar(
    ctx: typer.Context,
    passage: Annotated[
        str | None, typer.Argument(help="A passage (or a chunk id); without it, one passage per line from stdin.")
    ] = None,
    k: KOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """Find passages in OTHER documents that say something similar."""
    engine = open_engine(ctx.obj)
    for checked in _queries(engine, passage, "passage"):
        print_hits(checked, engine.similar(checked.text, k=k), as_json)


def quote(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="A remembered sentence; without it, one per line from stdin.")] = None,
    k: KOpt = 5,
    as_json: JsonOpt = False,
) -> None:
    """Find where a (half-remembered) sentence really comes from."""
    engine = open_engine(ctx.obj)
    for checked in _queries(engine, text, "text"):
        matches = engine.locate(checked.text, k=k)
        if as_json:
            print_json_lines([matches_row(checked, matches)])
            continue
        shown = table("#", "similarity", "exact", "doc_id", "title", "span", "text")
        for rank, m in enumerate(matches, start=1):
            shown.add_row(str(rank), f"{m.similarity:.2f}", "yes" if m.exact else "no", m.doc_id, m.title, f"{m.start}-{m.end}", m.text)
        print_query(checked)
        console.print(shown if matches else "no match")


def open_engine(settings: Settings) -> Engine:
    with user_errors():
        return Engine.open(settings=settings)


def _inputs(argument: str | None) -> Iterator[str]:
    """The argument, or each non-empty line of stdin."""
    if argument is not None:
        yield argument
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def _queries(engine: Engine, argument: str | None, field: str) -> Iterator[Query]:
    """Each input, checked. An input that cannot be searched is a one-line error: the end
    of the command for an argument, a skipped line for stdin."""
    for text in _inputs(argument):
        try:
            yield engine.check(text, field)
        except QueryError as exc:
            if argument is not None:
                fail(str(exc))
            typer.echo(f"rag: skipped {exc}", err=True)
