"""Building, saving and opening the index: documents -> chunks -> vectors + BM25.

On disk an index directory holds numbered versions and a `CURRENT` file naming the one
in use:

    index/CURRENT                 "v-20261122-150102-3f2a <sha256 of that version's manifest>"
    index/v-…/manifest.json       format, model, chunking, per-source hashes, checksums
    index/v-…/documents.jsonl     cleaned documents (the text every offset points into)
    index/v-…/chunks.jsonl        chunk spans and heading paths
    index/v-…/sentences.jsonl     sentence spans, each with the chunk row holding it
    index/v-…/tokens.jsonl        BM25 tokens per chunk (reused by the next incremental run)
    index/v-…/dense.faiss         chunk vectors
    index/v-…/sentences.faiss     sentence vectors (dense search scores a chunk by its best
                                  sentence too: a fact is one sentence of a 300-character chunk)
    index/v-…/bm25/               the BM25 store

A run writes a complete new version beside the old one and then replaces `CURRENT` in
one atomic rename, so a crash at any point leaves the previous version in use. Files
whose content hash is unchanged are carried over without being read or embedded again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.chunking import chunk_documents, sentence_spans
from rag.embedding import Embedder
from rag.ingest import INGEST_VERSION, assign_ids, file_documents
from rag.ingest.load import LoadError, extract_text, file_sha256, find_files, read_bytes
from rag.schema import Chunk, Document, Element, Heading, Sentence
from rag.settings import Settings
from rag.stores import DenseStore, LexicalStore, VectorRows, tokenize
from rag.textshape import squash

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
SENTENCE_STORE = "sentences.faiss"
# Bump when `embedding_text` or `lexical_tokens` change what is embedded or tokenised:
# vectors and tokens from an index built the old way are then not reused.
TEXT_RECIPE = 3


class BadIndexError(RuntimeError):
    """The index is missing, broken or was built differently; the message says how to fix it."""

REBUILD_HINT = "rebuild it with: rag index --rebuild"
# How often `open_index` tries again when runs publish new versions while it loads.
OPEN_ATTEMPTS = 5

# Progress: reading takes the first 10%, embedding runs to 90%, writing the rest. Texts are
# embedded in batches of EMBED_BATCH so that progress moves during a long run.
Progress = Callable[[float, str], None]
READ_SHARE, EMBED_DONE = 0.1, 0.9
EMBED_BATCH = 256


def _no_progress(fraction: float, stage: str) -> None:
    """The default `Progress`: the terminal already has tqdm's bars."""


# --------------------------------------------------------------------------------------
# What gets embedded and tokenised for a chunk
# --------------------------------------------------------------------------------------


def document_label(document: Document) -> str:
    """The words users name a document by: its title, then the issuer, 发文字号, year and
    kind the title does not already say ("…的意见（国务院办公厅 国办发〔2015〕71号 2015年）")."""
    year = f"{document.date[:4]}年" if document.date else None
    title = squash(document.title)
    extra = [x for x in (document.issuer, document.doc_number, year, document.kind) if x and squash(x) not in title]
    return document.title + (f"（{' '.join(extra)}）" if extra else "")


def embedding_text(document: Document, span: Chunk | Sentence, with_context: bool) -> str:
    """A chunk or sentence as the model sees it: after its title (and, for a chunk, its
    heading path) when `with_context`, since a passage like "新增学位4.8万个" is only
    findable by its region. Sentences get the title only: a heading is often a whole lead
    sentence that would outweigh the short sentence it stands over (benchmarks/retrieval.py).
    The rest of the document's label (issuer, year, 发文字号) goes to BM25 and to the
    ranking of documents a query names (`retrieval`), not into the vectors: measured with
    it there, the sample corpus lost a question (benchmarks/metadata.py)."""
    text = document.text[span.start : span.end]
    if not with_context:
        return text
    headings = document.heading_path(span.start) if isinstance(span, Chunk) else ()
    return " > ".join((document.title, *headings)) + "\n" + text


def document_sentences(documents: list[Document], chunks: list[Chunk]) -> list[Sentence]:
    """Every sentence of `documents`, each tied to the chunk (position in `chunks`) that
    holds most of it (the first such chunk on a tie)."""
    sentences = []
    rows_by_doc: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        rows_by_doc.setdefault(chunk.doc_id, []).append(row)
    for document in documents:
        rows = rows_by_doc.get(document.doc_id, [])
        if not rows:
            continue
        # Chunks and sentences both run in text order: sweep them together (linear time
        # even for a report of thousands of chunks).
        first = 0
        for start, end in sentence_spans(document.text):
            while first < len(rows) - 1 and chunks[rows[first]].end <= start:
                first += 1
            best, best_row = None, rows[first]
            for row in rows[first:]:
                chunk = chunks[row]
                if chunk.start >= end:
                    break
                shared = min(end, chunk.end) - max(start, chunk.start)
                if best is None or shared > best:
                    best, best_row = shared, row
            sentences.append(Sentence(document.doc_id, start, end, best_row))
    return sentences


