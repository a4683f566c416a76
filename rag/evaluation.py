"""Scoring retrieval against a gold set (one JSON object per line), and ingest against what
a reader gives for a file (`reads_as_reader`, `extracted_sentences`).

Each gold item has `id`, `type`, `question` and `evidence`: a list of `{"file", "quote"}`.
A hit covers a quote when the quote (NFKC, spaces removed) lies inside the hit text, or
the two share a contiguous run of at least half the quote and at least 8 characters
(quotes are copied from PDFs, so they may cross a chunk boundary or differ in a space).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from rag import language
from rag.answer.calibration import Sample
from rag.schema import Document
from rag.search import pasted_text
from rag.textshape import doc_number_key, squash

if TYPE_CHECKING:
    from rag.engine import Engine

MIN_SHARED_RUN = 8


class GoldError(ValueError):
    """The gold file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class GoldItem:
    id: str
    type: str
    question: str
    quotes: tuple[str, ...]
    split: str | None = None  # "fit" or "test": which questions thresholds may be fitted on

    @property
    def pasted(self) -> str | None:
        """The passage or quote between 「」 in the question, if any."""
        return pasted_text(self.question)


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            quotes = tuple(e["quote"] for e in row.get("evidence") or [])
            split = str(row["split"]) if row.get("split") else None
            items.append(GoldItem(str(row.get("id", number)), str(row["type"]), str(row["question"]), quotes, split))
        except (ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"{path}:{number}: not a gold item ({exc.__class__.__name__}: {exc})") from None
    return items


def covers(hit_text: str, quote: str) -> bool:
    """Does a hit contain the evidence quote (see module docstring)?"""
    text, quote = squash(hit_text), squash(quote)
    if not quote:
        return False
    if quote in text:
        return True
    match = SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(0, len(text), 0, len(quote))
    return match.size >= max(MIN_SHARED_RUN, len(quote) / 2)


@dataclass
class Scores:
    """Running means of the retrieval metrics over the items that have evidence."""

    n: int = 0
    hit1: float = 0.0
    hit5: float = 0.0
    mrr10: float = 0.0
    recall5: float = 0.0
    per_item: list[tuple[str, int | None]] = field(default_factory=list)

    def add(self, item_id: str, texts: Sequence[str], quotes: Sequence[str]) -> None:
        first = next((r for r, t in enumerate(texts[:10], 1) if any(covers(t, q) for q in quotes)), None)
        self.n += 1
        self.hit1 += first == 1
        self.hit5 += first is not None and first <= 5
        self.mrr10 += 1 / first if first else 0.0
        self.recall5 += sum(any(covers(t, q) for t in texts[:5]) for q in quotes) / len(quotes)
        self.per_item.append((item_id, first))

    def means(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {
            "hit@1": self.hit1 / n,
            "hit@5": self.hit5 / n,
            "MRR@10": self.mrr10 / n,
            "recall@5": self.recall5 / n,
        }


def evaluate_retrieval(
    items: Sequence[GoldItem], search: Callable[[GoldItem], Sequence[str]]
) -> dict[str, Scores]:
    """Scores per question type and under "overall"; `search` returns hit texts, best first.
    Items without evidence (unanswerable) have nothing to retrieve and are left out."""
    by_type: dict[str, Scores] = {"overall": Scores()}
    for item in items:
        if not item.quotes:
            continue
        texts = search(item)
        for key in (item.type, "overall"):
            by_type.setdefault(key, Scores()).add(item.id, texts, item.quotes)
    return by_type


def search_texts(engine: Engine, item: GoldItem, k: int = 10) -> list[str]:
    """How the product serves each kind of item: a `similar` item pastes a passage and
    wants OTHER reports saying the same (`Engine.similar`); everything else is searched
    with the question as typed."""
    pasted = item.pasted
    if item.type == "similar" and pasted:
        return [h.text for h in engine.similar(pasted, k=k)]
    return [h.text for h in engine.search(item.question, k=k)]


def evaluate_answers(items: Sequence[GoldItem], engine: Engine) -> dict[str, Any]:
    """Answer metrics: evidence recall of the citations (gold quotes covered by a cited
    span) and their precision (the share of citations that cover a gold quote), overall
    and per type; abstention on unanswerable items, false abstentions on the rest, top-1
    accuracy of quote location and evidence recall@5 of `similar`."""
    recall: dict[str, list[float]] = {}
    precision: dict[str, list[float]] = {}
    unanswerable = abstained = false_abstentions = 0
    quote_hits: list[bool] = []
    similar_recall: list[float] = []
    for item in items:
        answer = engine.ask(item.question)
        if not item.quotes:
            unanswerable += 1
            abstained += answer.abstained
            continue
        false_abstentions += answer.abstained
        cited = [c.text for c in answer.citations]
        recall.setdefault(item.type, []).append(_share_covered(cited, item.quotes))
        precision.setdefault(item.type, []).extend(float(any(covers(c, q) for q in item.quotes)) for c in cited)
        pasted = item.pasted
        if item.type == "quote" and pasted:
            matches = engine.locate(pasted, k=1)
            quote_hits.append(bool(matches) and any(covers(matches[0].text, q) for q in item.quotes))
        if item.type == "similar" and pasted:
            similar_recall.append(_share_covered([h.text for h in engine.similar(pasted, k=5)], item.quotes))
    every = [r for rs in recall.values() for r in rs]
    return {
        "citation_recall": _mean(every),
        "citation_recall_by_type": {t: _mean(rs) for t, rs in recall.items()},
        "citation_precision": _mean([p for ps in precision.values() for p in ps]),
        "citation_precision_by_type": {t: _mean(ps) for t, ps in precision.items()},
        "answerable": len(every),
        "false_abstentions": false_abstentions,
        "unanswerable": unanswerable,
        "abstention_accuracy": abstained / unanswerable if unanswerable else None,
        "quote_top1": _mean([float(h) for h in quote_hits]) if quote_hits else None,
        "similar_recall@5": _mean(similar_recall) if similar_recall else None,
    }


def calibration_samples(items: Sequence[GoldItem], engine: Engine) -> list[Sample]:
    """What `rag calibrate` fits on: each item's eligible evidence, and whether it is
    answerable. Pasted quotes and passages are found another way, so they are left out."""
    return [
        Sample(bool(item.quotes), engine.evidence_points(item.question))
        for item in tqdm(items, desc="calibrating", unit="question", disable=None)
        if item.type not in ("quote", "similar")
    ]


def _share_covered(texts: Sequence[str], quotes: Sequence[str]) -> float:
    return sum(any(covers(t, q) for t in texts) for q in quotes) / len(quotes)


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def reads_as_reader(document: Document, field: str, want: str | None) -> bool:
    """Does `document`'s `field` (title, date, doc_number, issuer, kind) match what a reader
    gives? Titles and issuers spacing aside (OCR cannot see the space printed between two
    organs), a 发文字号 whatever brackets hold its year; a title that is the file name (no
    title found) matches a reader's "no title"."""
    got = getattr(document, field)
    if field == "title" and got == Path(document.source).stem:
        got = None
    if got and want and field in ("title", "issuer"):
        return squash(got) == squash(want)
    if got and want and field == "doc_number":
        return doc_number_key(got) == doc_number_key(want)
    return bool(got == want)


def extracted_sentences(text: str) -> list[str]:
    """The sentences of a file's extracted text: what ingest must keep, or list in its ledger."""
    return [s for s in language.EXTRACTED_SENTENCE.findall(text) if len(squash(s)) >= 8]
