"""A short run of benchmarks/load.py against a fresh app while an upload is indexed: no
request fails, and every response is either the result before the upload or the one after."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_SETTINGS, free_port, load_benchmark, open_fresh_engine, write_corpus

USERS = 5
SECONDS = 10.0
UPLOAD_AFTER_S = 2.0

# A made-up report that shares words with the queries below (订单培养, 实训基地, 教师培训, 公办学位).
XILING_REPORT = """西岭镇职业教育简报
2025-08-01
一、订单培养
西岭镇职业学校与27家企业开展订单培养，开设无人机应用、冷链物流等5个新专业，毕业生留镇就业率达到76%。
二、实训基地
全镇建成共享实训基地9个，其中农机维修实训基地由镇政府和企业共同投入380万元建设。
三、教师培训
西岭镇每年组织职业学校教师到企业实践不少于30天，教师培训经费按生均200元列入预算。
四、学位供给
镇中心学校改扩建后新增公办学位1500个，寄宿生全部实现一人一床。
"""
QUESTIONS = [
    "北川市新增了多少公办学位？",
    "南岭县毕业生本地就业率是多少？",
    "东海区教育云平台接入了多少所学校？",
    "西岭镇建成了多少个共享实训基地？",
]
QUERIES = ["订单培养 企业", "实训基地 建设", "教师培训 经费", "公办学位", "同步课堂 联合教研"]


load = load_benchmark("load")


@pytest.fixture()
def load_app(tmp_path: Path, model_cache: Path, embedder) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    """An app of its own over the small corpus (uploads change its library); yields (url, engine)."""
    from rag.settings import Settings
    from ui.app import launch

    corpus = write_corpus(tmp_path / "corpus")
    settings = Settings(corpus=(corpus,), index_dir=tmp_path / "index", model_cache=model_cache, **SMALL_SETTINGS)
    engine = open_fresh_engine(settings, embedder)
    app, url = launch(engine, "127.0.0.1", free_port())
    yield url, engine
    app.close()


def test_concurrent_users_see_the_library_before_or_after_an_upload(load_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, engine = load_app
    items = load.plan(QUESTIONS, QUERIES)
    before = load.results(url, items)
    report_file = tmp_path / "incoming" / "xiling.txt"
    report_file.parent.mkdir()
    report_file.write_text(XILING_REPORT, encoding="utf-8")

    upload: dict[str, Any] = {}

    def add_upload() -> None:
        time.sleep(UPLOAD_AFTER_S)
        upload["start"] = time.perf_counter()
        try:
            upload["change"] = engine.librarian.add_files([report_file])
        finally:
            upload["end"] = time.perf_counter()

    uploader = threading.Thread(target=add_upload)
    uploader.start()
    report = load.run_load(url, USERS, SECONDS, questions=QUESTIONS, queries=QUERIES, warmup=False)
    uploader.join()
    after = load.results(url, items)

    # The upload was indexed while the users were busy, and it changed some results.
    assert upload["change"].added == (("xiling.txt", ("西岭镇职业教育简报",)),)
    upload_start, upload_end = upload["start"] - report.started, upload["end"] - report.started
    assert 0 < upload_start < upload_end < SECONDS
    changed = {item for item in items if before[item] != after[item]}
    _, citations = after[("ask", QUESTIONS[3])]
    assert any(doc_id == "xiling" for doc_id, _, _ in citations)
    assert any(chunk_id.startswith("xiling#") for chunk_id in after[("search", "实训基地 建设")])
    assert changed

    # No request failed, and each got the result of the library before or after the upload:
    # before it when it finished before the upload began, after it when it began after it ended.
    assert report.errors == [], [f"{r.endpoint} {r.query}: {r.error}" for r in report.errors[:5]]
    assert len(report.requests) >= 50
    for r in report.requests:
        item = (r.endpoint, r.query)
        assert r.result in (before[item], after[item]), f"{item} at {r.start:.2f} s matched neither: {r.result}"
        if r.end < upload_start:
            assert r.result == before[item], f"{item} finished before the upload began but saw it"
        if r.start > upload_end:
            assert r.result == after[item], f"{item} began after the upload was indexed but missed it"
    late = [r for r in report.requests if r.start > upload_end and (r.endpoint, r.query) in changed]
    assert late, "no request saw the library after the upload"
