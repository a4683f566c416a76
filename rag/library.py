"""The document library: which files the index is built from, and how users change that.

A library is the configured corpus plus the files users upload, minus the files they
delete. Both changes live in the data directory beside the index versions, so one folder
holds everything an instance knows:

    index/uploads/        uploaded files, under safe names
    index/excluded.json   corpus files deleted from the library (the corpus itself is never touched)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.load import SUPPORTED_SUFFIXES, file_sha256
from rag.settings import Settings

UPLOADS = "uploads"
EXCLUDED = "excluded.json"
_UNSAFE = re.compile(r"[^\w.\-]+")


class UploadError(ValueError):
    """An uploaded file was refused; the message names the file and the reason."""


@dataclass(frozen=True)
class Library:
    """The files behind the index in `settings.index_dir`."""

    settings: Settings

    @property
    def uploads_dir(self) -> Path:
        return self.settings.index_dir / UPLOADS

    @property
    def roots(self) -> list[Path]:
        """Folders and files to index: the corpus, then the uploads."""
        uploads = [self.uploads_dir] if self.uploads_dir.is_dir() else []
        return [*self.settings.corpus, *uploads]

    def excluded(self) -> set[str]:
        """Resolved paths of corpus files deleted from the library."""
        try:
            return set(json.loads((self.settings.index_dir / EXCLUDED).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return set()

    def is_upload(self, source: str | Path) -> bool:
        return Path(source).resolve().is_relative_to(self.uploads_dir.resolve())

    def store(self, upload: Path, known: dict[str, str]) -> Path:
        """Copy an uploaded file into the uploads folder under a safe version of its name.

        `known` maps the content hash of every file in the library to its path; the stored
        file is added to it. Raises `UploadError` for a file of the wrong type, an empty
        one, one over the size limit, or one whose content is in the library already."""
        name = safe_name(upload.name)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise UploadError(f"{upload.name}: unsupported file type {suffix or '(none)'!r} (allowed: {allowed})")
        size = upload.stat().st_size
        if size == 0:
            raise UploadError(f"{upload.name}: the file is empty")
        limit = self.settings.upload_max_mb * 1024 * 1024
        if size > limit:
            raise UploadError(f"{upload.name}: {size / 2**20:.1f} MB is over the {self.settings.upload_max_mb} MB limit")
        digest = file_sha256(upload)
        if digest in known:
            raise UploadError(f"{upload.name}: the same content is already in the library ({Path(known[digest]).name})")
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        target = _free_name(self.uploads_dir / name)
        handle, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.uploads_dir)
        os.close(handle)
        shutil.copyfile(upload, tmp)
        os.replace(tmp, target)
        known[digest] = str(target)
        return target

    def remove(self, source: str | Path) -> None:
        """Take a file out of the library: an upload is deleted, a corpus file is excluded."""
        path = Path(source)
        if self.is_upload(path):
            path.unlink(missing_ok=True)
            return
        excluded = sorted(self.excluded() | {str(path.resolve())})
        target = self.settings.index_dir / EXCLUDED
        tmp = target.with_name(f".{EXCLUDED}.tmp")
        tmp.write_text(json.dumps(excluded, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, target)


def safe_name(name: str) -> str:
    """A file name without folders, odd characters or a leading dot (`../../x.txt` -> `x.txt`)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).lstrip("._") or "upload"
    stem, suffix = os.path.splitext(cleaned)
    return stem[:100] + suffix.lower()[:10]


def _free_name(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate

