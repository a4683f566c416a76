"""The three tabs that find passages: 检索 (a search, with a 相似段落 button on each hit),
相似段落 (passages in other documents like a pasted one) and 原文定位 (where a remembered
sentence really comes from)."""

from __future__ import annotations

import functools

import gradio as gr

from rag.engine import Engine
from rag.schema import Hit
from rag.search.queries import QueryError
from ui import render
from ui.widgets import PRIVATE, document_choices, document_filter, metadata_filters

# The hits of a search and the words to highlight in them.
Results = tuple[list[Hit], list[str]]


class PassageTabs:
    """The tabs over one engine: `layout` builds them, `wire` connects their events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def layout(self, tabs: gr.Tabs) -> None:
        """The three tabs, inside the page's `tabs` (a hit's button switches to 相似段落)."""
        self.tabs = tabs
        with gr.Tab("检索", id="search"):
            with gr.Row():
                self.query = gr.Textbox(label="检索词", scale=4, elem_id="query")
                self.k_search = gr.Slider(1, 30, value=10, step=1, label="结果数", scale=1)
            self.doc_filter = gr.Dropdown(
                choices=document_choices(self.engine), multiselect=True, label="只在这些文档中检索（可选）", elem_id="doc-filter"
            )
            self.filters = metadata_filters(self.engine, "search")
            self.search_button = gr.Button("检索", variant="primary", elem_id="search-button")
            self.search_summary = gr.HTML(elem_id="search-summary")
            self.results = gr.State(([], []))
            gr.render(inputs=[self.results])(self.show_hits)
        with gr.Tab("相似段落", id="similar"):
            self.passage = gr.Textbox(label="粘贴一段文字，查找其他文档中的相似段落", lines=6, elem_id="passage")
            self.k_similar = gr.Slider(1, 20, value=8, step=1, label="结果数")
            self.similar_button = gr.Button("查找相似段落", variant="primary", elem_id="similar-button")
            self.similar_box = gr.HTML(elem_id="similar")
        with gr.Tab("原文定位", id="quote"):
            self.remembered = gr.Textbox(
                label="粘贴记得的一句话，查找它的原文出处（回车查找）", lines=1, max_lines=4, elem_id="remembered"
            )
            self.quote_button = gr.Button("定位原文", variant="primary", elem_id="quote-button")
            self.quote_box = gr.HTML(elem_id="quote")

    def wire(self) -> None:
        """Search and locate on the button or on Enter; find similar passages on the button."""
        search_inputs = [self.query, self.doc_filter, self.k_search, *self.filters]
        for trigger in (self.search_button.click, self.query.submit):
            trigger(self.on_search, search_inputs, [self.search_summary, self.results], **PRIVATE)
        self.similar_button.click(self.on_similar, [self.passage, self.k_similar], self.similar_box, **PRIVATE)
        for trigger in (self.quote_button.click, self.remembered.submit):
            trigger(self.on_quote, self.remembered, self.quote_box, **PRIVATE)

    # ---------------------------------------------------------------- 检索
    def on_search(
        self,
        query: str,
        doc_ids: list[str] | None,
        k: float,
        year: str | None = None,
        issuer: str | None = None,
        kind: str | None = None,
    ) -> tuple[str, Results]:
        """The summary line, and the hits with the words to highlight in them: one state, so
        the hit cards render once per search (two states rendered twice, and a click on a
        card's button during the second render reached a handler already gone)."""
        try:
            q = self.engine.check(query, "query")
        except QueryError as exc:
            return render.query_error_html(exc), ([], [])
        hits = self.engine.search(q.text, int(k), where=document_filter(doc_ids, year, issuer, kind))
        summary = f"共 {len(hits)} 条结果" if hits else "没有找到相关段落。"
        return render.notes_html([q.notice, summary]), (hits, self.engine.query_terms(q.text))

    def show_hits(self, results: Results) -> None:
        """A card per hit, each with a button that looks for passages like it."""
        hits, terms = results
        for rank, hit in enumerate(hits, start=1):
            gr.HTML(render.hit_card(hit, rank, terms))
            with gr.Row():
                more = gr.Button("相似段落", size="sm", scale=0, min_width=100, elem_classes="rag-more")
            outputs = [self.passage, self.similar_box, self.tabs]
            more.click(functools.partial(self.more_like, hit), self.k_similar, outputs, **PRIVATE)

    # ---------------------------------------------------------------- 相似段落
    def on_similar(self, passage: str, k: float) -> str:
        try:
            q = self.engine.check(passage, "passage")
        except QueryError as exc:
            return render.query_error_html(exc)
        return render.notes_html([q.notice]) + self._similar_groups(q.text, self.engine.similar(q.text, int(k)))

    def more_like(self, hit: Hit, k: float) -> tuple[str, str, gr.Tabs]:
        """The 相似段落 tab, opened on the passages like `hit`."""
        html = self._similar_groups(hit.text, self.engine.similar(hit.chunk_id, int(k)))
        return hit.text, html, gr.Tabs(selected="similar")

    def _similar_groups(self, text: str, hits: list[Hit]) -> str:
        return render.similar_html([(h, self.engine.closest_sentence(h, text)) for h in hits])

    # ---------------------------------------------------------------- 原文定位
    def on_quote(self, text: str) -> str:
        try:
            q = self.engine.check(text, "text")
        except QueryError as exc:
            return render.query_error_html(exc)
        matches = self.engine.locate(q.text, 5)
        return render.notes_html([q.notice]) + render.matches_html(q.text, matches, self.engine.index.documents)
