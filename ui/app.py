"""The Gradio app: five tabs over one `Engine`, plus a JSON API with stable names.

This module assembles the page from its tabs (`ui.ask_tab`, `ui.passage_tabs`,
`ui.library_tab`) and the API (`ui.api`), and launches it. The handlers only call the
engine and turn its records into HTML (`ui.render`); the API endpoints return the same
JSON shapes as the CLI's `--json` (`rag.rows`).
"""

from __future__ import annotations

import os

import gradio as gr
from starlette.middleware import Middleware

from rag.engine import Engine
from ui import cache
from ui.api import Api
from ui.ask_tab import AskTab
from ui.guards import LoginRequired, UploadNames
from ui.library_tab import LibraryTab
from ui.logins import Logins
from ui.passage_tabs import PassageTabs

TITLE = "政策报告问答"
# Each kind of search or answer runs up to this many requests side by side; library
# changes run as background jobs, one at a time (`Librarian.jobs`).
READ_CONCURRENCY = 4
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
    """The app's page and API over `engine`: the tabs are laid out first, then their
    events are connected (the library tab's refresh reaches into the other tabs)."""
    ask, passages, library = AskTab(engine), PassageTabs(engine), LibraryTab(engine)
    # No analytics: the reports and questions stay on this machine.
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=cache.CACHE_CLEANUP) as app:
        gr.Markdown(f"## {TITLE}\n问答、检索、相似段落与原文定位；每条回答都标注出处，可点开原文。")
        with gr.Tabs() as tabs:
            ask.layout()
            passages.layout(tabs)
            library.layout()
        ask.wire()
        passages.wire()
        library.wire(app, passages.doc_filter, [ask.filters, passages.filters])
        Api(engine).register()
    return app


def launch(engine: Engine, host: str = "127.0.0.1", port: int = 7860) -> tuple[gr.Blocks, str]:
    """Start the app in the background; return it and its URL. With `settings.auth` set,
    every page and API call needs that user name and password."""
    # Gradio keeps its own copy of every upload: keep it inside the data directory too
    # (read when the app is created, so set before).
    os.environ["GRADIO_TEMP_DIR"] = str(cache.gradio_cache(engine.settings))
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
