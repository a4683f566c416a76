"""The arguments and options several `rag` commands take, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
GoldArg = Annotated[Path, typer.Argument(help="Gold set: JSON lines with question, type and evidence quotes.")]
