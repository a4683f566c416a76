"""Hostile input: every case of the safety issue, run against the real CLI and a real server,
printed as a table (case, outcome, peak memory, time).

- `rag index` in a fresh process on one file each: a one-line text file (the baseline), a DOCX
  that unpacks to `--bomb-mb` MB, a PDF whose one content stream inflates to as much, and a PDF
  of 4 pages whose streams each stay under pypdf's bound; peak memory is the process's own
  (`wait4`). The bar: each bomb within 200 MB of the baseline.
- `rag serve` with a reader login and a librarian login, called over raw HTTP as a script
  that skips the page would: malformed API inputs, k out of range, change events without the
  librarian login, the queue's control routes without a login, wrong passwords, dot-named and
  bomb uploads, the answer download. Peak memory is the server's high-water mark (VmHWM) after
  the case.

Usage: .venv/bin/python benchmarks/hostile.py [--bomb-mb 1024]
"""

from __future__ import annotations

import argparse
import html as html_text
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from serving import served_app

log = logging.getLogger("hostile")

READER = ("reader", "read-only-pass")
LIBRARIAN = ("librarian", "c0rrect-horse")
# One short report per file: enough for every search and answer to find something.
CORPUS = {
    "xichuan.txt": "西川县教育简报\n2025年，西川县新建改扩建学校12所，新增公办学位8600个，培训教师3200人次。",
    "dongshan.txt": "东山区职业教育报告\n东山区建成产教融合实训基地5个，开设订单班40个，毕业生就业率达到96%。",
}
ROW = "{:<58} {:<60} {:>8} {:>8}"


@dataclass
class Case:
    case: str
    outcome: str
    peak_mb: float
    seconds: float
    passed: bool


def docx_bomb(path: Path, unpacked_mb: int) -> Path:
    """A real DOCX whose document.xml is padded with `unpacked_mb` MB of blanks (packs ~1000x)."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("西川县教育简报")
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "word/document.xml":
                bomb.writestr(item, data)
                continue
            with bomb.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(data.replace(b"</w:body>", b""))
                for _ in range(unpacked_mb):
                    member.write(b" " * 2**20)
                member.write(b"</w:body></w:document>")
    return path


def pdf_bomb(path: Path, stream_mb: int, pages: int = 1) -> Path:
    """A PDF of `pages` pages, each with a content stream that inflates to `stream_mb` MB."""
    packer = zlib.compressobj(9)
    packed = [packer.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n")]
    packed += [packer.compress(b" " * 2**20) for _ in range(stream_mb)]
    content = b"".join([*packed, packer.flush()])
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    font = 3 + 2 * pages
    for i in range(pages):
        page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
        objects += [page.encode(), b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def bombs(folder: Path, bomb_mb: int) -> dict[str, Path]:
    """The hostile files of this suite, by case name."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        f"DOCX unpacking to {bomb_mb} MB": docx_bomb(folder / "zip-bomb.docx", bomb_mb),
        f"PDF stream inflating to {bomb_mb} MB": pdf_bomb(folder / "stream-bomb.pdf", bomb_mb),
        "PDF of 4 streams of 60 MB": pdf_bomb(folder / "many-streams.pdf", 60, pages=4),
    }


