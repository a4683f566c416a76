"""Concurrent users against the app's HTTP API: throughput, latency and errors under load.

Each simulated user is a thread that loops until the time is up, alternating a question
(`/ask`) and a search (`/search`) about the sample corpus's topics, and optionally pauses
between requests (think time; 0 means a closed loop). A request is timed from sending it
until its result has arrived. The report gives, per endpoint and overall, the requests,
throughput (requests completed / wall time until the last one finished), p50/p95/p99
latency and the errors (count and the first messages). It also checks that every repeat
of the same question or query got the same result, since nothing changes the library
during a run.

Client: plain HTTP with httpx, one `httpx.Client` (its own connection) per user, through
Gradio's queue like the page itself: `POST {url}gradio_api/call/{endpoint}` with
`{"data": [...]}` returns an event id, then `GET {url}gradio_api/call/{endpoint}/{event_id}`
streams server-sent events until `complete` (the result) or `error`. This is lighter than
gradio_client, which downloads the API description and runs a thread pool per client.

Bounded and local only: the app must be on a loopback address (127.0.0.1, localhost, ::1),
users are capped at 200 and the duration at 600 s. Without `--url` the script starts
`rag serve` on a free port over the default index (RAG_INDEX_DIR, RAG_MODEL_CACHE) and
stops it at the end. The questions repeat, so after its first use a query's vector comes
from the embedder's cache: the figures measure the queue, retrieval and answering, not
query embedding.

Usage: .venv/bin/python benchmarks/load.py [--users 20] [--seconds 60] [--think 0] [--url http://127.0.0.1:7860/] [--json]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
from serving import served_app

log = logging.getLogger("load")

MAX_USERS = 200
MAX_SECONDS = 600.0
LOOPBACK_NAMES = {"localhost"}
ERRORS_SHOWN = 5

# Written for the sample corpus in docs/corpus (city reviews, the 2024 national conference
# speeches, Haixi, Qinghai's vocational measures, the reform meeting reports).
QUESTIONS = [
    "海西州与多少家企业签订了校企合作协议？",
    "张掖中学零碳校园每年能节约多少电？",
    "青海省怎样推进职教高考制度改革？",
    "北京如何构建全学段全链条的人才培养体系？",
    "广西怎样打造面向东盟的职业教育开放合作高地？",
    "宁夏如何用好国家智慧教育平台？",
    "遵义市“十四五”以来教育事业取得了哪些成绩？",
    "乌海市怎样加强教师队伍建设？",
    "禹城市职业教育中心和哪所学校开展贯通培养试点？",
    "海西州每年培训多少期科学学科骨干教师？",
]
QUERIES = [
    "产教融合 校企合作",
    "骨干教师 培训",
    "教育数字化转型 智慧教育",
    "职业教育 专业设置 调整",
    "学前教育 普惠",
    "大思政课 建设",
    "乡村教师 支教",
    "高职 分类考试招生",
    "高中 集团化办学",
    "实训基地 建设",
]


# ----------------------------------------------------------------------------------------
# One request
# ----------------------------------------------------------------------------------------


class ApiError(RuntimeError):
    """The app answered a request with an error (or not at all)."""


def call(client: httpx.Client, url: str, endpoint: str, data: Sequence[Any], limit: float = 60.0) -> Any:
    """Call a named API endpoint through the queue and return its (first) output; give up
    after `limit` seconds (the queue's heartbeats keep a waiting stream open)."""
    given_up = time.perf_counter() + limit
    base = f"{url.rstrip('/')}/gradio_api/call/{endpoint}"
    posted = client.post(base, json={"data": list(data)})
    if posted.status_code != 200:
        raise ApiError(f"POST {endpoint}: HTTP {posted.status_code} {posted.text[:200]}")
    event_id = posted.json()["event_id"]
    with client.stream("GET", f"{base}/{event_id}") as stream:
        if stream.status_code != 200:
            raise ApiError(f"GET {endpoint}: HTTP {stream.status_code}")
        for event, payload in _events(stream.iter_lines()):
            if event == "complete":
                outputs = json.loads(payload)
                if not isinstance(outputs, list) or not outputs:
                    raise ApiError(f"{endpoint}: unexpected result {payload[:200]}")
                return outputs[0]
            if event == "error":
                raise ApiError(f"{endpoint}: error event {payload[:200]}")
            if time.perf_counter() > given_up:
                raise ApiError(f"{endpoint}: no result after {limit:g} s")
    raise ApiError(f"{endpoint}: the stream ended without a result")


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream."""
    event = ""
    data: list[str] = []
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and (event or data):
            yield event, "\n".join(data)
            event, data = "", []
    if event or data:
        yield event, "\n".join(data)


def request_data(endpoint: str, text: str, k: int = 10) -> list[Any]:
    """Every argument of the endpoint, in order (raw HTTP calls get no defaults): the text,
    then for search `k`, and no document filter (doc_ids, year, issuer, kind, doc_number)."""
    no_filter = [None] * 5
    return [text, *no_filter] if endpoint == "ask" else [text, k, *no_filter]


def summary(endpoint: str, output: Any) -> tuple[Any, ...]:
    """What identifies a result: the ordered chunk ids of a search; the text and the
    (doc_id, start, end) of each citation of an answer."""
    if endpoint == "search":
        return tuple(hit["chunk_id"] for hit in output["hits"])
    return (output["answer"], tuple((c["doc_id"], c["start"], c["end"]) for c in output["citations"]))


def results(url: str, items: Sequence[tuple[str, str]], k: int = 10) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The summary of each (endpoint, text) item, one call at a time (for baselines)."""
    with httpx.Client(timeout=60) as client:
        return {(e, t): summary(e, call(client, url, e, request_data(e, t, k))) for e, t in items}


# ----------------------------------------------------------------------------------------
# The load
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request of one user. `start` is seconds after the run started; `result` is
    `summary()` of the output (None on error)."""

    user: int
    endpoint: str
    query: str
    start: float
    seconds: float
    ok: bool
    result: tuple[Any, ...] | None = None
    error: str | None = None

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True)
class Stats:
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    first_errors: list[str]


@dataclass
class LoadReport:
    url: str
    users: int
    seconds: float
    think: float
    started: float  # time.perf_counter() when the users started
    elapsed: float = 0.0  # wall seconds until the last request finished
    client_cpu: float = 0.0  # CPU seconds this process (the simulated users) used meanwhile
    requests: list[Request] = field(default_factory=list)

    @property
    def errors(self) -> list[Request]:
        return [r for r in self.requests if not r.ok]

    def stats(self, endpoint: str | None = None) -> Stats:
        chosen = [r for r in self.requests if endpoint in (None, r.endpoint)]
        latencies = [r.seconds * 1000 for r in chosen]
        p50, p95, p99, most = np.percentile(latencies, [50, 95, 99, 100]).tolist() if latencies else [0.0] * 4
        failed = [r for r in chosen if not r.ok]
        return Stats(
            requests=len(chosen),
            errors=len(failed),
            throughput=len(chosen) / self.elapsed if self.elapsed else 0.0,
            p50_ms=p50,
            p95_ms=p95,
            p99_ms=p99,
            max_ms=most,
            first_errors=[f"{r.endpoint} {r.query!r}: {r.error}" for r in failed[:ERRORS_SHOWN]],
        )

    def inconsistent(self) -> dict[str, int]:
        """Queries ("endpoint text") that got more than one distinct result, with how many."""
        seen: dict[str, set[tuple[Any, ...]]] = {}
        for r in self.requests:
            if r.ok and r.result is not None:
                seen.setdefault(f"{r.endpoint} {r.query}", set()).add(r.result)
        return {key: len(found) for key, found in seen.items() if len(found) > 1}

    def figures(self) -> dict[str, Any]:
        endpoints = sorted({r.endpoint for r in self.requests})
        return {
            "url": self.url,
            "users": self.users,
            "seconds": self.seconds,
            "think": self.think,
            "elapsed": round(self.elapsed, 2),
            "client_cpu_s": round(self.client_cpu, 2),
            "endpoints": {**{name: _rounded(self.stats(name)) for name in endpoints}, "all": _rounded(self.stats())},
            "inconsistent": self.inconsistent(),
        }


def _rounded(stats: Stats) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(stats).items()}


def check_local(url: str) -> None:
    """Raise ValueError unless `url` is an http(s) URL on a loopback address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host in LOOPBACK_NAMES or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback:
        raise ValueError(f"refusing {url!r}: only an app on this machine (127.0.0.1, localhost or ::1) may be loaded")


def plan(questions: Sequence[str], queries: Sequence[str]) -> list[tuple[str, str]]:
    """Questions and searches interleaved: ask, search, ask, search, ..."""
    asks = [("ask", q) for q in questions]
    searches = [("search", q) for q in queries]
    mixed = [item for pair in zip(asks, searches, strict=False) for item in pair]
    longer = asks if len(asks) > len(searches) else searches
    return mixed + longer[min(len(asks), len(searches)) :]


def run_load(
    url: str,
    users: int = 20,
    seconds: float = 60.0,
    think: float = 0.0,
    questions: Sequence[str] = QUESTIONS,
    queries: Sequence[str] = QUERIES,
    k: int = 10,
    timeout: float = 60.0,
    warmup: bool = True,
    seed: int = 0,
) -> LoadReport:
    """Run `users` simulated users against the app at `url` for `seconds`.

    User u starts at item u of the interleaved questions and queries and walks through
    them in turn. After each response it pauses `think` seconds on average (uniform in
    0.5-1.5 times `think`, seeded). Requests still running at the deadline are waited
    for and counted."""
    check_local(url)
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"users must be 1 to {MAX_USERS}, not {users}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be over 0 and at most {MAX_SECONDS:.0f}, not {seconds}")
    if think < 0:
        raise ValueError(f"think time must be 0 or more, not {think}")
    items = plan(questions, queries)
    if not items:
        raise ValueError("no questions or queries")
    if warmup:
        results(url, [next(i for i in items if i[0] == e) for e in {e for e, _ in items}], k)

    records: list[Request] = []
    lock = threading.Lock()
    start_line = threading.Barrier(users + 1)
    report = LoadReport(url=url, users=users, seconds=seconds, think=think, started=0.0)

    def user(n: int) -> None:
        pick = random.Random(seed * 1000 + n)
        position = n % len(items)
        with httpx.Client(timeout=timeout) as client:
            start_line.wait()
            started = report.started
            deadline = started + seconds
            while (now := time.perf_counter()) < deadline:
                endpoint, text = items[position]
                position = (position + 1) % len(items)
                try:
                    output = call(client, url, endpoint, request_data(endpoint, text, k), timeout)
                    result, error = summary(endpoint, output), None
                except (ApiError, httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                    result, error = None, f"{type(exc).__name__}: {exc}"
                done = time.perf_counter()
                record = Request(n, endpoint, text, now - started, done - now, error is None, result, error)
                with lock:
                    records.append(record)
                if think:
                    time.sleep(max(0.0, min(think * pick.uniform(0.5, 1.5), deadline - time.perf_counter())))

    threads = [threading.Thread(target=user, args=(n,), name=f"user-{n}", daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    report.started = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    report.elapsed = time.perf_counter() - report.started
    report.client_cpu = time.process_time() - cpu
    report.requests = sorted(records, key=lambda r: r.start)
    return report


# ----------------------------------------------------------------------------------------
# Running it
# ----------------------------------------------------------------------------------------


def print_table(report: LoadReport) -> None:
    figures = report.figures()
    print(
        f"{report.users} users, {report.seconds:g} s, think {report.think:g} s, "
        f"{report.elapsed:.1f} s until the last response, {report.client_cpu:.1f} s of client CPU ({report.url})"
    )
    print(f"{'endpoint':<9}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, s in figures["endpoints"].items():
        print(
            f"{name:<9}{s['requests']:>9}{s['errors']:>8}{s['throughput']:>8.1f}"
            f"{s['p50_ms']:>9.0f}{s['p95_ms']:>9.0f}{s['p99_ms']:>9.0f}{s['max_ms']:>9.0f}"
        )
    for message in figures["endpoints"]["all"]["first_errors"]:
        print(f"error: {message}")
    for key, count in figures["inconsistent"].items():
        print(f"inconsistent: {key!r} got {count} different results")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help=f"simulated users (1-{MAX_USERS})")
    parser.add_argument("--seconds", type=float, default=60.0, help=f"duration (at most {MAX_SECONDS:.0f})")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause after each response, seconds (0: closed loop)")
    parser.add_argument("--url", help="a running app on this machine (default: start `rag serve` on a free port)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one request may take")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.url:
            check_local(args.url)
        if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS or args.think < 0:
            raise ValueError(f"users must be 1-{MAX_USERS}, seconds over 0 and at most {MAX_SECONDS:.0f}, think 0 or more")
    except ValueError as exc:
        raise SystemExit(f"load: {exc}") from None

    def run(url: str) -> LoadReport:
        log.info("%d users for %g s (think %g s) against %s", args.users, args.seconds, args.think, url)
        try:
            return run_load(url, args.users, args.seconds, args.think, timeout=args.timeout)
        except (ApiError, httpx.HTTPError) as exc:  # from the warm-up: the app is not there
            raise SystemExit(f"load: the app at {url} did not answer: {exc}") from None

    if args.url:
        report = run(args.url)
    else:
        with served_app() as served:
            url = served.url
            report = run(url)
    if args.json:
        print(json.dumps(report.figures(), ensure_ascii=False))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
