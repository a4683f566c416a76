"""The Gradio app: five tabs over one `Engine`, plus a JSON API with stable names.

The handlers only call the engine and turn its records into HTML (`ui.render`); the
API endpoints return the same JSON shapes as the CLI's `--json` (`rag.rows`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from rag.engine import Engine, LibraryChange
from rag.ingest.load import SUPPORTED_SUFFIXES
from rag.jobs import Job
from rag.library import LibraryError, UploadError
from rag.queries import Query, QueryError, check_doc_ids
from rag.rows import answer_row, document_row, hits_row, matches_row
from rag.schema import Answer, Document, DocumentFilter, Hit
from ui import render
from ui.guards import LoginRequired, UploadNames

log = logging.getLogger(__name__)

TITLE = "政策报告问答"
# Each kind of search or answer runs up to this many requests side by side; library
# changes run as background jobs, one at a time (`Engine.jobs`).
READ_CONCURRENCY = 4
# A page with library jobs under way asks where they are this often (seconds), and lists
# its last PAGE_JOBS jobs.
POLL_SECONDS = 1.0
PAGE_JOBS = 5
# Gradio's upload cache, inside the data directory; copies older than an hour are removed.
GRADIO_CACHE = ".gradio"
CACHE_CLEANUP = (3600, 3600)
# The longest a failed login waits before it is answered (see `Logins`).
LOGIN_MAX_DELAY = 5.0
# Answers offered for download, under the cache folder.
EXPORTS = "answers"
CSS = """
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 14px; margin: 8px 0; }
.rag-card:target { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.rag-head { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; }
.rag-title { font-weight: 600; }
.rag-source, .rag-span, .rag-score, .rag-heading { color: var(--body-text-color-subdued); font-size: 0.9em; }
.rag-n { float: left; margin-right: 8px; font-weight: 600; color: var(--color-accent); }
.rag-answer, .rag-abstained, .rag-draft { font-size: 1.1em; line-height: 1.8; }
.rag-draft { color: var(--body-text-color-subdued); }
.rag-cite { text-decoration: none; font-weight: 600; margin: 0 1px; }
.rag-note, .rag-error { color: #b45309; }
.rag-ok { color: #15803d; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
del { background: #fecaca; }
ins { background: #bbf7d0; text-decoration: none; }
.rag-diff { margin-top: 6px; line-height: 1.8; }
"""


def build_app(engine: Engine) -> gr.Blocks:
    """The app's page and API over `engine`."""

    def documents() -> dict[str, Document]:
        return engine.index.documents

    def library_table() -> list[list[Any]]:
        return [
            [d.title, d.date or "", d.kind or "", d.issuer or "", d.doc_number or "", render.file_name(d.source), engine.chunk_count(d.doc_id), d.doc_id]
            for d in engine.documents
        ]

    def document_choices() -> list[tuple[str, str]]:
        return [(f"{d.title}（{render.file_name(d.source)}）", d.doc_id) for d in engine.documents]

    def metadata_choices() -> tuple[list[str], list[str], list[str]]:
        """The years, issuers and kinds of the library's documents, for the filters."""
        docs = engine.documents
        years = sorted({d.date[:4] for d in docs if d.date}, reverse=True)
        return years, sorted({d.issuer for d in docs if d.issuer}), sorted({d.kind for d in docs if d.kind})

    def where(doc_ids: list[str] | None, year: str | None, issuer: str | None, kind: str | None, number: str | None = None) -> DocumentFilter:
        return DocumentFilter(tuple(doc_ids or ()), year or None, issuer or None, kind or None, number or None)

    # ---------------------------------------------------------------- JSON API
    def checked(text: str, field: str) -> Query:
        """The input as it will be searched; an unsearchable one is the API call's error."""
        with reasons():
            return engine.check(text, field)

    @contextmanager
    def reasons() -> Iterator[None]:
        """A refused input (its text, `k`, `doc_ids`) is the API call's error, with its reason."""
        try:
            yield
        except QueryError as exc:
            raise gr.Error(str(exc)) from None

    def api_ask(
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
        return answer_row(engine.ask(checked(question, "question"), where=where(list(ids or ()), year, issuer, kind, doc_number)))

    def api_search(
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
        q = checked(query, "query")
        with reasons():
            return hits_row(q, engine.search(q.text, k, doc_ids, where=where(None, year, issuer, kind, doc_number)))

    def api_similar(passage: str, k: int = 10) -> dict[str, Any]:
        """Passages in other documents similar to a passage (or a chunk id)."""
        q = checked(passage, "passage")
        with reasons():
            return hits_row(q, engine.similar(q.text, k))

    def api_quote(text: str, k: int = 5) -> dict[str, Any]:
        """Where a remembered sentence really comes from."""
        q = checked(text, "text")
        with reasons():
            return matches_row(q, engine.locate(q.text, k))

    def api_documents() -> list[dict[str, Any]]:
        """The documents in the library."""
        return [document_row(d, engine.chunk_count(d.doc_id)) for d in engine.documents]

    # ---------------------------------------------------------------- 问答
    # Answers offered for download live in the data directory, never in /tmp.
    exports = engine.settings.library_dir / GRADIO_CACHE / EXPORTS

    def answer_outputs(answer: Answer) -> tuple[str, str, str, gr.DownloadButton]:
        markdown = render.answer_markdown(answer)
        return (
            render.answer_html(answer),
            render.sources_html(answer, documents()),
            markdown,
            gr.DownloadButton(value=_markdown_file(markdown, exports), visible=not answer.abstained),
        )

    def on_ask(
        question: str, year: str | None = None, issuer: str | None = None, kind: str | None = None
    ) -> Iterator[tuple[str, str, str, gr.DownloadButton]]:
        try:
            asked = engine.check(question, "question")
        except QueryError as exc:
            yield render.query_error_html(exc), "", "", gr.DownloadButton(visible=False)
            return
        scope = where(None, year, issuer, kind)
        if engine.writer is None:
            yield answer_outputs(engine.ask(asked, where=scope))
            return
        # An LLM writes the answer: show its text as it streams, then the checked answer.
        deltas: queue.Queue[str | None] = queue.Queue()
        result: list[Answer] = []

        def work() -> None:
            try:
                result.append(engine.ask(asked, on_delta=deltas.put, where=scope))
            finally:
                deltas.put(None)

        threading.Thread(target=work, daemon=True).start()
        draft = ""
        while (delta := deltas.get()) is not None:
            draft += delta
            yield render.draft_html(draft), "", "", gr.DownloadButton(visible=False)
        if not result:
            raise gr.Error("回答失败，请查看服务日志。")
        yield answer_outputs(result[0])

    # ---------------------------------------------------------------- 检索
    def on_search(
        query: str, doc_ids: list[str] | None, k: float, year: str | None = None, issuer: str | None = None, kind: str | None = None
    ) -> tuple[str, tuple[list[Hit], list[str]]]:
        """The summary line, and the hits with the words to highlight in them: one state, so
        the hit cards render once per search (two states rendered twice, and a click on a
        card's button during the second render reached a handler already gone)."""
        try:
            q = engine.check(query, "query")
        except QueryError as exc:
            return render.query_error_html(exc), ([], [])
        hits = engine.search(q.text, int(k), where=where(doc_ids, year, issuer, kind))
        summary = f"共 {len(hits)} 条结果" if hits else "没有找到相关段落。"
        return render.notes_html([q.notice, summary]), (hits, engine.query_terms(q.text))

    # ---------------------------------------------------------------- 相似段落
    def similar_groups(text: str, hits: list[Hit]) -> str:
        return render.similar_html([(h, engine.closest_sentence(h, text)) for h in hits])

    def on_similar(passage: str, k: float) -> str:
        try:
            q = engine.check(passage, "passage")
        except QueryError as exc:
            return render.query_error_html(exc)
        return render.notes_html([q.notice]) + similar_groups(q.text, engine.similar(q.text, int(k)))

    def more_like(hit: Hit, k: float) -> tuple[str, str, gr.Tabs]:
        html = similar_groups(hit.text, engine.similar(hit.chunk_id, int(k)))
        return hit.text, html, gr.Tabs(selected="similar")

    # ---------------------------------------------------------------- 原文定位
    def on_quote(text: str) -> str:
        try:
            q = engine.check(text, "text")
        except QueryError as exc:
            return render.query_error_html(exc)
        return render.notes_html([q.notice]) + render.matches_html(q.text, engine.locate(q.text, 5), documents())

    # ---------------------------------------------------------------- 文档库
    def metadata_filters(prefix: str) -> list[gr.Dropdown]:
        """Year, issuer and kind filters (the choices are the library's own)."""
        years, issuers, kinds = metadata_choices()
        with gr.Row():
            return [
                gr.Dropdown(choices=years, value=None, label="年份（可选）", elem_id=f"{prefix}-year"),
                gr.Dropdown(choices=issuers, value=None, label="发文机关（可选）", elem_id=f"{prefix}-issuer"),
                gr.Dropdown(choices=kinds, value=None, label="文种（可选）", elem_id=f"{prefix}-kind"),
            ]

    def library_views() -> tuple[Any, ...]:
        """The table, the document lists and the filters as the library is now."""
        choices = document_choices()
        filters = [gr.Dropdown(choices=options) for options in metadata_choices() for _ in range(2)]
        return (library_table(), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices, value=None), *filters)

    def submitted(job: Job[LibraryChange] | None, page_jobs: list[str], refusal: str | None = None) -> tuple[Any, ...]:
        """The outputs of a library button: the job joins this page's list and the timer
        starts polling it."""
        jobs = [*page_jobs, job.id][-PAGE_JOBS:] if job else page_jobs
        lines = [(False, refusal)] if refusal else []
        return render.message_html(lines) + jobs_html(jobs), None, jobs, gr.Timer(active=job is not None)

    def jobs_html(page_jobs: list[str]) -> str:
        lines = []
        for job_id in reversed(page_jobs):
            job = engine.jobs.get(job_id)
            if job is not None:
                lines += job_lines(job, engine.jobs.ahead_of(job))
        return render.message_html(lines)

    def refused(user: str | None, password: str | None) -> str | None:
        """Why a change may not be made from this page (None: it may). Checked here, on the
        server, for every change event, however it is called."""
        if engine.read_only:
            return f"本应用为只读，不能修改文档库（{engine.read_only}）。"
        admin = engine.settings.admin_auth
        if admin is not None:
            given = ((user or "").encode(), (password or "").encode())
            if not (hmac.compare_digest(given[0], admin[0].encode()) & hmac.compare_digest(given[1], admin[1].encode())):
                log.warning("a library change was refused: wrong or missing librarian login")
                return "修改文档库需要管理员登录：请填写管理员用户名和密码。"
        return None

    def change(start: Callable[[], Job[LibraryChange]], page_jobs: list[str], user: str | None, password: str | None, failed: str) -> tuple[Any, ...]:  # fmt: skip
        """Start a library job unless this page may not change the library or it is refused."""
        reason = refused(user, password)
        if reason:
            return submitted(None, page_jobs, reason)
        try:
            return submitted(start(), page_jobs)
        except (UploadError, LibraryError) as exc:
            return submitted(None, page_jobs, f"{failed}：{exc}")

    def on_upload(files: list[str] | None, page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:  # fmt: skip
        if not files:
            return submitted(None, page_jobs, "请先选择要上传的文件。")
        # The job deletes Gradio's copies once the library has its own.
        return change(lambda: engine.submit_upload([Path(f) for f in files], consume=True), page_jobs, user, password, "未上传")

    def on_delete(doc_id: str | None, page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:  # fmt: skip
        if not doc_id:
            return submitted(None, page_jobs, "请先选择要删除的文档。")
        return change(lambda: engine.submit_delete(doc_id), page_jobs, user, password, "未删除")

    def on_rebuild(page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:
        return change(engine.submit_rebuild, page_jobs, user, password, "未重建")

    def on_tick(page_jobs: list[str], shown: list[str]) -> tuple[Any, ...]:
        """Where this page's jobs are; when one has ended since the last tick, the library
        views too (otherwise they are left alone, keeping what the user selected)."""
        ended = [j for j in page_jobs if (job := engine.jobs.get(j)) is None or job.finished]
        running = len(ended) < len(page_jobs)
        refreshed = library_views() if set(ended) - set(shown) else (gr.skip(),) * len(views)
        return jobs_html(page_jobs), *refreshed, ended, gr.Timer(active=running)

    # ---------------------------------------------------------------- layout
    private: dict[str, Any] = {"api_visibility": "private"}
    # No analytics: the reports and questions stay on this machine.
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=CACHE_CLEANUP) as app:
        gr.Markdown(f"## {TITLE}\n问答、检索、相似段落与原文定位；每条回答都标注出处，可点开原文。")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="ask"):
                question = gr.Textbox(
                    label="问题（回车提问）", placeholder="例如：海西州如何培养科技人才？", lines=1, max_lines=4, elem_id="question"
                )
                ask_filters = metadata_filters("ask")
                ask_button = gr.Button("提问", variant="primary", elem_id="ask-button")
                gr.Examples(examples=[[q] for q in engine.settings.examples], inputs=question, label="示例问题")
                answer_box = gr.HTML(elem_id="answer")
                sources_box = gr.HTML(elem_id="sources")
                with gr.Accordion("复制 / 导出 Markdown", open=False):
                    markdown_box = gr.Textbox(label="Markdown", lines=8, interactive=False, buttons=["copy"], elem_id="markdown")
                    download = gr.DownloadButton("下载 Markdown", visible=False, elem_id="download")
            with gr.Tab("检索", id="search"):
                with gr.Row():
                    query = gr.Textbox(label="检索词", scale=4, elem_id="query")
                    k_search = gr.Slider(1, 30, value=10, step=1, label="结果数", scale=1)
                doc_filter = gr.Dropdown(
                    choices=document_choices(), multiselect=True, label="只在这些文档中检索（可选）", elem_id="doc-filter"
                )
                search_filters = metadata_filters("search")
                search_button = gr.Button("检索", variant="primary", elem_id="search-button")
                search_summary = gr.HTML(elem_id="search-summary")
                results_state = gr.State(([], []))

                @gr.render(inputs=[results_state])
                def show_hits(results: tuple[list[Hit], list[str]]) -> None:
                    hits, terms = results
                    for rank, hit in enumerate(hits, start=1):
                        gr.HTML(render.hit_card(hit, rank, terms))
                        with gr.Row():
                            more = gr.Button("相似段落", size="sm", scale=0, min_width=100, elem_classes="rag-more")
                        more.click(functools.partial(more_like, hit), k_similar, [passage, similar_box, tabs], **private)
            with gr.Tab("相似段落", id="similar"):
                passage = gr.Textbox(label="粘贴一段文字，查找其他文档中的相似段落", lines=6, elem_id="passage")
                k_similar = gr.Slider(1, 20, value=8, step=1, label="结果数")
                similar_button = gr.Button("查找相似段落", variant="primary", elem_id="similar-button")
                similar_box = gr.HTML(elem_id="similar")
            with gr.Tab("原文定位", id="quote"):
                remembered = gr.Textbox(
                    label="粘贴记得的一句话，查找它的原文出处（回车查找）", lines=1, max_lines=4, elem_id="remembered"
                )
                quote_button = gr.Button("定位原文", variant="primary", elem_id="quote-button")
                quote_box = gr.HTML(elem_id="quote")
            with gr.Tab("文档库", id="library"):
                if engine.read_only:
                    gr.HTML(render.message_html([(False, f"本应用为只读，不能上传、删除或重建（{engine.read_only}）。")]), elem_id="read-only")
                table = gr.Dataframe(
                    value=library_table(),
                    headers=["标题", "日期", "文种", "发文机关", "发文字号", "来源文件", "段落数", "文档 ID"],
                    interactive=False,
                    wrap=True,
                    column_widths=["24%", "9%", "6%", "12%", "11%", "16%", "6%", "16%"],
                    elem_id="library-table",
                )
                suffixes = "、".join(sorted(SUPPORTED_SUFFIXES))
                uploads = gr.File(
                    file_count="multiple",
                    file_types=sorted(SUPPORTED_SUFFIXES),
                    label=(
                        f"上传文件（{suffixes}；每个不超过 {engine.settings.upload_max_mb} MB，"
                        f"一次最多 {engine.settings.upload_max_files} 个）"
                    ),
                    elem_id="upload",
                )
                upload_button = gr.Button("上传并建立索引", variant="primary", elem_id="upload-button")
                with gr.Row():
                    to_delete = gr.Dropdown(
                        choices=document_choices(),
                        value=None,
                        label="删除文档（同一文件中的文档一并删除）",
                        scale=4,
                        elem_id="delete-choice",
                    )
                    delete_button = gr.Button("删除", variant="stop", scale=1, elem_id="delete-button")
                rebuild_button = gr.Button("重建索引", elem_id="rebuild-button")
                with gr.Row(visible=engine.settings.admin_auth is not None):
                    admin_user = gr.Textbox(label="管理员用户名（上传、删除、重建需要）", elem_id="admin-user")
                    admin_password = gr.Textbox(label="管理员密码", type="password", elem_id="admin-password")
                library_message = gr.HTML(elem_id="library-message")

        ask_outputs = [answer_box, sources_box, markdown_box, download]
        for trigger in (ask_button.click, question.submit):
            trigger(on_ask, [question, *ask_filters], ask_outputs, **private)
        for trigger in (search_button.click, query.submit):
            trigger(on_search, [query, doc_filter, k_search, *search_filters], [search_summary, results_state], **private)
        similar_button.click(on_similar, [passage, k_similar], similar_box, **private)
        for trigger in (quote_button.click, remembered.submit):
            trigger(on_quote, remembered, quote_box, **private)
        # The year, issuer and kind filters of both tabs follow the library (in that order).
        filters = [f for pair in zip(ask_filters, search_filters) for f in pair]
        views = [table, doc_filter, to_delete, *filters]
        page_jobs, shown = gr.State([]), gr.State([])
        timer = gr.Timer(POLL_SECONDS, active=False)
        buttons = [library_message, uploads, page_jobs, timer]
        login = [admin_user, admin_password]
        upload_button.click(on_upload, [uploads, page_jobs, *login], buttons, **private)
        confirm = "(doc, jobs, user, password) => [(doc && confirm('删除所选文档所在的整个文件？')) ? doc : null, jobs, user, password]"
        delete_button.click(on_delete, [to_delete, page_jobs, *login], buttons, js=confirm, **private)
        rebuild_button.click(on_rebuild, [page_jobs, *login], buttons, **private)
        timer.tick(on_tick, [page_jobs, shown], [library_message, *views, shown, timer], **private)
        # Every page load shows the library as it is now, not as it was when the app started.
        app.load(library_views, None, views, **private)

        gr.api(api_ask, api_name="ask")
        gr.api(api_search, api_name="search")
        gr.api(api_similar, api_name="similar")
        gr.api(api_quote, api_name="quote")
        gr.api(api_documents, api_name="documents")
    return app


def report_lines(change: LibraryChange) -> list[tuple[bool, str]]:
    """What a library change did, as status lines for the page."""
    lines = [(True, f"已加入 {name}：{len(titles)} 篇文档（{'、'.join(titles)}）") for name, titles in change.added]
    lines += [(False, f"未加入 {name}：{reason}") for name, reason in change.rejected]
    if change.removed:
        lines.append((True, f"已删除 {len(change.removed)} 篇文档：{'、'.join(change.removed)}"))
    if change.report is not None:
        r = change.report
        lines.append((True, f"索引已更新：{r.documents} 篇文档，{r.chunks} 个段落，用时 {r.seconds:.1f} 秒。"))
    return lines


def job_lines(job: Job[LibraryChange], ahead: int) -> list[tuple[bool, str]]:
    """Where a library job is, or what it did, as status lines for the page."""
    what = {"upload": f"上传 {job.subject}", "delete": f"删除《{job.subject}》", "rebuild": "重建索引"}[job.kind]
    if job.state == "queued":
        return [(True, f"排队中：{what}（前面还有 {ahead} 个任务）")]
    if job.state == "failed":
        return [(False, f"未完成：{what}：{job.error}")]
    if job.state == "done" and job.result is not None:
        return report_lines(job.result) or [(True, f"已完成：{what}")]
    p = job.progress
    if p is None:
        return [(True, f"正在进行：{what}")]
    line = f"正在进行：{what}：已读取 {p.files_done}/{p.files_total} 个文件"
    if p.texts_total:
        line += f"，已向量化 {p.texts_done}/{p.texts_total} 段文本"
    if p.seconds_left is not None:
        line += f"，预计还需 {p.seconds_left:.0f} 秒"
    return [(True, line + ("，正在写入索引" if p.stage == "writing" else ""))]


def _markdown_file(markdown: str, folder: Path) -> str:
    """The answer as a .md file for the download button, named by its content: asking the
    same question again reuses the file instead of adding one. Files older than Gradio's
    cache age are removed as new ones are written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answer-{hashlib.sha1(markdown.encode()).hexdigest()[:12]}.md"
    if not path.exists():
        path.write_text(markdown, encoding="utf-8")
    oldest = time.time() - CACHE_CLEANUP[1]
    for old in folder.glob("answer-*.md"):
        try:
            if old.stat().st_mtime < oldest:
                old.unlink()
        except FileNotFoundError:  # another request removed it first
            continue
    return str(path)


class Logins:
    """The page's login check: each failed login in a row makes the next failure's answer
    wait twice as long (from 0.1 s, up to `LOGIN_MAX_DELAY`), so guessing is slow; each is
    logged. A right password is never delayed and resets the count."""

    def __init__(self, user: str, password: str) -> None:
        self._account = (user.encode(), password.encode())
        self._failures = 0
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        given = (user.encode(), password.encode())
        if hmac.compare_digest(given[0], self._account[0]) & hmac.compare_digest(given[1], self._account[1]):
            with self._lock:
                self._failures = 0
            return True
        with self._lock:
            self._failures += 1
            delay = min(LOGIN_MAX_DELAY, 0.1 * 2 ** min(self._failures - 1, 16))
        log.warning("failed login for user %r (%d in a row); answering in %.1f s", user[:40], self._failures, delay)
        time.sleep(delay)
        return False


def launch(engine: Engine, host: str = "127.0.0.1", port: int = 7860) -> tuple[gr.Blocks, str]:
    """Start the app in the background; return it and its URL. With `settings.auth` set,
    every page and API call needs that user name and password."""
    # Gradio keeps its own copy of every upload: keep it inside the data directory too
    # (read when the app is created, so set before).
    os.environ["GRADIO_TEMP_DIR"] = str(engine.settings.library_dir / GRADIO_CACHE)
    app = build_app(engine)
    app.queue(default_concurrency_limit=READ_CONCURRENCY)
    _, url, _ = app.launch(
        server_name=host,
        server_port=port,
        auth=Logins(*engine.settings.auth) if engine.settings.auth else None,
        max_file_size=f"{engine.settings.upload_max_mb}mb",
        prevent_thread_lock=True,
        quiet=True,
        show_error=True,  # an unexpected error still shows its message, never a bare "Error"
        footer_links=["api"],
        css=CSS,
        app_kwargs={"middleware": [Middleware(UploadNames), Middleware(LoginRequired)]},
    )
    return app, url