def index_one(file: Path, work: Path) -> tuple[str, float, float, int]:
    """`rag index` over a corpus of `file` alone, in a fresh process: its last line, peak MB, seconds, exit code."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    (corpus / file.name).write_bytes(file.read_bytes())
    env = {**os.environ, "RAG_CORPUS": str(corpus), "RAG_INDEX_DIR": str(work / "index")}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as output:
        child = subprocess.Popen([sys.executable, "-m", "rag", "index"], env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        output.seek(0)
        lines = [line.strip().replace(str(corpus) + os.sep, "") for line in output if line.strip()]
    named = [line for line in lines if file.name in line] or lines[-1:]
    return named[-1].removeprefix("rag: "), usage.ru_maxrss / 1024, seconds, os.waitstatus_to_exitcode(status)


def index_cases(work: Path, bomb_mb: int) -> list[Case]:
    line = work / "files" / "one-line.txt"
    line.parent.mkdir(parents=True)
    line.write_text("西川县新建改扩建学校12所。\n", encoding="utf-8")
    outcome, baseline, seconds, _ = index_one(line, work / "baseline")
    cases = [Case("rag index: one-line text file (baseline)", outcome, baseline, seconds, True)]
    for n, (name, bomb) in enumerate(bombs(work / "files", bomb_mb).items()):
        outcome, peak, seconds, _ = index_one(bomb, work / f"bomb{n}")
        cases.append(Case(f"rag index: {name}", outcome, peak, seconds, "refused" in outcome and peak - baseline <= 200))
    return cases


class Server:
    """A logged-in HTTP session with `rag serve`, and its pid for its memory."""

    def __init__(self, url: str, pid: int) -> None:
        self.url, self.pid = url, pid
        self.http = httpx.Client(base_url=url, timeout=120)
        self.http.post("login", data={"username": READER[0], "password": READER[1]}).raise_for_status()
        config = self.http.get("config").json()
        self.events = {d["api_name"]: d["id"] for d in config["dependencies"]}
        self.arity = {d["api_name"]: len(d["inputs"]) for d in config["dependencies"]}
        # One page session for every event: the page's job list is kept in it, on the server.
        self.session = uuid.uuid4().hex

    def peak_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024

    def api(self, name: str, data: list[Any]) -> tuple[bool, Any]:
        """An API endpoint called as `/gradio_api/call` is: (succeeded, result or error message).
        The optional filters left out are sent as null; JSON escapes a lone surrogate."""
        body = json.dumps({"data": [*data, *[None] * (self.arity[name] - len(data))]})
        headers = {"content-type": "application/json"}
        event = self.http.post(f"gradio_api/call/{name}", content=body, headers=headers).json()["event_id"]
        kind, payload = "", None
        for line in self.http.get(f"gradio_api/call/{name}/{event}").text.splitlines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                payload = json.loads(line[5:])
        return kind == "complete", payload[0] if kind == "complete" else payload

    def event(self, handler: str, data: list[Any]) -> list[Any]:
        """A page event called over the queue, as the page calls it."""
        body = {"data": data, "fn_index": self.events[handler], "session_hash": self.session, "event_data": None, "trigger_id": None}
        self.http.post("gradio_api/queue/join", json=body).raise_for_status()
        with self.http.stream("GET", "gradio_api/queue/data", params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed":
                    output = message["output"]
                    return list(output.get("data") or [output.get("error") or output])
        raise RuntimeError(f"{handler}: no result")

    def upload(self, name: str, data: bytes) -> dict[str, Any]:
        response = self.http.post("gradio_api/upload", files=[("files", (name, data, "application/octet-stream"))])
        response.raise_for_status()
        return {"path": response.json()[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def documents(self) -> set[str]:
        return {d["doc_id"] for d in self.api("documents", [])[1]}

    def settle(self, timeout: float = 300) -> str:
        """Wait until this page's library jobs have ended; return what they did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = _text(self.event("on_tick", [[], []])[0], first=True)
            if "排队中" not in text and "正在" not in text:
                return text
            time.sleep(0.5)
        raise RuntimeError("library jobs did not end")


def _one_line(message: Any) -> str:
    """The error message of an API call, or a note that it is empty or not one line."""
    text = str(message.get("error") if isinstance(message, dict) else message)
    return text if text.strip() and "\n" not in text.strip() else f"(not one line: {text[:40]!r})"


