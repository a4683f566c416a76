"""`rag eval` scores a gold set; `rag calibrate` fits the answer policy's refusal numbers on one."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from rag.answer import calibration
from rag.answer.policy import AnswerPolicy
from rag.cli.options import GoldArg, JsonOpt
from rag.cli.output import console, print_json_lines, table
from rag.cli.reading import open_engine
from rag.command_line import fail, user_errors
from rag.evaluation import GoldItem, calibration_samples, evaluate_answers, evaluate_retrieval, load_gold, search_texts
from rag.rows import display_path
from rag.settings import Settings


def evaluate(
    ctx: typer.Context,
    gold: GoldArg,
    split: Annotated[
        str | None, typer.Option("--split", help="Only the items of this split (e.g. fit or test).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score a gold set: retrieval (hit@1, hit@5, MRR@10, evidence recall@5 per question
    type) and answers (citation evidence recall, abstention, quote top-1, similar recall@5)."""
    items, _ = _gold_split(gold, split)
    engine = open_engine(ctx.obj)
    scores = evaluate_retrieval(items, lambda item: search_texts(engine, item))
    rows = [{"type": name, "n": s.n, **{k: round(v, 4) for k, v in s.means().items()}} for name, s in scores.items()]
    rows.append(rows.pop(0))  # overall last
    answers = evaluate_answers(items, engine)
    if as_json:
        print_json_lines([*rows, {"answers": answers}])
        return
    retrieval = table("type", "n", "hit@1", "hit@5", "MRR@10", "recall@5")
    for row in rows:
        retrieval.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    console.print(retrieval)
    summary = table("answer metric", "value")
    for name, value in answers.items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in value.items()) if isinstance(value, dict) else value
        summary.add_row(name, f"{shown:.3f}" if isinstance(shown, float) else str(shown))
    console.print(summary)


def calibrate(
    ctx: typer.Context,
    gold: GoldArg,
    split: Annotated[
        str | None, typer.Option("--split", help="Fit on the items of this split only (e.g. fit); the rest are held out.")
    ] = None,
) -> None:
    """Fit the answer policy's refusal numbers (the share of the question's terms and the
    lift above its background that evidence needs) on a gold set's answerable and
    unanswerable questions, save them for the model in the calibration file, and list the
    policy's fixed numbers."""
    settings: Settings = ctx.obj
    fitting, held = _gold_split(gold, split)
    engine = open_engine(settings)
    fit_samples, held_out = calibration_samples(fitting, engine), calibration_samples(held, engine)
    fitted = calibration.fit(fit_samples, f"{gold.name}{f' --split {split}' if split else ''}")
    with user_errors():
        calibration.save(settings.calibration, settings.model, fitted)
    policy = fitted.applied(AnswerPolicy())
    calls = table("items", "n", "right calls", "unanswerable refused", "answerable refused")
    for name, group in (("fitted on", fit_samples), ("held out", held_out)):
        if group:
            calls.add_row(name, *calibration.summary(group, policy))
    console.print(calls)
    fixed = table("fixed number", "value")
    for name, value in asdict(policy).items():
        if name not in AnswerPolicy.FITTED:
            fixed.add_row(name, str(value))
    console.print(fixed)
    shown = ", ".join(f"{name} {value}" for name, value in fitted.values.items())
    typer.echo(f"fitted {shown} for {settings.model}, saved in {display_path(str(settings.calibration))}")
    typer.echo("the fixed numbers and why each is fixed: rag/answer/policy.py")


def _gold_split(gold: Path, split: str | None) -> tuple[list[GoldItem], list[GoldItem]]:
    """The gold items of `split` (all when None) and the others; a one-line error when there
    are none or the file cannot be read."""
    with user_errors():
        items = load_gold(gold)
    chosen = [item for item in items if split is None or item.split == split]
    if not chosen:
        fail(f"no gold items{f' in split {split!r}' if split else ''} in {gold}")
    return chosen, [item for item in items if split is not None and item.split != split]
