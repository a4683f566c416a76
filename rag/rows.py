"""The JSON shapes of documents, hits, answers and matches: one definition serves the
CLI's `--json` lines and the app's HTTP API, so scripts can use either."""

from __future__ import annotations

import os
from typing import Any

from rag.ingest import FileReport
from rag.schema import Answer, Document, Hit, Match
from rag.search.queries import Query


def answer_row(answer: Answer) -> dict[str, Any]:
    citations = [
        {
            "n": c.n, "doc_id": c.doc_id, "title": c.title, "source": display_path(c.source), "start": c.start, "end": c.end,
            "text": c.text, "support": c.level,
        }
        for c in answer.citations
    ]
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "citations": citations,
        "mode": answer.mode,
        "unsupported": list(answer.unsupported),
        "notes": list(answer.notes),
    }


def match_row(match: Match) -> dict[str, Any]:
    return {
        "doc_id": match.doc_id,
        "title": match.title,
        "source": display_path(match.source),
        "start": match.start,
        "end": match.end,
        "text": match.text,
        "similarity": round(match.similarity, 4),
        "exact": match.exact,
    }


def hit_row(hit: Hit) -> dict[str, Any]:
    return {
        "doc_id": hit.doc_id,
        "chunk_id": hit.chunk_id,
        "title": hit.title,
        "source": display_path(hit.source),
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "score": round(hit.score, 6),
    }


def hits_row(query: Query, hits: list[Hit]) -> dict[str, Any]:
    """A search or similar-passages result; `notice` says when a long input was cut."""
    return {"query": query.text, "notice": query.notice, "hits": [hit_row(h) for h in hits]}


def matches_row(query: Query, matches: list[Match]) -> dict[str, Any]:
    return {"query": query.text, "notice": query.notice, "matches": [match_row(m) for m in matches]}


def document_row(document: Document, chunk_count: int) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "source": display_path(document.source),
        "date": document.date,
        "doc_number": document.doc_number,
        "issuer": document.issuer,
        "kind": document.kind,
        "meta": document.meta,
        "chars": len(document.text),
        "chunks": chunk_count,
    }


def report_row(report: FileReport) -> dict[str, Any]:
    """How ingest understood one file (`rag inspect --json`)."""
    return {
        "source": display_path(report.source),
        "readings": [{"name": r.name, "score": r.score, "documents": len(r.segments), "why": r.why} for r in report.readings],
        "documents": [
            {
                **document_row(d, 0),
                "decisions": list(report.decisions.get(d.doc_id, ())),
                "elements": [{"kind": e.kind, "start": e.start, "end": e.end, "text": d.text[e.start : e.end]} for e in d.elements],
                "headings": [{"level": h.level, "title": h.title, "start": h.start, "end": h.end} for h in d.headings],
            }
            for d in report.documents
        ],
        "removed": [{"line": r.line, "rule": r.rule, "text": r.text} for r in report.removed],
        "pages": [
            {"page": p.number, "how": p.how, "confidence": p.confidence, "unsure": list(p.unsure), "tables": p.tables}
            for p in report.pages
        ],
    }


def display_path(source: str) -> str:
    """Paths below the working directory are shown relative to it."""
    relative = os.path.relpath(source)
    return source if relative.startswith("..") else relative
