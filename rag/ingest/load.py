"""Reading files into raw text: finds the supported files under the given paths and hands
each to the reader of its format (`rag.ingest.formats`), which turns it into `RawText`
(still dirty; `clean` tidies it) with what its format says about it: headings and a title
marked by the format (HTML tags, Word styles, Markdown `#`), page metadata (`<title>`,
`<meta>`), and the text the reader left out (page chrome outside an HTML page's article).

Unreadable or unsupported files are skipped with a one-line warning, never an exception,
so one bad file cannot stop a whole run.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from rag.ingest.formats import decode_text, docx_to_text, html_to_text, image_to_text, markdown_to_text, pdf_to_text
from rag.ingest.raw import LoadError, RawText

logger = logging.getLogger(__name__)

HTML_SUFFIXES = {".html", ".htm"}
# Scanned or photographed pages, read by OCR.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
SUPPORTED_SUFFIXES = {".txt", ".md"} | HTML_SUFFIXES | {".pdf", ".docx"} | IMAGE_SUFFIXES


def find_files(paths: Iterable[Path], exclude: Collection[str] = ()) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of supported files, less
    those whose resolved path is in `exclude` (files deleted from the library).

    A missing path raises `FileNotFoundError`; unsupported files are skipped with a warning.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            candidates = [path]
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
        for candidate in candidates:
            if candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.warning("skipped %s: unsupported file type %r", candidate, candidate.suffix or "(none)")
            elif not exclude or str(candidate.resolve()) not in exclude:
                found.append(candidate)
    return found


def file_sha256(path: Path) -> str:
    """The file's content hash: how re-indexing and uploads tell a file they have seen."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_bytes(path: Path) -> bytes:
    """The file's content; raises `LoadError` when it cannot be read. Indexing hashes and
    parses these same bytes, so a file changed mid-run is never recorded under the wrong hash."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(exc.strerror or str(exc)) from None


def read_file(path: Path) -> RawText:
    """Extract the text of one supported file; raises `LoadError` when it cannot."""
    return extract_text(path, read_bytes(path))


def extract_text(path: Path, data: bytes) -> RawText:
    """The text of `data`, the content of `path` (whose suffix says the format)."""
    suffix = path.suffix.lower()
    if not data.strip():
        raise LoadError("file is empty" if not data else "file holds only whitespace")
    try:
        if suffix == ".txt":
            raw = RawText(path, decode_text(data))
        elif suffix == ".md":
            raw = markdown_to_text(path, decode_text(data))
        elif suffix in HTML_SUFFIXES:
            raw = html_to_text(path, decode_text(data))
        elif suffix == ".pdf":
            raw = pdf_to_text(path, data)
        elif suffix == ".docx":
            raw = docx_to_text(path, data)
        elif suffix in IMAGE_SUFFIXES:
            raw = image_to_text(path, data)
        else:
            raise LoadError(f"unsupported file type {suffix!r}")
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on damaged files
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
        raise LoadError(f"cannot read this {suffix[1:].upper()}: damaged, truncated or not really a {suffix} file ({detail})") from None
    if not raw.text.strip():
        raise LoadError("no text found (the file holds only whitespace, or images in which OCR read no text)")
    return raw


def read_files(paths: Iterable[Path]) -> Iterator[RawText]:
    """Read each file, skipping (with a warning) those that cannot be read."""
    for path in paths:
        try:
            yield read_file(path)
        except LoadError as exc:
            logger.warning("skipped %s: %s", path, exc)
