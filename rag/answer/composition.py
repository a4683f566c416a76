"""Writing an extractive answer: chosen sentences become cited lines of text.

Each line names its document (《title》) and quotes its sentences in reading order, each
followed by the number of its citation; adjacent sentences become one citation, and each
citation carries how strongly it supports the answer (`Evidence.level`). An answer that
found nothing says so (`NOT_FOUND`), says why in one line, and lists its near misses as
sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rag import language
from rag.answer.evidence import Candidate, Evidence
from rag.schema import Answer, Citation, Document, Hit, Match
from rag.textshape import squash

NOT_FOUND = "文档中没有找到相关信息"


def abstain(question: str, near_misses: Sequence[Hit], reason: str) -> Answer:
    """A refusal that says why (`reason`, one line) and lists the closest passages."""
    return Answer(question, f"{NOT_FOUND}：{reason}。", (), True, tuple(near_misses), reason=reason)


def compose(
    question: str,
    chosen: Iterable[Candidate],
    hits: Sequence[Hit],
    evidence: Evidence,
    heading: str | None = None,
    levels: bool = True,
    sides: bool = False,
    separate: bool = False,
) -> Answer:
    """One line per document (documents in order of their best sentence), sentences
    in reading order; adjacent sentences become one citation, at the strongest level of its
    sentences (none when `levels` is off: similar passages are not evidence of a claim).
    Sentences saying what a sentence kept before says (`Evidence.same_claim`) are left out,
    except, when the documents are the `sides` of a comparison, another document's: a
    regulation repeating a law but for one word is what the reader compares. The items of
    a list stay one citation each (`separate`)."""
    kept: list[Candidate] = []
    for c in chosen:
        if not any(evidence.same_claim(c, k) and (k.doc_id == c.doc_id or not sides) for k in kept):
            kept.append(c)
    by_doc: dict[str, list[Candidate]] = {}
    for c in kept:
        by_doc.setdefault(c.doc_id, []).append(c)
    citations: list[Citation] = []
    lines = []
    for doc_id, members in by_doc.items():
        document = evidence.documents[doc_id]
        parts = []
        spans = sorted((c.start, c.end) for c in members)
        for start, end in spans if separate else _merge_adjacent(document.text, spans):
            inside = [c for c in members if start <= c.start and c.end <= end]
            level = evidence.level(max(inside, key=evidence.strength)) if levels else ""
            citation = Citation.of(len(citations) + 1, document, start, end, level)
            citations.append(citation)
            parts.append(f"{_plain(citation.text)}[{citation.n}]")
        where = f"「{_plain(heading)}」" if heading else ""
        lines.append(f"《{document.title}》{where}：" + "；".join(parts) + "。")
    return Answer(question, "\n".join(lines), tuple(citations), False, tuple(hits))


def compose_outline(
    question: str, document: Document, section: str, items: list[tuple[str, Candidate]], hits: Sequence[Hit], evidence: Evidence
) -> Answer:
    """The section's sub-headings, each with its cited sentence, one per line."""
    citations: list[Citation] = []
    lines = [f"《{document.title}》「{_plain(section)}」："]
    for title, c in items:
        citation = Citation.of(len(citations) + 1, document, c.start, c.end, evidence.level(c))
        citations.append(citation)
        label = _plain(title)
        body = _plain(citation.text)
        lines.append(f"{body}[{citation.n}]" if squash(body).startswith(squash(label)) else f"{label}：{body}[{citation.n}]")
    return Answer(question, "\n".join(lines), tuple(citations), False, tuple(hits))


def compose_quote(question: str, best: Match, document: Document, hits: Sequence[Hit]) -> Answer:
    """Where a quoted sentence comes from, with the original wording cited."""
    citation = Citation.of(1, document, best.start, best.end)
    lead = "这句话出自" if best.exact else f"最接近的原文（相似度 {best.similarity:.0%}）出自"
    text = f"{lead}《{best.title}》：「{_plain(best.text)}」[1]"
    return Answer(question, text, (citation,), False, tuple(hits))


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of one line separated only by spaces become one span (the lines of a list
    stay one citation each)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        between = text[merged[-1][1] : start] if merged else "x"
        if not between.strip() and "\n" not in between:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _plain(sentence: str) -> str:
    """A sentence inside an answer line: one line, without its closing full stop."""
    return " ".join(sentence.split()).rstrip(language.ANSWER_TRIM_MARKS)