def lexical_tokens(document: Document, chunk: Chunk) -> tuple[str, ...]:
    """BM25 sees the document's label too: questions name the region, the issuing body, the
    year or the 发文字号, passages often do not."""
    return _tokens_of(f"{document_label(document)}\n{chunk.text}")


def _chunk_tokens(documents: list[Document], chunks: list[Chunk]) -> list[tuple[str, ...]]:
    by_id = {d.doc_id: d for d in documents}
    return [lexical_tokens(by_id[c.doc_id], c) for c in chunks]


@lru_cache(maxsize=4096)
def _tokens_of(text: str) -> tuple[str, ...]:
    """Tokens of one chunk text. Reports repeat boilerplate and compilations repeat whole
    reports, so recent texts are remembered; tokens are interned so that a long file's
    millions of tokens share one string per word."""
    return tuple(sys.intern(t) for t in tokenize(text))


# --------------------------------------------------------------------------------------
# A loaded index version
# --------------------------------------------------------------------------------------


@dataclass
class Index:
    """One complete index version in memory: records plus both stores."""

    folder: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    dense: DenseStore
    sentence_dense: DenseStore
    lexical: LexicalStore
    doc_rows: dict[str, np.ndarray] = field(init=False)
    doc_sentence_rows: dict[str, np.ndarray] = field(init=False)
    sentence_chunk: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.doc_rows = _rows_by_doc(self.chunks)
        self.doc_sentence_rows = _rows_by_doc(self.sentences)
        self.sentence_chunk = np.asarray([s.chunk for s in self.sentences], dtype=np.int64)


def _rows_by_doc(records: Sequence[Chunk | Sentence]) -> dict[str, np.ndarray]:
    rows: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        rows.setdefault(record.doc_id, []).append(i)
    return {d: np.asarray(r, dtype=np.int64) for d, r in rows.items()}


def current_version(index_dir: Path) -> Path | None:
    """The version folder `CURRENT` points at; None when there is no index yet."""
    pointer = _read_pointer(index_dir)
    return None if pointer is None else index_dir / pointer[0]


def _read_pointer(index_dir: Path) -> tuple[str, str | None] | None:
    """`CURRENT`'s version name and the checksum of that version's manifest (None in
    indexes written before the checksum was added)."""
    path = index_dir / CURRENT
    try:
        fields = path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
    if not 1 <= len(fields) <= 2 or not fields[0].startswith("v-") or "/" in fields[0]:
        raise BadIndexError(f"{path} is damaged (it should name an index version); {REBUILD_HINT}")
    return fields[0], fields[1] if len(fields) == 2 else None


def open_index(index_dir: Path, model: str | None = None) -> Index:
    """Load the current version, checking format, model and file checksums.

    A reader can be overtaken while it loads: two runs that publish meanwhile delete the
    version it read from `CURRENT` (a run keeps only the new and the previous version).
    A load that fails after `CURRENT` has changed is therefore retried on the new version."""
    for attempt in range(OPEN_ATTEMPTS):
        pointer = _read_pointer(index_dir)
        if pointer is None:
            raise BadIndexError(f"no index in {index_dir}; build one with: rag index")
        try:
            return _load_version(index_dir / pointer[0], pointer[1], model)
        except BadIndexError:
            if attempt + 1 == OPEN_ATTEMPTS or _read_pointer(index_dir) == pointer:
                raise
            log.info("index version %s was replaced while being opened; opening the new one", pointer[0])
    raise AssertionError("unreachable")


