"""The document library: which files the index is built from, and how users change that.

A library is the configured corpus plus the files users upload, minus the files they
delete. Those changes are the user's data and live in the data directory, apart from the
index, so that the index can be deleted and rebuilt from the library alone:

    index-data/library.json   the commit point: the uploads in the library (file, sha256,
                              name as uploaded) and the corpus files deleted from it
    index-data/uploads/       uploaded files, under safe names
    index-data/.lock          one library change at a time, across processes

An upload is copied into `uploads/` first but is only in the library once `library.json`
lists it, which happens when its indexing run commits; a file a killed or failed run left
there is removed at the next change (`Library.changing`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path

from rag.index.files import write_atomic
from rag.ingest import SUPPORTED_SUFFIXES, file_sha256
from rag.settings import Settings

log = logging.getLogger(__name__)

LIBRARY = "library.json"
UPLOADS = "uploads"
# Where the format before the data directory kept uploads and deletions: inside the index.
OLD_UPLOADS = "uploads"
OLD_EXCLUDED = "excluded.json"


class UploadError(ValueError):
    """An uploaded file was refused; the message names the file and the reason."""


class LibraryError(ValueError):
    """The library file cannot be read; the message names it."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file in the library."""

    file: str  # its name in the uploads folder
    sha256: str
    name: str  # the name it was uploaded under


@dataclass(frozen=True)
class LibraryState:
    """What `library.json` says: the uploads in the library and the deleted corpus files."""

    uploads: tuple[Upload, ...] = ()
    excluded: frozenset[str] = field(default_factory=frozenset)  # resolved paths

    def with_uploads(self, added: list[Upload]) -> LibraryState:
        return replace(self, uploads=(*self.uploads, *added))

    def without(self, file: str) -> LibraryState:
        return replace(self, uploads=tuple(u for u in self.uploads if u.file != file))

    def excluding(self, path: str) -> LibraryState:
        return replace(self, excluded=self.excluded | {path})


@dataclass(frozen=True)
class Library:
    """The files behind the index: the corpus of `settings` plus the data directory."""

    settings: Settings

    @property
    def folder(self) -> Path:
        return self.settings.library_dir

    @property
    def uploads_dir(self) -> Path:
        return self.folder / UPLOADS

    def state(self) -> LibraryState:
        """The committed library (empty before the first upload or deletion)."""
        path = self.folder / LIBRARY
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            uploads = tuple(Upload(u["file"], u["sha256"], u["name"]) for u in data["uploads"])
            return LibraryState(uploads, frozenset(data["excluded"]))
        except FileNotFoundError:
            return LibraryState()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise LibraryError(f"cannot read {path} ({exc.__class__.__name__}): fix or remove it") from None

    def roots(self, state: LibraryState | None = None) -> list[Path]:
        """Folders and files to index: the corpus, then the uploads in the library."""
        uploads = []
        for upload in (state or self.state()).uploads:
            path = self.uploads_dir / upload.file
            if path.is_file():
                uploads.append(path)
            else:
                log.warning("%s is in the library but no longer on disk: it is left out", path)
        return [*self.settings.corpus, *uploads]

    def is_upload(self, source: str | Path) -> bool:
        return Path(source).resolve().is_relative_to(self.uploads_dir.resolve())

    @contextmanager
    def changing(self) -> Iterator[LibraryState]:
        """Hold the library for one change (other processes wait) and yield its state.
        Uploads a killed run left behind are removed first, and an index folder of the
        format before the data directory is migrated once."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("waiting for another change to the library in %s", self.folder)
                fcntl.flock(handle, fcntl.LOCK_EX)
            self._migrate()
            state = self.state()
            self._remove_strays(state)
            yield state

    def check(self, upload: Path) -> str:
        """The content hash of a file fit for upload. Raises `UploadError` for a file of
        the wrong type, an empty one or one over the size limit."""
        suffix = Path(safe_name(upload.name)).suffix
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise UploadError(f"{upload.name}: unsupported file type {suffix or '(none)'!r} (allowed: {allowed})")
        try:
            size = upload.stat().st_size
        except OSError as exc:
            raise UploadError(f"{upload.name}: cannot be read ({exc.__class__.__name__})") from None
        if size == 0:
            raise UploadError(f"{upload.name}: the file is empty")
        limit = self.settings.upload_max_mb * 1024 * 1024
        if size > limit:
            raise UploadError(f"{upload.name}: {size / 2**20:.1f} MB is over the {self.settings.upload_max_mb} MB limit")
        return file_sha256(upload)

    def place(self, upload: Path, name: str, digest: str) -> Upload:
        """Copy a checked file into the uploads folder under a free safe name. It is not in
        the library until `commit` lists it (call inside `changing`)."""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        target = _free_name(self.uploads_dir / safe_name(name))
        handle, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.uploads_dir)
        os.close(handle)
        try:
            shutil.copyfile(upload, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Upload(target.name, digest, name)

    def commit(self, state: LibraryState) -> None:
        """Make `state` the library, atomically and durably."""
        record = {
            "uploads": [{"file": u.file, "sha256": u.sha256, "name": u.name} for u in state.uploads],
            "excluded": sorted(state.excluded),
        }
        write_atomic(self.folder / LIBRARY, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))

    def _remove_strays(self, state: LibraryState) -> None:
        """Files in the uploads folder the library does not list: copies of a run that
        failed or was killed before it committed."""
        listed = {u.file for u in state.uploads}
        for path in self.uploads_dir.glob("*") if self.uploads_dir.is_dir() else ():
            if path.name not in listed and path.is_file():
                log.info("removing %s: an upload that was never committed to the library", path)
                path.unlink()

    def _migrate(self) -> None:
        """Move the uploads and deletions an index folder of the old layout holds into
        the data directory (once: afterwards the index folder holds neither)."""
        index_dir = self.settings.index_dir
        old_uploads, old_excluded = index_dir / OLD_UPLOADS, index_dir / OLD_EXCLUDED
        if not old_uploads.is_dir() and not old_excluded.is_file():
            return
        state = self.state()
        uploads = list(state.uploads)
        for path in sorted(old_uploads.glob("*")) if old_uploads.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                self.uploads_dir.mkdir(parents=True, exist_ok=True)
                target = _free_name(self.uploads_dir / path.name)
                shutil.move(path, target)
                uploads.append(Upload(target.name, file_sha256(target), path.name))
        excluded = set(state.excluded)
        if old_excluded.is_file():
            try:
                excluded.update(json.loads(old_excluded.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise LibraryError(f"cannot read {old_excluded} ({exc.__class__.__name__}): fix or remove it") from None
        self.commit(LibraryState(tuple(uploads), frozenset(excluded)))
        old_excluded.unlink(missing_ok=True)
        if old_uploads.is_dir():
            shutil.rmtree(old_uploads)
        log.warning(
            "moved %d uploaded files and %d deletions from %s into the data directory %s",
            len(uploads) - len(state.uploads),
            len(excluded) - len(state.excluded),
            index_dir,
            self.folder,
        )


def safe_name(name: str) -> str:
    """A file name without folders, odd characters or a leading dot (`../../x.txt` -> `x.txt`)."""
    base = Path(name.replace("\\", "/")).name
    # Each run of other characters than letters, digits, "_", "." and "-" becomes one "_".
    kept = "".join("".join(run) if safe else "_" for safe, run in groupby(base, lambda c: c.isalnum() or c in "_.-"))
    cleaned = kept.lstrip("._") or "upload"
    stem, suffix = os.path.splitext(cleaned)
    return stem[:100] + suffix.lower()[:10]


def _free_name(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate

