"""What the `rag` commands print: tables and lines for people, or `--json` lines, one
JSON object per line, a stable contract for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from rag.rows import display_path, hits_row
from rag.schema import Answer, Hit
from rag.search.queries import Query

# Piped output is not cut to 80 columns: titles and paths stay whole for grep.
console = Console(width=None if sys.stdout.isatty() else 200)


def table(*columns: str) -> Table:
    """A table whose long cells wrap instead of being cut, so ids and titles stay whole."""
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def print_json_lines(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def print_query(query: Query) -> None:
    """The query as a heading (a long paste shortened), and the notice if it was cut."""
    shown = query.text if len(query.text) <= 80 else query.text[:80] + "…"
    console.print(shown, style="bold", markup=False, highlight=False)
    if query.notice:
        console.print(query.notice, style="yellow")


def print_hits(query: Query, hits: list[Hit], as_json: bool) -> None:
    if as_json:
        print_json_lines([hits_row(query, hits)])
        return
    shown = table("#", "score", "doc_id", "title", "span", "text")
    for rank, hit in enumerate(hits, start=1):
        span = f"{hit.start}-{hit.end}"
        shown.add_row(str(rank), f"{hit.score:.4f}", hit.doc_id, hit.title, span, hit.text.replace("\n", " ")[:80])
    print_query(query)
    console.print(shown)


def print_answer(answer: Answer) -> None:
    console.print(answer.question, style="bold", markup=False, highlight=False)
    console.print(answer.text, markup=False, highlight=False)
    for note in answer.notes:
        console.print(note, style="yellow")
    for sentence in answer.unsupported:
        console.print(f"未找到依据：{sentence}", style="yellow")
    for c in answer.citations:
        level = f" 依据{c.level}" if c.level else ""
        console.print(f"[{c.n}]{level} {c.title} ({display_path(c.source)} {c.start}-{c.end})：{c.text}", markup=False, highlight=False)
    if answer.abstained and answer.sources:
        console.print("最接近的段落：", style="dim")
        for hit in answer.sources[:3]:
            console.print(f"- {hit.title}：{hit.text[:80]}", markup=False, highlight=False, style="dim")


def print_report(row: dict[str, Any]) -> None:
    """`rag inspect` for people: readings, documents with their decisions and outline, removals."""
    console.print(row["source"], style="bold", markup=False, highlight=False)
    for page in row["pages"]:
        console.print(f"page {page['page']}: {_page_how(page)}", markup=False, highlight=False)
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


def _page_how(page: dict[str, Any]) -> str:
    """How a page was read: OCR with its confidence and the lines it was unsure of, or the
    number of tables read as rows."""
    if page["how"] != "OCR":
        return f"{page['how']}, {page['tables']} table(s) read as rows"
    unsure = f"; {len(page['unsure'])} line(s) read with low confidence, kept: {' / '.join(page['unsure'])}" if page["unsure"] else ""
    return f"OCR (no usable text layer), confidence {page['confidence']:.2f}{unsure}"
