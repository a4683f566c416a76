"""The 文档库 tab: the library's table, and uploads, deletions and rebuilds as background jobs
(the engine's `Librarian.jobs`, one at a time) that the page polls until they end. A change
is made only when the library is writable and, with a librarian login configured, the login is right:
checked on the server for every change event, however it is called."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.engine import Engine
from rag.ingest import SUPPORTED_SUFFIXES
from rag.library import Job, LibraryChange, LibraryError, UploadError
from ui import render
from ui.logins import same_account
from ui.widgets import PRIVATE, document_choices, metadata_choices

log = logging.getLogger(__name__)

# A page with library jobs under way asks where they are this often (seconds), and lists
# its last PAGE_JOBS jobs.
POLL_SECONDS = 1.0
PAGE_JOBS = 5
HEADERS = ["标题", "日期", "文种", "发文机关", "发文字号", "来源文件", "段落数", "文档 ID"]
COLUMN_WIDTHS = ["24%", "9%", "6%", "12%", "11%", "16%", "6%", "16%"]
# The browser asks before a deletion: it removes every document of the chosen one's file.
CONFIRM_DELETE = (
    "(doc, jobs, user, password) => [(doc && confirm('删除所选文档所在的整个文件？')) ? doc : null, jobs, user, password]"
)


class LibraryTab:
    """The tab over one engine: `layout` builds it, `wire` connects its events."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.librarian = engine.librarian

    def layout(self) -> None:
        """The tab's table, buttons and librarian login, inside the page's `gr.Tabs`."""
        engine, settings = self.engine, self.engine.settings
        with gr.Tab("文档库", id="library"):
            if self.librarian.read_only:
                note = f"本应用为只读，不能上传、删除或重建（{self.librarian.read_only}）。"
                gr.HTML(render.message_html([(False, note)]), elem_id="read-only")
            self.table = gr.Dataframe(
                value=self.library_table(),
                headers=HEADERS,
                interactive=False,
                wrap=True,
                column_widths=COLUMN_WIDTHS,
                elem_id="library-table",
            )
            suffixes = "、".join(sorted(SUPPORTED_SUFFIXES))
            self.uploads = gr.File(
                file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES),
                label=(
                    f"上传文件（{suffixes}；每个不超过 {settings.upload_max_mb} MB，"
                    f"一次最多 {settings.upload_max_files} 个）"
                ),
                elem_id="upload",
            )
            self.upload_button = gr.Button("上传并建立索引", variant="primary", elem_id="upload-button")
            with gr.Row():
                self.to_delete = gr.Dropdown(
                    choices=document_choices(engine),
                    value=None,
                    label="删除文档（同一文件中的文档一并删除）",
                    scale=4,
                    elem_id="delete-choice",
                )
                self.delete_button = gr.Button("删除", variant="stop", scale=1, elem_id="delete-button")
            self.rebuild_button = gr.Button("重建索引", elem_id="rebuild-button")
            with gr.Row(visible=settings.admin_auth is not None):
                self.admin_user = gr.Textbox(label="管理员用户名（上传、删除、重建需要）", elem_id="admin-user")
                self.admin_password = gr.Textbox(label="管理员密码", type="password", elem_id="admin-password")
            self.message = gr.HTML(elem_id="library-message")

    def wire(self, app: gr.Blocks, document_picker: gr.Dropdown, filter_sets: Sequence[list[gr.Dropdown]]) -> None:
        """Connect the buttons and the job polling. `document_picker` and each of `filter_sets`
        (a tab's year, issuer and kind filters) follow the library, as this tab's views do."""
        # The tabs' year filters, then their issuer filters, then their kind filters.
        self.filter_tabs = len(filter_sets)
        filters = [f for group in zip(*filter_sets, strict=True) for f in group]
        self.views = [self.table, document_picker, self.to_delete, *filters]
        page_jobs, shown = gr.State([]), gr.State([])
        timer = gr.Timer(POLL_SECONDS, active=False)
        buttons = [self.message, self.uploads, page_jobs, timer]
        login = [self.admin_user, self.admin_password]
        self.upload_button.click(self.on_upload, [self.uploads, page_jobs, *login], buttons, **PRIVATE)
        self.delete_button.click(self.on_delete, [self.to_delete, page_jobs, *login], buttons, js=CONFIRM_DELETE, **PRIVATE)
        self.rebuild_button.click(self.on_rebuild, [page_jobs, *login], buttons, **PRIVATE)
        timer.tick(self.on_tick, [page_jobs, shown], [self.message, *self.views, shown, timer], **PRIVATE)
        # Every page load shows the library as it is now, not as it was when the app started.
        app.load(self.library_views, None, self.views, **PRIVATE)

    def library_table(self) -> list[list[Any]]:
        """A row per document, in `HEADERS`' order."""
        return [
            [
                d.title, d.date or "", d.kind or "", d.issuer or "", d.doc_number or "",
                render.file_name(d.source), self.engine.chunk_count(d.doc_id), d.doc_id,
            ]
            for d in self.engine.documents
        ]  # fmt: skip

    def library_views(self) -> tuple[Any, ...]:
        """The table, the document lists and the filters as the library is now."""
        choices = document_choices(self.engine)
        filters = [
            gr.Dropdown(choices=options) for options in metadata_choices(self.engine) for _ in range(self.filter_tabs)
        ]
        return (self.library_table(), gr.Dropdown(choices=choices), gr.Dropdown(choices=choices, value=None), *filters)

    # ---------------------------------------------------------------- changes
    def on_upload(self, files: list[str] | None, page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:  # fmt: skip
        if not files:
            return self._submitted(None, page_jobs, "请先选择要上传的文件。")
        # The job deletes Gradio's copies once the library has its own.
        return self._change(lambda: self.librarian.submit_upload([Path(f) for f in files], consume=True), page_jobs, user, password, "未上传")  # fmt: skip

    def on_delete(self, doc_id: str | None, page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:  # fmt: skip
        if not doc_id:
            return self._submitted(None, page_jobs, "请先选择要删除的文档。")
        return self._change(lambda: self.librarian.submit_delete(doc_id), page_jobs, user, password, "未删除")

    def on_rebuild(self, page_jobs: list[str], user: str | None = None, password: str | None = None) -> tuple[Any, ...]:
        return self._change(self.librarian.submit_rebuild, page_jobs, user, password, "未重建")

    def _change(self, start: Callable[[], Job[LibraryChange]], page_jobs: list[str], user: str | None, password: str | None, failed: str) -> tuple[Any, ...]:  # fmt: skip
        """Start a library job unless this page may not change the library or it is refused."""
        reason = self._refused(user, password)
        if reason:
            return self._submitted(None, page_jobs, reason)
        try:
            return self._submitted(start(), page_jobs)
        except (UploadError, LibraryError) as exc:
            return self._submitted(None, page_jobs, f"{failed}：{exc}")

    def _refused(self, user: str | None, password: str | None) -> str | None:
        """Why a change may not be made from this page (None: it may). Checked here, on the
        server, for every change event, however it is called."""
        if self.librarian.read_only:
            return f"本应用为只读，不能修改文档库（{self.librarian.read_only}）。"
        admin = self.engine.settings.admin_auth
        if admin is not None and not same_account(user or "", password or "", admin):
            log.warning("a library change was refused: wrong or missing librarian login")
            return "修改文档库需要管理员登录：请填写管理员用户名和密码。"
        return None

    # ---------------------------------------------------------------- jobs
    def _submitted(self, job: Job[LibraryChange] | None, page_jobs: list[str], refusal: str | None = None) -> tuple[Any, ...]:  # fmt: skip
        """The outputs of a library button: the job joins this page's list and the timer
        starts polling it."""
        jobs = [*page_jobs, job.id][-PAGE_JOBS:] if job else page_jobs
        lines = [(False, refusal)] if refusal else []
        return render.message_html(lines) + self._jobs_html(jobs), None, jobs, gr.Timer(active=job is not None)

    def on_tick(self, page_jobs: list[str], shown: list[str]) -> tuple[Any, ...]:
        """Where this page's jobs are; when one has ended since the last tick, the library
        views too (otherwise they are left alone, keeping what the user selected)."""
        ended = [j for j in page_jobs if (job := self.librarian.jobs.get(j)) is None or job.finished]
        running = len(ended) < len(page_jobs)
        refreshed = self.library_views() if set(ended) - set(shown) else (gr.skip(),) * len(self.views)
        return self._jobs_html(page_jobs), *refreshed, ended, gr.Timer(active=running)

    def _jobs_html(self, page_jobs: list[str]) -> str:
        lines = []
        for job_id in reversed(page_jobs):
            job = self.librarian.jobs.get(job_id)
            if job is not None:
                lines += render.job_lines(job, self.librarian.jobs.ahead_of(job))
        return render.message_html(lines)
