"""The ingest pipeline on one file, and on whole folders: the stages run in order, each
document gets its id, and every decision is kept for `rag inspect` (`FileReport`).
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from rag import language
from rag.ingest.clean import clean
from rag.ingest.ledger import Removal
from rag.ingest.load import find_files, read_files
from rag.ingest.raw import PageRead, RawText
from rag.ingest.split import Reading, readings
from rag.ingest.structure import parse
from rag.schema import Document
from rag.textshape import lines_of

logger = logging.getLogger(__name__)

# Bump when ingest reads files differently (structure, elements, cleaning): an index built
# by an older ingest reads every file again (texts that did not change keep their vectors).
INGEST_VERSION = 4


@dataclass(frozen=True)
class FileReport:
    """How one file was understood: how its pages were read (OCR, tables; PDFs and images),
    the readings of its structure (the chosen one first, each with its score), its
    documents, the decisions taken for each (title, date, ...), and every piece of text
    left out with the rule that left it out."""

    source: str
    readings: tuple[Reading, ...]
    documents: tuple[Document, ...]
    decisions: dict[str, tuple[str, ...]]
    removed: tuple[Removal, ...]
    pages: tuple[PageRead, ...] = ()


def understand(raw: RawText, base_id: str) -> FileReport:
    """Clean one file's text, choose how many documents it holds, and read each one."""
    cleaned = clean(raw.text)
    text = cleaned.text
    found = readings(text, raw.hints)
    chosen = found[0]
    removed = [*raw.removed, *cleaned.removed]
    covered = 0
    documents: list[Document] = []
    decisions: dict[str, tuple[str, ...]] = {}
    offsets = sorted(cleaned.line_numbers)
    for n, segment in enumerate(chosen.segments, start=1):
        removed += _uncovered(text, covered, segment.start, cleaned.line_numbers, chosen.name)
        covered = segment.end
        start = segment.start + len(text[segment.start : segment.end]) - len(text[segment.start : segment.end].lstrip())
        inside = offsets[bisect_left(offsets, start) : bisect_left(offsets, segment.end)]
        numbers = {offset - start: cleaned.line_numbers[offset] for offset in inside}
        parsed = parse(
            text[start : segment.end].rstrip(),
            raw.hints,
            fallback_title=raw.source.stem,
            line_numbers=numbers,
            title=segment.title,
            date=segment.date,
            keep_above_title=segment.title is not None,
        )
        removed += parsed.removed
        if not parsed.text.strip():
            continue
        doc_id = base_id if len(chosen.segments) == 1 else f"{base_id}/{n}"
        documents.append(
            Document(
                doc_id=doc_id,
                title=parsed.title,
                source=str(raw.source),
                text=parsed.text,
                date=parsed.date,
                headings=parsed.headings,
                doc_number=parsed.doc_number,
                issuer=parsed.issuer,
                kind=parsed.kind,
                meta=parsed.meta,
                elements=parsed.elements,
            )
        )
        decisions[doc_id] = tuple(parsed.decisions)
    removed += _uncovered(text, covered, len(text), cleaned.line_numbers, chosen.name)
    return FileReport(str(raw.source), tuple(found), tuple(documents), decisions, tuple(removed), raw.pages)


def _uncovered(text: str, start: int, end: int, numbers: dict[int, int], reading: str) -> list[Removal]:
    """Lines between the documents of a split (a table of contents, a set's own headline)."""
    rule = "before the first document (table of contents or the file's own headline)" if start == 0 else "between documents"
    return [Removal(line.text, f"{reading}: {rule}", numbers.get(start + line.start, 0)) for line in lines_of(text[start:end])]


def file_documents(raw: RawText, base_id: str) -> list[Document]:
    """The logical documents of one file (see `understand`)."""
    documents = list(understand(raw, base_id).documents)
    if not documents:
        logger.warning("skipped %s: no text left after cleaning", raw.source)
    return documents


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


def assign_ids(files: list[Path], roots: list[Path]) -> dict[Path, str]:
    """A unique base document id per file, the same on every run over the same files."""
    used: set[str] = set()
    return {file: _unique(base_id(file, roots), used) for file in files}


def base_id(source: Path, roots: list[Path]) -> str:
    """The file's path below the folder it was found in, without suffix: stable across runs."""
    for root in roots:
        if root.is_dir() and source.is_relative_to(root):
            relative = source.relative_to(root).with_suffix("")
            break
    else:
        relative = Path(source.stem)
    return language.WHITESPACE.sub("-", relative.as_posix())


def _unique(candidate: str, used: set[str]) -> str:
    name, n = candidate, 1
    while name in used:
        n += 1
        name = f"{candidate}-{n}"
    used.add(name)
    return name
