"""The app in a real browser: Debian's chromium, headless, driven by Playwright.

Each test leaves a screenshot of its tab in its tmp dir.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import free_port

CHROMIUM = "/usr/bin/chromium"  # Debian's; `make test` installs it
WAIT_MS = 60_000
# A real local LLM writes the streamed answer on the CPU: slower when the machine is busy.
LLM_WAIT_MS = 180_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, ui_server):  # type: ignore[no-untyped-def]
    url, _ = ui_server
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    page.goto(url)
    page.locator("#question textarea").wait_for(timeout=WAIT_MS)
    yield page
    page.close()


def _tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name=name, exact=True).click()


def test_question_gets_an_answer_whose_cited_sentence_is_highlighted_in_its_source(page, ui_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, engine = ui_server
    question = "南岭县职业中专与多少家企业签订了订单培养协议？"
    expected = engine.ask(question)
    assert not expected.abstained
    page.locator("#question textarea").fill(question)
    page.locator("#ask-button").click()
    page.locator("#answer .rag-cite").first.wait_for(timeout=WAIT_MS)
    cited = page.locator("#sources #rag-src-1 mark").inner_text()
    assert cited == expected.citations[0].text
    assert "43家企业" in cited
    card = page.locator("#sources #rag-src-1").inner_text()
    assert expected.citations[0].title in card and "nanling.md" in card
    page.locator("#answer .rag-cite").first.click()
    assert page.evaluate("location.hash") == "#rag-src-1"
    page.get_by_text("复制 / 导出 Markdown").click()
    markdown = page.locator("#markdown textarea").input_value()
    assert "**来源**" in markdown
    assert expected.citations[0].text in markdown
    page.screenshot(path=str(tmp_path / "ask.png"), full_page=True)


def test_search_shows_highlighted_hits_and_similar_passages_per_hit(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _tab(page, "检索")
    page.locator("#query textarea, #query input").first.fill("教育云平台")
    page.locator("#search-button").click()
    page.locator(".rag-hit").first.wait_for(timeout=WAIT_MS)
    first = page.locator(".rag-hit").first
    assert "东海区" in first.inner_text()
    assert any("平台" in m for m in first.locator("mark").all_inner_texts())
    assert "得分" in first.inner_text()
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    page.locator(".rag-more").first.click()
    page.locator("#similar .rag-card").first.wait_for(timeout=WAIT_MS)
    assert "东海区" not in page.locator("#similar").inner_text()
    assert "相似度" in page.locator("#similar").inner_text()
    assert page.locator("#similar mark").count() >= 1
    page.screenshot(path=str(tmp_path / "similar.png"), full_page=True)


def test_quote_shows_the_original_and_what_differs(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _tab(page, "原文定位")
    page.locator("#remembered textarea").fill("北川市建立了名师工作室29个")
    page.locator("#quote-button").click()
    page.locator("#quote .rag-card").first.wait_for(timeout=WAIT_MS)
    card = page.locator("#quote .rag-card").first
    assert "北川市建立名师工作室28个" in card.locator("p mark").inner_text()
    assert "8" in card.locator("ins").all_inner_texts()
    assert "9" in card.locator("del").all_inner_texts()
    page.screenshot(path=str(tmp_path / "quote.png"), full_page=True)


def _upload_in(page, path) -> None:  # type: ignore[no-untyped-def]
    """Upload a file through the library tab and wait until its job has said how it went."""
    _tab(page, "文档库")
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.locator("#upload-button").click()
    page.locator("#library-message", has_text=path.name).wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "() => !/排队中|正在进行/.test(document.querySelector('#library-message').innerText)", timeout=WAIT_MS
    )


def test_uploaded_file_becomes_searchable(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "qingshan.txt"
    report.write_text(
        "青山乡教育简报\n2025-07-01\n青山乡为全乡留守儿童建立成长档案1260份，每月开展一次心理健康辅导活动，覆盖全部村小和教学点。\n",
        encoding="utf-8",
    )
    _upload_in(page, report)
    assert "已加入 qingshan.txt" in page.locator("#library-message").inner_text()
    assert "青山乡教育简报" in page.locator("#library-table").inner_text()
    page.screenshot(path=str(tmp_path / "library.png"), full_page=True)
    _tab(page, "检索")
    page.locator("#query textarea, #query input").first.fill("留守儿童成长档案")
    page.locator("#search-button").click()
    page.locator(".rag-hit").first.wait_for(timeout=WAIT_MS)
    assert "青山乡教育简报" in page.locator(".rag-hit").first.inner_text()


def _search_within(page, query: str, file_name: str) -> None:  # type: ignore[no-untyped-def]
    """Search `query` in the 检索 tab, limited by the document filter to `file_name`'s document."""
    _tab(page, "检索")
    page.locator("#query textarea, #query input").first.fill(query)
    page.locator("#doc-filter input").click()
    page.locator("#doc-filter li[role=option]", has_text=file_name).click()
    page.keyboard.press("Escape")
    page.locator("#search-button").click()
    page.locator(".rag-hit").first.wait_for(timeout=WAIT_MS)