def server_cases(server: Server, files: dict[str, Path]) -> list[Case]:
    cases: list[Case] = []

    def run(case: str, check: Callable[[], tuple[str, bool]]) -> None:
        started = time.perf_counter()
        outcome, passed = check()
        cases.append(Case(case, outcome[:60], server.peak_mb(), time.perf_counter() - started, passed))

    def refused(name: str, data: list[Any]) -> Callable[[], tuple[str, bool]]:
        def check() -> tuple[str, bool]:
            ok, message = server.api(name, data)
            line = _one_line(message)
            return line, not ok and not line.startswith("(not one line") and line != "None"

        return check

    texts: dict[str, Any] = {"a number": 123, "a list": ["教育"], "a dict": {"q": "教育"}, "null": None, "a bool": True}
    for label, value in texts.items():
        run(f"search: text is {label}", refused("search", [value, 5, None]))
        run(f"ask: question is {label}", refused("ask", [value, None, None, None, None, None]))
        run(f"similar: passage is {label}", refused("similar", [value, 5]))
        run(f"quote: text is {label}", refused("quote", [value, 5]))
    for label, k in {'"abc"': "abc", "null": None, "a list": [3], "0": 0, "-1": -1, "10**9": 10**9, "2.5": 2.5}.items():
        run(f"search: k = {label}", refused("search", ["教育", k, None]))
        run(f"similar: k = {label}", refused("similar", ["新建改扩建学校", k]))
        run(f"quote: k = {label}", refused("quote", ["新增公办学位", k]))
    for label, doc_ids in {"a number": 5, "a bool": True, "a nested list": [["xichuan"]], "one string": "xichuan"}.items():
        run(f"search: doc_ids is {label}", refused("search", ["教育", 5, doc_ids]))

    def surrogate() -> tuple[str, bool]:
        ok, result = server.api("search", ["\ud800学校", 3, None])
        return (f"{len(result['hits'])} hits, query {result['query']!r}", ok and "\ud800" not in result["query"])

    run("search: text with a lone surrogate", surrogate)
    for name, data in {"search": ["学校 教师 就业", 1, None], "similar": ["新建改扩建学校12所", 1], "quote": ["学校", 1]}.items():

        def at_most_k(name: str = name, data: list[Any] = data) -> tuple[str, bool]:
            ok, result = server.api(name, data)
            found = result["hits"] if name != "quote" else result["matches"]
            return f"{len(found)} result(s) for k=1", ok and len(found) <= 1

        run(f"{name}: never more than k results", at_most_k)

    before = server.documents()
    changes = {
        "on_upload": [[server.upload("新文件.txt", "南河镇教育简报\n南河镇新建幼儿园3所。".encode())], []],
        "on_delete": [min(before), []],
        "on_rebuild": [[]],
    }
    for handler, data in changes.items():
        for login, label in ((("", ""), "no login"), ((LIBRARIAN[0], "wrong"), "a wrong password")):

            def unchanged(handler: str = handler, data: list[Any] = data, login: tuple[str, str] = login) -> tuple[str, bool]:
                message = _text(server.event(handler, [*data, *login])[0])
                time.sleep(0.5)
                return message, "管理员登录" in message and server.documents() == before

            run(f"page event {handler} with {label}, raw HTTP", unchanged)
    for route in ("cancel", "reset", "stream/x/close"):

        def closed(route: str = route) -> tuple[str, bool]:
            status = httpx.post(f"{server.url}gradio_api/{route}", json={"session_hash": "x", "fn_index": 0, "event_id": "x"})
            return f"HTTP {status.status_code} without a login", status.status_code == 401

        run(f"queue route /{route} without a login", closed)

    def guessing() -> tuple[str, bool]:
        started = time.perf_counter()
        for _ in range(6):
            httpx.post(f"{server.url}login", data={"username": READER[0], "password": "guess"})
        guessed = time.perf_counter() - started
        right = httpx.post(f"{server.url}login", data={"username": READER[0], "password": READER[1]})
        return f"6 wrong passwords took {guessed:.1f} s; right: {right.status_code}", guessed > 3 and right.status_code == 200

    run("login: 6 wrong passwords, then the right one", guessing)

    def change_with_login(handler: str, data: list[Any], expect: str) -> Callable[[], tuple[str, bool]]:
        def check() -> tuple[str, bool]:
            server.event(handler, [*data, *LIBRARIAN])
            done = server.settle()
            return done, expect in done

        return check

    for name, file in files.items():
        run(f"upload (librarian): {name}", change_with_login("on_upload", [[server.upload(file.name, file.read_bytes())], []], "refused"))
    run("upload (librarian): .notes.txt", change_with_login("on_upload", [[server.upload(".notes.txt", "北河镇教育简报\n北河镇新建小学2所。".encode())], []], "notes.txt"))

    def download() -> tuple[str, bool]:
        output = server.event("on_ask", ["西川县新增多少公办学位？", None, None, None])
        value = output[3].get("value") if isinstance(output[3], dict) else None
        path = Path(value["path"] if isinstance(value, dict) else str(value))
        data_dir = Path(os.environ["RAG_DATA_DIR"]).resolve()
        return f"answer file in {path.parent.name}/", path.resolve().is_relative_to(data_dir)

    run("ask: the Markdown download stays in the data directory", download)
    return cases


def _text(html: Any, first: bool = False) -> str:
    """A status message's text without its HTML (`first`: its first line: the newest job's)."""
    lines = [html_text.unescape(re.sub(r"<[^>]+>", "", line)).strip() for line in str(html).split("</p>")]
    lines = [line for line in lines if line]
    return (lines[:1] if first else lines) and (lines[0] if first else " ".join(lines)) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mb", type=int, default=1024, help="how far the DOCX and the PDF stream unpack (MB)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = index_cases(work / "index-runs", args.bomb_mb)
        corpus = work / "corpus"
        corpus.mkdir()
        for name, text in CORPUS.items():
            (corpus / name).write_text(text, encoding="utf-8")
        env = {
            "RAG_CORPUS": str(corpus),
            "RAG_INDEX_DIR": str(work / "index"),
            "RAG_DATA_DIR": str(work / "data"),
            "RAG_AUTH": ":".join(READER),
            "RAG_ADMIN_AUTH": ":".join(LIBRARIAN),
        }
        os.environ.update(env)  # the settings of the server, and of `rag index` building its index
        subprocess.run([sys.executable, "-m", "rag", "index"], check=True, capture_output=True)
        with served_app() as served:
            cases += server_cases(Server(served.url, served.pid), bombs(work / "files", args.bomb_mb))
    print(ROW.format("case", "outcome", "peak MB", "seconds"))
    for c in cases:
        print(ROW.format(("" if c.passed else "FAIL ") + c.case, c.outcome[:60], f"{c.peak_mb:.0f}", f"{c.seconds:.2f}"))
    failed = [c.case for c in cases if not c.passed]
    log.info("%d cases, %d as expected%s", len(cases), len(cases) - len(failed), f"; FAILED: {failed}" if failed else "")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
