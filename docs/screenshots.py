"""Regenerate the screenshots in docs/user-guide.md, so they follow the app when it changes.

Opens the engine on the existing index (RAG_INDEX_DIR and the other RAG_* settings; build
it first with `rag index`), starts the app on a free local port, runs one example per tab
in headless Debian chromium (/usr/bin/chromium) through Playwright and saves
ask.png, search.png, similar.png, quote.png and library.png into docs/images/ (or --out).

Chinese text renders as boxes unless a CJK font is installed (e.g. fonts-wqy-zenhei).

    .venv/bin/python docs/screenshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import logging
import socket
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from rag.engine import Engine
from rag.settings import Settings
from ui.app import launch

log = logging.getLogger("screenshots")

CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
# The browser window is short, so a short page's screenshot stays short; long result lists
# are cut at MAX_HEIGHT (the top of the page is what the guide shows).
WINDOW_HEIGHT = 800
MAX_HEIGHT = 1400
TIMEOUT_MS = 60_000
QUESTION = "海西州如何培养科技人才？"
SEARCH = "职业教育专业"
SEARCH_RESULTS = 3
# Deliberately misremembered, so the diff against the original has something to show.
REMEMBERED = "教育是强国建设民族复兴的基础"


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def snap(page: Page, path: Path) -> None:
    """The page from the top, full width, at most `MAX_HEIGHT` tall."""
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), MAX_HEIGHT)
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    log.info("saved %s (%d px tall)", path, height)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def ask(page: Page, out: Path) -> None:
    open_tab(page, "问答")
    page.locator("#question textarea").fill(QUESTION)
    page.locator("#ask-button").click()
    cite = page.locator("#answer .rag-cite").first
    cite.wait_for(timeout=TIMEOUT_MS)
    page.locator("#sources .rag-card").first.wait_for(timeout=TIMEOUT_MS)
    cite.click()  # the cited source card is highlighted (:target)
    snap(page, out / "ask.png")


def search(page: Page, out: Path) -> None:
    open_tab(page, "检索")
    count = page.get_by_role("spinbutton", name="结果数").filter(visible=True)
    count.fill(str(SEARCH_RESULTS))
    count.press("Enter")
    page.locator("#query textarea, #query input").first.fill(SEARCH)
    page.locator("#search-button").click()
    page.locator(".rag-hit").first.wait_for(timeout=TIMEOUT_MS)
    snap(page, out / "search.png")


def similar(page: Page, out: Path) -> None:
    """The first search hit's 相似段落 button, which fills the 相似段落 tab (run `search` first)."""
    page.locator(".rag-more").first.click()
    page.locator("#similar .rag-card").first.wait_for(timeout=TIMEOUT_MS)
    snap(page, out / "similar.png")


def quote(page: Page, out: Path) -> None:
    open_tab(page, "原文定位")
    page.locator("#remembered textarea").fill(REMEMBERED)
    page.locator("#quote-button").click()
    page.locator("#quote .rag-card").first.wait_for(timeout=TIMEOUT_MS)
    snap(page, out / "quote.png")


def library(page: Page, out: Path) -> None:
    open_tab(page, "文档库")
    page.locator("#library-table").wait_for(timeout=TIMEOUT_MS)
    snap(page, out / "library.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "images", help="output folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    engine = Engine.open(settings=Settings.from_env())
    app, url = launch(engine, "127.0.0.1", free_port())
    log.info("app running at %s", url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            # zh-CN: Gradio's own labels (upload area, footer) in Chinese, as users see them.
            page = browser.new_page(viewport={"width": WIDTH, "height": WINDOW_HEIGHT}, locale="zh-CN")
            page.goto(url)
            page.get_by_role("tab", name="问答", exact=True).wait_for(timeout=TIMEOUT_MS)
            for step in (ask, search, similar, quote, library):
                step(page, out)
            browser.close()
    finally:
        app.close()


if __name__ == "__main__":
    main()