def _load_version(folder: Path, manifest_sha256: str | None, model: str | None) -> Index:
    """One version folder, checked; any damage is a `BadIndexError` that says how to rebuild."""
    manifest = _read_manifest(folder, manifest_sha256)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BadIndexError(
            f"index in {folder.parent} has format {manifest.get('format_version')}, this version reads "
            f"format {FORMAT_VERSION}; {REBUILD_HINT}"
        )
    try:
        built_with = manifest["model"]["name"]
        if model is not None and built_with != model:
            raise BadIndexError(
                f"index in {folder.parent} was built with model {built_with!r}, not {model!r}; "
                f"{REBUILD_HINT} (or set RAG_MODEL={built_with})"
            )
        _verify_checksums(folder, manifest)
        documents = {d.doc_id: d for d in _read_jsonl(folder / "documents.jsonl", _document_from)}
        chunks = list(_read_jsonl(folder / "chunks.jsonl", _chunk_from))
        sentences = list(_read_jsonl(folder / "sentences.jsonl", lambda r: Sentence(**r)))
        dense, lexical = DenseStore.load(folder), LexicalStore.load(folder)
        sentence_dense = DenseStore.load(folder, SENTENCE_STORE)
        sources = manifest["sources"]
        consistent = (
            len(dense) == len(lexical) == len(chunks) == sum(e["chunks"] for e in sources)
            and len(sentence_dense) == len(sentences) == sum(e["sentences"] for e in sources)
            and all(d in documents for e in sources for d in e["doc_ids"])
        )
    except BadIndexError:
        raise
    # What a damaged manifest, a file deleted meanwhile, faiss or bm25s raise.
    except (OSError, RuntimeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadIndexError(f"cannot read the index in {folder} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
    if not consistent:
        raise BadIndexError(f"index in {folder} is inconsistent (its files disagree on sizes); {REBUILD_HINT}")
    return Index(folder, manifest, documents, chunks, sentences, dense, sentence_dense, lexical)


def _read_manifest(folder: Path, expected_sha256: str | None) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data = path.read_bytes()
        manifest = json.loads(data)
    except (OSError, ValueError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None
    if not isinstance(manifest, dict) or (expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256):
        raise BadIndexError(f"index file {path} is corrupted; {REBUILD_HINT}")
    return manifest


def _verify_checksums(folder: Path, manifest: dict[str, Any]) -> None:
    for name, expected in manifest.get("checksums", {}).items():
        path = folder / name
        if not path.exists() or file_sha256(path) != expected:
            raise BadIndexError(f"index file {path} is missing or corrupted; {REBUILD_HINT}")


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run did."""

    version: str
    files_new: int
    files_changed: int
    files_unchanged: int
    files_removed: int
    files_skipped: int
    documents: int
    chunks: int
    texts_embedded: int
    seconds: float
    # (source, reason) for each file that could not be read or held no text
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass
class _FilePart:
    """The records one source file contributes to the new version."""

    source: str
    sha256: str
    base_id: str
    documents: list[Document]
    chunks: list[Chunk]
    sentences: list[Sentence]  # `chunk` counts from this part's first chunk
    tokens: Sequence[Sequence[str]]
    # One vector per chunk and per sentence: an array, or a list of rows shared between
    # identical texts (a report repeated in a compilation costs no extra memory).
    vectors: VectorRows = ()
    sentence_vectors: VectorRows = ()


def build_index(
    settings: Settings,
    embedder: Embedder,
    paths: list[Path] | None = None,
    rebuild: bool = False,
    hook: Callable[[str], None] | None = None,
    exclude: Collection[str] = (),
    progress: Progress | None = None,
) -> IndexReport:
    """Index `paths` (default: the configured corpus), less the files whose resolved path
    is in `exclude`, incrementally into a new version.

    `progress` is told the fraction done and the stage (the UI shows it); `hook` is called
    with a stage name at each step, and tests use it to inject failures.
    """
    progress = progress or _no_progress
    started = time.perf_counter()
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    with _locked(index_dir):
        _remove_leftovers(index_dir)
        paths = list(paths or settings.corpus)
        files = [f for f in find_files(paths) if str(f.resolve()) not in exclude]
        ids = assign_ids(files, paths)
        previous = None if rebuild else _reusable(index_dir, settings, embedder)
        old_parts = _parts_by_source(previous) if previous else {}
        # Files read by an older ingest are read again; their unchanged texts keep their vectors.
        reread = previous is not None and previous.manifest.get("ingest_version") != INGEST_VERSION

        parts: list[_FilePart] = []
        new_parts: list[_FilePart] = []
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        skipped: list[tuple[str, str]] = []
        for i, file in enumerate(tqdm(files, desc="Reading", unit="file", disable=None, leave=False)):
            progress(READ_SHARE * i / max(len(files), 1), f"reading {file.name}")
            source = str(file)
            try:
                data = read_bytes(file)
                digest = hashlib.sha256(data).hexdigest()
                old = old_parts.get(source)
                if old is not None and old.sha256 == digest and old.base_id == ids[file] and not reread:
                    parts.append(old)
                    counts["unchanged"] += 1
                    continue
                raw = extract_text(file, data)
            except LoadError as exc:  # reported in `IndexReport.skipped`
                log.info("skipped %s: %s", file, exc)
                skipped.append((source, str(exc)))
                continue
            documents = file_documents(raw, ids[file])
            if not documents:
                skipped.append((source, "no text left after cleaning"))
                continue
            chunks = chunk_documents(documents, settings.chunk_size, settings.chunk_overlap)
            sentences = document_sentences(documents, chunks)
            part = _FilePart(source, digest, ids[file], documents, chunks, sentences, _chunk_tokens(documents, chunks))
            parts.append(part)
            new_parts.append(part)
            counts["changed" if old is not None else "new"] += 1
        removed = len(set(old_parts) - {p.source for p in parts})
        if hook:
            hook("loaded")

        embedded = _embed_parts(new_parts, list(old_parts.values()), embedder, settings, progress)
        if hook:
            hook("embedded")
        progress(EMBED_DONE, "writing the index")
        version = _write_version(index_dir, parts, settings, embedder, hook)
    result = IndexReport(
        version=version,
        files_new=counts["new"],
        files_changed=counts["changed"],
        files_unchanged=counts["unchanged"],
        files_removed=removed,
        files_skipped=len(skipped),
        documents=sum(len(p.documents) for p in parts),
        chunks=sum(len(p.chunks) for p in parts),
        texts_embedded=embedded,
        seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
    )
    log.info("index %s: %s", version, result)
    return result


def _reusable(index_dir: Path, settings: Settings, embedder: Embedder) -> Index | None:
    """The current version, if its vectors and chunks can be reused by this run."""
    try:
        if current_version(index_dir) is None:
            return None
        index = open_index(index_dir)
    except BadIndexError as exc:
        log.warning("not reusing the existing index: %s", exc)
        return None
    if index.manifest["model"] != _model_entry(embedder) or index.manifest["chunking"] != _chunking_entry(settings):
        log.info("model or chunking settings changed: re-embedding everything")
        return None
    return index


def _parts_by_source(index: Index) -> dict[str, _FilePart]:
    """Split an index back into per-file parts (rows of one file are contiguous)."""
    vectors, sentence_vectors = index.dense.vectors(), index.sentence_dense.vectors()
    tokens = list(_read_jsonl(index.folder / "tokens.jsonl", lambda words: tuple(map(sys.intern, words))))
    parts: dict[str, _FilePart] = {}
    row = srow = 0
    for entry in index.manifest["sources"]:
        n, ns = entry["chunks"], entry["sentences"]
        sentences = [replace(s, chunk=s.chunk - row) for s in index.sentences[srow : srow + ns]]
        parts[entry["source"]] = _FilePart(
            source=entry["source"],
            sha256=entry["sha256"],
            base_id=entry["base_id"],
            documents=[index.documents[d] for d in entry["doc_ids"]],
            chunks=index.chunks[row : row + n],
            sentences=sentences,
            tokens=tokens[row : row + n],
            vectors=vectors[row : row + n],
            sentence_vectors=sentence_vectors[srow : srow + ns],
        )
        row, srow = row + n, srow + ns
    return parts


def _embed_parts(
    parts: list[_FilePart], old_parts: list[_FilePart], embedder: Embedder, settings: Settings, progress: Progress
) -> int:
    """Fill in chunk and sentence vectors for new or changed files. Texts embedded before
    (the unchanged paragraphs of a changed file) keep their old vector."""

    def texts(part: _FilePart, spans: Sequence[Chunk | Sentence]) -> list[str]:
        documents = {d.doc_id: d for d in part.documents}
        return [embedding_text(documents[s.doc_id], s, settings.embed_context) for s in spans]

    known: dict[str, np.ndarray] = {}
    for old in old_parts:
        known.update(zip(texts(old, old.chunks), old.vectors))
        known.update(zip(texts(old, old.sentences), old.sentence_vectors))
    wanted = [(texts(part, part.chunks), texts(part, part.sentences)) for part in parts]
    todo = [t for t in dict.fromkeys(t for pair in wanted for group in pair for t in group) if t not in known]
    # Texts of similar length batch together with the least padding: the model's own
    # length sort only sees one progress batch at a time.
    todo.sort(key=len)
    if todo:
        log.info("embedding %d chunks and sentences with %s on %s", len(todo), embedder.name, embedder.device)
        with tqdm(total=len(todo), desc="Embedding", unit="text", disable=None, leave=False) as bar:
            for at in range(0, len(todo), EMBED_BATCH):
                progress(READ_SHARE + (EMBED_DONE - READ_SHARE) * at / len(todo), f"embedding {at}/{len(todo)} texts")
                batch = todo[at : at + EMBED_BATCH]
                known.update(zip(batch, embedder.embed_documents(batch)))
                bar.update(len(batch))
    for part, (chunk_texts, sentence_texts) in zip(parts, wanted):
        part.vectors = [known[t] for t in chunk_texts]
        part.sentence_vectors = [known[t] for t in sentence_texts]
    return len(todo)


def _write_version(
    index_dir: Path, parts: list[_FilePart], settings: Settings, embedder: Embedder, hook: Callable[[str], None] | None
) -> str:
    """Write every file of the new version into a hidden folder, then publish it."""
    version = time.strftime("v-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    work = index_dir / f".building-{version}"
    work.mkdir()
    try:
        chunks = [c for p in parts for c in p.chunks]
        offsets = np.cumsum([0] + [len(p.chunks) for p in parts])
        sentences = [replace(s, chunk=s.chunk + int(o)) for p, o in zip(parts, offsets) for s in p.sentences]
        _write_jsonl(work / "documents.jsonl", (asdict(d) for p in parts for d in p.documents))
        _write_jsonl(work / "chunks.jsonl", (asdict(c) for c in chunks))
        _write_jsonl(work / "sentences.jsonl", (asdict(s) for s in sentences))
        _write_jsonl(work / "tokens.jsonl", (t for p in parts for t in p.tokens))
        dim, threshold = embedder.dim, settings.hnsw_threshold
        DenseStore.build([p.vectors for p in parts], dim, threshold).save(work)
        DenseStore.build([p.sentence_vectors for p in parts], dim, threshold).save(work, SENTENCE_STORE)
        LexicalStore.build(t for p in parts for t in p.tokens).save(work)
        if hook:
            hook("stores-written")
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": _model_entry(embedder),
            "chunking": _chunking_entry(settings),
            "ingest_version": INGEST_VERSION,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "counts": {
                "sources": len(parts),
                "documents": sum(len(p.documents) for p in parts),
                "chunks": len(chunks),
                "sentences": len(sentences),
            },
            "sources": [
                {"source": p.source, "sha256": p.sha256, "base_id": p.base_id, "doc_ids": [d.doc_id for d in p.documents], "chunks": len(p.chunks), "sentences": len(p.sentences)}
                for p in parts
            ],
            "checksums": {f.relative_to(work).as_posix(): file_sha256(f) for f in sorted(work.rglob("*")) if f.is_file()},
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        (work / MANIFEST).write_bytes(manifest_bytes)
        _fsync_tree(work)
        os.rename(work, index_dir / version)
        _publish(index_dir, version, hashlib.sha256(manifest_bytes).hexdigest())
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return version


def _publish(index_dir: Path, version: str, manifest_sha256: str) -> None:
    """Point CURRENT at `version` (with its manifest's checksum) atomically; keep the
    previous version for readers that are still opening it, and remove older ones."""
    try:
        previous = current_version(index_dir)
    except BadIndexError:  # a damaged CURRENT is being replaced
        previous = None
    tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as handle:
        handle.write(f"{version} {manifest_sha256}\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    keep = {version, previous.name if previous else ""}
    for old in index_dir.glob("v-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(index_dir: Path) -> None:
    """Half-written versions from a run that was killed (we hold the lock, so none is live)."""
    for leftover in [*index_dir.glob(".building-*"), *index_dir.glob(f".{CURRENT}.*")]:
        log.info("removing leftover %s from an interrupted run", leftover)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink()


@contextmanager
def _locked(index_dir: Path) -> Iterator[None]:
    """One indexing run per index directory at a time."""
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another indexing run on %s", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _model_entry(embedder: Embedder) -> dict[str, Any]:
    return {"name": embedder.name, "dim": embedder.dim, "document_prompt": embedder.document_prompt}


def _chunking_entry(settings: Settings) -> dict[str, Any]:
    return {
        "size": settings.chunk_size,
        "overlap": settings.chunk_overlap,
        "embed_context": settings.embed_context,
        "text_recipe": TEXT_RECIPE,
    }


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _write_jsonl(path: Path, records: Iterator[Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def _read_jsonl(path: Path, make: Callable[[Any], Any]) -> Iterator[Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield make(json.loads(line))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadIndexError(f"cannot read {path} ({exc.__class__.__name__}); {REBUILD_HINT}") from None


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _document_from(record: dict[str, Any]) -> Document:
    headings = tuple(Heading(**h) for h in record.pop("headings"))
    elements = tuple(Element(**e) for e in record.pop("elements"))
    return Document(**record, headings=headings, elements=elements)


def _chunk_from(record: dict[str, Any]) -> Chunk:
    return Chunk(**{**record, "heading": tuple(record["heading"])})
