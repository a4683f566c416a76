"""Durable, checked file writes and reads: what makes a crash leave either the old or the
new file, never a part (the index's segments and versions; the library's `library.json`)."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rag.index.errors import REBUILD_HINT, BadIndexError


def read_json(path: Path, expected_sha256: str | None) -> Any:
    """The JSON in `path`, checked against `expected_sha256` when given; a `BadIndexError` else."""
    try:
        data = path.read_bytes()
        record = json.loads(data)
    except (OSError, ValueError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise BadIndexError(f"index file {path} is corrupted; {REBUILD_HINT}")
    return record


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    """One JSON record a line."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def read_jsonl(path: Path, make: Callable[[Any], Any]) -> Iterator[Any]:
    """`make` of each line's record; a damaged file is a `BadIndexError`."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield make(json.loads(line))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename, durably: readers see the old or the new
    file, never a part (the temporary file is named `.<name>.<random>`)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_tree(folder: Path) -> None:
    """Every file under `folder` on disk, then the folder itself: a rename of it is durable."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """The folder's entries on disk (a rename into it survives a crash)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
