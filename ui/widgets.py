"""The inputs several tabs share, built from the library as it is now: the document pickers,
the year / issuer / kind filters and the `DocumentFilter` their values mean; and the option
that keeps the page's own events out of the public API (that is `ui.api`)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from rag.engine import Engine
from rag.schema import DocumentFilter
from ui import render

# Passed to every page event: the page's events are no part of the API.
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def document_choices(engine: Engine) -> list[tuple[str, str]]:
    """Each document as a picker offers it: its title and file, standing for its id."""
    return [(f"{d.title}（{render.file_name(d.source)}）", d.doc_id) for d in engine.documents]


def metadata_choices(engine: Engine) -> tuple[list[str], list[str], list[str]]:
    """The years, issuers and kinds of the library's documents, for the filters."""
    docs = engine.documents
    years = sorted({d.date[:4] for d in docs if d.date}, reverse=True)
    return years, sorted({d.issuer for d in docs if d.issuer}), sorted({d.kind for d in docs if d.kind})


def metadata_filters(engine: Engine, prefix: str) -> list[gr.Dropdown]:
    """Year, issuer and kind filters (the choices are the library's own)."""
    years, issuers, kinds = metadata_choices(engine)
    with gr.Row():
        return [
            gr.Dropdown(choices=years, value=None, label="年份（可选）", elem_id=f"{prefix}-year"),
            gr.Dropdown(choices=issuers, value=None, label="发文机关（可选）", elem_id=f"{prefix}-issuer"),
            gr.Dropdown(choices=kinds, value=None, label="文种（可选）", elem_id=f"{prefix}-kind"),
        ]


def document_filter(
    doc_ids: list[str] | None, year: str | None, issuer: str | None, kind: str | None, number: str | None = None
) -> DocumentFilter:
    """The documents the inputs' values allow; an empty value allows any."""
    return DocumentFilter(tuple(doc_ids or ()), year or None, issuer or None, kind or None, number or None)
