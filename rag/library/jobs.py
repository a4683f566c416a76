"""Library changes as background jobs: one worker runs them one at a time, in the order
they were submitted, while searches go on being answered from the index being served.

A job's `progress` is updated as its indexing run moves, and its `change` (or `error`)
is set when it ends, so a page can poll where its jobs are.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rag.index import IndexProgress, Progress

log = logging.getLogger(__name__)

T = TypeVar("T")
# Finished jobs are kept this long for the pages that poll them, then forgotten.
KEEP_SECONDS = 3600


@dataclass
class Job(Generic[T]):
    """One queued library change. `state` runs queued -> running -> done | failed."""

    id: str
    kind: str  # "upload", "delete" or "rebuild"
    subject: str  # what it works on, for the user (file names, a document title)
    work: Callable[[Progress], T] = field(repr=False)
    state: str = "queued"
    progress: IndexProgress | None = None
    result: T | None = None
    error: str | None = None  # why it failed, in one line
    ended: float | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def wait(self, timeout: float | None = None) -> Job[T]:
        """Block until the job has ended (or `timeout` passed); returns the job."""
        self._done.wait(timeout)
        return self


class JobQueue(Generic[T]):
    """Runs submitted jobs on one worker thread, in order."""

    def __init__(self, errors: tuple[type[BaseException], ...] = ()) -> None:
        """`errors` are the exceptions that say what the user did wrong: their message is
        the job's error. Any other exception is logged in full and reported briefly."""
        self._errors = errors
        self._jobs: dict[str, Job[T]] = {}
        self._queue: queue.Queue[Job[T]] = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, kind: str, subject: str, work: Callable[[Progress], T]) -> Job[T]:
        job: Job[T] = Job(uuid.uuid4().hex[:12], kind, subject, work)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="library-jobs", daemon=True)
                self._worker.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job[T] | None:
        with self._lock:
            return self._jobs.get(job_id)

    def ahead_of(self, job: Job[T]) -> int:
        """How many unfinished jobs were submitted before `job` (it waits for them)."""
        with self._lock:
            ahead = 0
            for other in self._jobs.values():
                if other is job:
                    break
                ahead += not other.finished
            return ahead

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            job.state = "running"

            def report(progress: IndexProgress, job: Job[T] = job) -> None:
                job.progress = progress

            try:
                job.result = job.work(report)
                job.state = "done"
            except self._errors as exc:
                # A KeyError's str() is its quoted repr: take the message itself.
                job.error, job.state = str(exc.args[0]) if len(exc.args) == 1 else str(exc), "failed"
            except Exception as exc:
                log.exception("library job %s (%s %s) failed", job.id, job.kind, job.subject)
                job.error, job.state = f"{exc.__class__.__name__}: {exc}", "failed"
            job.ended = time.monotonic()
            job._done.set()

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [j.id for j in self._jobs.values() if j.ended is not None and now - j.ended > KEEP_SECONDS]:
            del self._jobs[job_id]