def test_a_page_loaded_after_another_pages_upload_and_delete_shows_the_library_as_it_is(browser, ui_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url, _ = ui_server
    kept, deleted = tmp_path / "hongqiao.txt", tmp_path / "lushan.txt"
    kept.write_text("红桥镇教育简报\n2025-08-01\n红桥镇为全镇初中配备心理辅导室9间，每周开放不少于20小时。\n", encoding="utf-8")
    deleted.write_text("芦山乡教育简报\n2025-08-02\n芦山乡建成乡村少年宫4所，每周末开设书法和篮球课程。\n", encoding="utf-8")
    first = browser.new_page(viewport={"width": 1280, "height": 1200})
    first.goto(url)
    # Loaded before the changes: the other page's view is refreshed only on its next load.
    second = browser.new_page(viewport={"width": 1280, "height": 1200})
    second.goto(url)
    _upload_in(first, kept)
    _upload_in(first, deleted)
    first.on("dialog", lambda dialog: dialog.accept())
    first.locator("#delete-choice input").click()
    first.locator("li[role=option]", has_text="lushan.txt").click()
    first.locator("#delete-button").click()
    first.locator("#library-message", has_text="已删除 1 篇文档").wait_for(timeout=WAIT_MS)
    second.reload()
    _tab(second, "文档库")
    second.locator("#library-table", has_text="红桥镇教育简报").wait_for(timeout=WAIT_MS)
    assert "芦山乡教育简报" not in second.locator("#library-table").inner_text()
    second.locator("#delete-choice input").click()
    offered = second.locator("#delete-choice li[role=option]").all_inner_texts()
    assert any("hongqiao.txt" in o for o in offered) and not any("lushan.txt" in o for o in offered)
    second.keyboard.press("Escape")
    # The document filter takes the new document, and the search stays inside it.
    _search_within(second, "心理辅导室", "hongqiao.txt")
    assert all("红桥镇教育简报" in hit for hit in second.locator(".rag-hit").all_inner_texts())
    assert second.locator(".toast-body, .error").count() == 0
    second.screenshot(path=str(tmp_path / "fresh-page.png"), full_page=True)
    first.close()
    second.close()


def test_unsupported_upload_is_refused_with_a_message(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    _upload_in(page, bad)
    assert "未加入 notes.txt" in page.locator("#library-message").inner_text()


def test_markup_inside_a_document_is_shown_as_text_not_run(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _search_within(page, "西湾县 脚本演示课 网页安全 模板写法", "xiwan.txt")
    shown = "\n".join(page.locator(".rag-hit").all_inner_texts())
    assert "<script>window.__pwned = 1</script>" in shown
    assert '<img src=x onerror="window.__pwned = 2">' in shown
    assert "${7*7}" in shown and "{{7*7}}" in shown
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".rag-hit script, .rag-hit img").count() == 0
    page.screenshot(path=str(tmp_path / "markup.png"), full_page=True)


@pytest.fixture(scope="module")
def llm_app_url(ui_server, llm_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The same index served by an app whose answers a real local LLM writes."""
    from rag.engine import Engine
    from ui.app import launch

    _, engine = ui_server
    settings = engine.settings.with_overrides(llm_base_url=llm_server, llm_timeout=60)
    app, url = launch(Engine(engine.index, engine.embedder, settings), "127.0.0.1", free_port())
    yield url
    app.close()


def test_with_an_llm_the_answer_streams_and_then_shows_the_checked_answer(browser, llm_app_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    page.goto(llm_app_url)
    page.locator("#question textarea").wait_for(timeout=WAIT_MS)
    page.evaluate(
        """() => {
            window.__drafts = new Set();
            new MutationObserver(() => {
                const draft = document.querySelector('#answer .rag-draft');
                if (draft) window.__drafts.add(draft.textContent);
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    page.locator("#question textarea").fill("南岭县职业中专与多少家企业签订了订单培养协议？")
    page.locator("#question textarea").press("Enter")
    page.locator("#answer .rag-answer").wait_for(timeout=LLM_WAIT_MS)
    assert page.evaluate("window.__drafts.size") >= 2  # the draft grew while the LLM wrote
    assert page.locator("#answer .rag-draft").count() == 0
    assert page.locator("#answer").inner_text().strip()
    page.screenshot(path=str(tmp_path / "ask-llm.png"), full_page=True)
    page.close()
