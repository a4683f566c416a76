"""The 问答 tab: a question and optional filters; the answer with each claim's source, and
the answer as Markdown to copy or download. When an LLM writes the answer, its text shows
as it streams, then the checked answer replaces it."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import gradio as gr

from rag.engine import Engine
from rag.schema import Answer
from rag.search.queries import QueryError
from ui import cache, render
from ui.widgets import PRIVATE, document_filter, metadata_filters

AskOutputs = tuple[str, str, str, gr.DownloadButton]


class AskTab:
    """The tab over one engine: `layout` builds it, `wire` connects its events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Answers offered for download live in the data directory, never in /tmp.
        self.exports = cache.exports_dir(engine.settings)

    def layout(self) -> None:
        """The tab's inputs and panels, inside the page's `gr.Tabs`."""
        with gr.Tab("问答", id="ask"):
            self.question = gr.Textbox(
                label="问题（回车提问）", placeholder="例如：海西州如何培养科技人才？", lines=1, max_lines=4, elem_id="question"
            )
            self.filters = metadata_filters(self.engine, "ask")
            self.button = gr.Button("提问", variant="primary", elem_id="ask-button")
            gr.Examples(examples=[[q] for q in self.engine.settings.examples], inputs=self.question, label="示例问题")
            self.answer_box = gr.HTML(elem_id="answer")
            self.sources_box = gr.HTML(elem_id="sources")
            with gr.Accordion("复制 / 导出 Markdown", open=False):
                self.markdown_box = gr.Textbox(
                    label="Markdown", lines=8, interactive=False, buttons=["copy"], elem_id="markdown"
                )
                self.download = gr.DownloadButton("下载 Markdown", visible=False, elem_id="download")

    def wire(self) -> None:
        """Ask on the button or on Enter."""
        outputs = [self.answer_box, self.sources_box, self.markdown_box, self.download]
        for trigger in (self.button.click, self.question.submit):
            trigger(self.on_ask, [self.question, *self.filters], outputs, **PRIVATE)

    def on_ask(
        self, question: str, year: str | None = None, issuer: str | None = None, kind: str | None = None
    ) -> Iterator[AskOutputs]:
        try:
            asked = self.engine.check(question, "question")
        except QueryError as exc:
            yield render.query_error_html(exc), "", "", gr.DownloadButton(visible=False)
            return
        scope = document_filter(None, year, issuer, kind)
        if not self.engine.streams:
            yield self._outputs(self.engine.ask(asked, where=scope))
            return
        # An LLM writes the answer: show its text as it streams, then the checked answer.
        deltas: queue.Queue[str | None] = queue.Queue()
        result: list[Answer] = []

        def work() -> None:
            try:
                result.append(self.engine.ask(asked, on_delta=deltas.put, where=scope))
            finally:
                deltas.put(None)

        threading.Thread(target=work, daemon=True).start()
        draft = ""
        while (delta := deltas.get()) is not None:
            draft += delta
            yield render.draft_html(draft), "", "", gr.DownloadButton(visible=False)
        if not result:
            raise gr.Error("回答失败，请查看服务日志。")
        yield self._outputs(result[0])

    def _outputs(self, answer: Answer) -> AskOutputs:
        """The answer, its sources, its Markdown and the button that downloads it."""
        markdown = render.answer_markdown(answer)
        return (
            render.answer_html(answer),
            render.sources_html(answer, self.engine.index.documents),
            markdown,
            gr.DownloadButton(value=cache.markdown_file(markdown, self.exports), visible=not answer.abstained),
        )
