"""Background library jobs (rag.library.jobs): each job reports its progress and outcome,
the user's mistakes become the job's message, and jobs run one at a time, in order."""

from __future__ import annotations

import threading

import pytest

from rag.index import IndexProgress, Progress
from rag.library.jobs import JobQueue

pytestmark = pytest.mark.fast

WAIT = 30  # seconds: far longer than any job here takes


def test_a_job_reports_progress_and_its_result() -> None:
    jobs: JobQueue[str] = JobQueue()
    seen: list[IndexProgress | None] = []
    step = IndexProgress("embedding", 1, 1, 5, 10, None)

    def work(progress: Progress) -> str:
        progress(step)
        seen.append(job.progress)
        return "indexed"

    job = jobs.submit("upload", "a.txt", work)
    assert job.wait(WAIT).finished
    assert (job.state, job.result, job.error, seen) == ("done", "indexed", None, [step])
    assert jobs.get(job.id) is job and jobs.get("nope") is None


def test_a_users_mistake_becomes_the_jobs_message() -> None:
    jobs: JobQueue[str] = JobQueue(errors=(KeyError, ValueError))

    def missing(progress: Progress) -> str:
        raise KeyError("no document with id 'x' in the library")

    def refused(progress: Progress) -> str:
        raise ValueError("a.txt: the same content is already in the library")

    first, second = jobs.submit("delete", "x", missing), jobs.submit("upload", "a.txt", refused)
    assert first.wait(WAIT).state == "failed" and first.error == "no document with id 'x' in the library"  # not its repr
    assert second.wait(WAIT).error == "a.txt: the same content is already in the library"


def test_an_unexpected_error_is_reported_briefly_and_the_queue_goes_on() -> None:
    jobs: JobQueue[str] = JobQueue(errors=(KeyError,))

    def broken(progress: Progress) -> str:
        raise RuntimeError("disk on fire")

    failed = jobs.submit("rebuild", "", broken)
    after = jobs.submit("rebuild", "", lambda progress: "ok")
    assert failed.wait(WAIT).error == "RuntimeError: disk on fire" and failed.state == "failed"
    assert after.wait(WAIT).result == "ok"


def test_jobs_run_one_at_a_time_in_the_order_submitted() -> None:
    jobs: JobQueue[int] = JobQueue()
    release = threading.Event()
    running: list[int] = []
    overlapped: list[bool] = []

    def work(n: int):  # type: ignore[no-untyped-def]
        def run(progress: Progress) -> int:
            overlapped.append(bool(running))
            running.append(n)
            if n == 0:
                release.wait(WAIT)
            running.remove(n)
            return n

        return run

    submitted = [jobs.submit("upload", str(n), work(n)) for n in range(3)]
    assert [jobs.ahead_of(job) for job in submitted] == [0, 1, 2]
    assert submitted[1].state == submitted[2].state == "queued"
    release.set()
    assert [job.wait(WAIT).result for job in submitted] == [0, 1, 2]
    assert overlapped == [False, False, False]
    assert [jobs.ahead_of(job) for job in submitted] == [0, 0, 0]
