"""From paths on disk to documents: find files, read, clean, split into logical documents."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from rag.cleaning import clean_text
from rag.documents import split_documents
from rag.loading import RawText, find_files, read_files
from rag.schema import Document

logger = logging.getLogger(__name__)


def load_documents(paths: Iterable[Path]) -> list[Document]:
    """Every logical document under `paths` (files or folders), in path order.

    Raises `FileNotFoundError` for a path that does not exist; files that cannot be read
    are skipped with a warning.
    """
    paths = list(paths)
    files = find_files(paths)
    ids = assign_ids(files, paths)
    documents: list[Document] = []
    for raw in tqdm(read_files(files), total=len(files), desc="Loading", unit="file", disable=None, leave=False):
        documents.extend(file_documents(raw, ids[raw.source]))
    return documents


def file_documents(raw: RawText, base_id: str) -> list[Document]:
    """Clean one file's text and split it into its logical documents."""
    found = split_documents(clean_text(raw.text), source=str(raw.source), base_id=base_id, fallback_title=raw.source.stem)
    if not found:
        logger.warning("skipped %s: no text left after cleaning", raw.source)
    return found


def assign_ids(files: list[Path], roots: list[Path]) -> dict[Path, str]:
    """A unique base document id per file, the same on every run over the same files."""
    used: set[str] = set()
    return {file: _unique(_base_id(file, roots), used) for file in files}


def _base_id(source: Path, roots: list[Path]) -> str:
    """The file's path below the folder it was found in, without suffix: stable across runs."""
    for root in roots:
        if root.is_dir() and source.is_relative_to(root):
            relative = source.relative_to(root).with_suffix("")
            break
    else:
        relative = Path(source.stem)
    return re.sub(r"\s+", "-", relative.as_posix())


def _unique(candidate: str, used: set[str]) -> str:
    name, n = candidate, 1
    while name in used:
        n += 1
        name = f"{candidate}-{n}"
    used.add(name)
    return name
