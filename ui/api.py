"""The app's JSON API: `gr.api` endpoints with stable names (ask, search, similar, quote,
documents) that return the same JSON shapes as the CLI's `--json` (`rag.rows`). Their
signatures and docstrings are what the API page and gradio_client show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from rag.engine import Engine
from rag.rows import answer_row, document_row, hits_row, matches_row
from rag.search.queries import Query, QueryError, check_doc_ids
from ui.widgets import document_filter


class Api:
    """The endpoints over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def register(self) -> None:
        """Add the endpoints to the app being built (inside its `gr.Blocks`)."""
        gr.api(self.api_ask, api_name="ask")
        gr.api(self.api_search, api_name="search")
        gr.api(self.api_similar, api_name="similar")
        gr.api(self.api_quote, api_name="quote")
        gr.api(self.api_documents, api_name="documents")

    def api_ask(
        self,
        question: str,
        doc_ids: list[str] | None = None,
        year: str | None = None,
        issuer: str | None = None,
        kind: str | None = None,
        doc_number: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question; every claim cites its exact source span. Optionally only from
        some document ids, a year, an issuer (part of its name), a kind (通知, 意见, ...) or a 发文字号."""
        with reasons():
            ids = check_doc_ids(doc_ids)
        asked = self._checked(question, "question")
        where = document_filter(list(ids or ()), year, issuer, kind, doc_number)
        return answer_row(self.engine.ask(asked, where=where))

    def api_search(
        self,
        query: str,
        k: int = 10,
        doc_ids: list[str] | None = None,
        year: str | None = None,
        issuer: str | None = None,
        kind: str | None = None,
        doc_number: str | None = None,
    ) -> dict[str, Any]:
        """Hybrid search for passages, optionally within some document ids, a year, an issuer,
        a kind or a 发文字号."""
        q = self._checked(query, "query")
        where = document_filter(None, year, issuer, kind, doc_number)
        with reasons():
            return hits_row(q, self.engine.search(q.text, k, doc_ids, where=where))

    def api_similar(self, passage: str, k: int = 10) -> dict[str, Any]:
        """Passages in other documents similar to a passage (or a chunk id)."""
        q = self._checked(passage, "passage")
        with reasons():
            return hits_row(q, self.engine.similar(q.text, k))

    def api_quote(self, text: str, k: int = 5) -> dict[str, Any]:
        """Where a remembered sentence really comes from."""
        q = self._checked(text, "text")
        with reasons():
            return matches_row(q, self.engine.locate(q.text, k))

    def api_documents(self) -> list[dict[str, Any]]:
        """The documents in the library."""
        return [document_row(d, self.engine.chunk_count(d.doc_id)) for d in self.engine.documents]

    def _checked(self, text: str, field: str) -> Query:
        """The input as it will be searched; an unsearchable one is the API call's error."""
        with reasons():
            return self.engine.check(text, field)


@contextmanager
def reasons() -> Iterator[None]:
    """A refused input (its text, `k`, `doc_ids`) is the API call's error, with its reason."""
    try:
        yield
    except QueryError as exc:
        raise gr.Error(str(exc)) from None
