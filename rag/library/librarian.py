"""`Librarian`: the one who changes the library (uploads, deletions, rebuilds, syncs) and
decides who may; the `Engine` holds one as `engine.librarian` and keeps the reading side.

Each change indexes the library, publishes the new index to the backend and hands it to
the engine to serve; the engine's queries go on meanwhile on the version they started on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.embedding import Embedder, load_embedder
from rag.index import BadIndexError, Index, IndexReport, Progress, build_index
from rag.ingest import base_id, find_files
from rag.library.jobs import Job, JobQueue
from rag.library.library import Library, LibraryError, LibraryState, Upload, UploadError
from rag.schema import Document
from rag.settings import Settings
from rag.stores.backends import Backend, open_backend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryChange:
    """What an upload, deletion or rebuild did, for the user: files added (with the titles
    of their documents), files refused (with the reason) and documents removed."""

    added: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()
    removed: tuple[str, ...] = ()
    report: IndexReport | None = None


class Librarian:
    """Changes the library one change at a time and has the engine serve each new index.

    It reads what it needs of the engine through three callables: `served` (the index
    served now), `documents` (its documents, once the engine has looked for a newer
    version) and `serve` (serve a newly published index from now on)."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        backend: Backend,
        served: Callable[[], Index],
        documents: Callable[[], list[Document]],
        serve: Callable[[Index], None],
    ) -> None:
        self.settings = settings
        self.library = Library(settings)
        self._embedder = embedder
        self._backend = backend
        self._served = served
        self._documents = documents
        self._serve = serve
        self._changing = threading.Lock()  # one library change at a time
        # Why the library cannot be changed (None: it can).
        self.read_only: str | None = "the library is read-only here (RAG_READ_ONLY=1)" if settings.read_only else None
        # Uploads, deletions and rebuilds run here, one at a time; what the user did wrong
        # (a refused upload, a document deleted meanwhile) is the job's error message.
        self.jobs: JobQueue[LibraryChange] = JobQueue(errors=(UploadError, LibraryError, KeyError, BadIndexError))

    def add_files(self, files: Sequence[Path], progress: Progress | None = None, consume: bool = False) -> LibraryChange:
        """Upload `files` into the library and index them (only they are read and
        embedded); they are searchable when this returns. All or nothing: a file is in the
        library only once the index that holds it is committed. Refused files (including
        content the library holds already) are listed with the reason and leave nothing
        behind. With `consume` the given files are deleted afterwards (they are copies)."""
        self._check_writable()
        self._check_upload_count(files)
        try:
            with self._changing, self.library.changing() as state:
                return self._add(files, state, progress)
        finally:
            if consume:
                for file in files:
                    file.unlink(missing_ok=True)

    def _add(self, files: Sequence[Path], state: LibraryState, progress: Progress | None) -> LibraryChange:
        known = {entry.sha256: entry.source for entry in self._served().manifest.sources}
        known.update((u.sha256, u.file) for u in state.uploads)
        placed: dict[str, Upload] = {}  # stored path -> upload
        rejected: list[tuple[str, str]] = []
        try:
            for file in files:
                try:
                    upload, stored = self._place(file, known)
                except UploadError as exc:
                    rejected.append((file.name, str(exc).removeprefix(f"{file.name}: ")))
                    continue
                path = str(stored)
                placed[path], known[upload.sha256] = upload, path
            if not placed:
                return LibraryChange(rejected=tuple(rejected))

            def commit(report: IndexReport) -> None:
                skipped = {source for source, _ in report.skipped}
                self.library.commit(state.with_uploads([u for p, u in placed.items() if p not in skipped]))

            report = self._reindex(progress, state, [Path(p) for p in placed], commit)
        except BaseException:
            for path in placed:
                Path(path).unlink(missing_ok=True)
            raise
        for source, reason in report.skipped:
            if source in placed:
                Path(source).unlink(missing_ok=True)
                rejected.append((placed.pop(source).name, reason))
        titles: dict[str, list[str]] = {source: [] for source in placed}
        for document in self._documents():
            if document.source in titles:
                titles[document.source].append(document.title)
        added = tuple((placed[s].name, tuple(t)) for s, t in titles.items())
        return LibraryChange(added=added, rejected=tuple(rejected), report=report)

    def _place(self, file: Path, known: dict[str, str]) -> tuple[Upload, Path]:
        """Check `file` and copy it into the uploads folder; raises `UploadError` for a file
        refused, content the library holds already (`known`: sha256 -> path) included."""
        digest = self.library.check(file)
        if digest in known:
            raise UploadError(f"{file.name}: the same content is already in the library ({Path(known[digest]).name})")
        upload = self.library.place(file, file.name, digest)
        stored = self.library.uploads_dir / upload.file
        # Document ids come from file names, made unique within one library only: a name
        # another server's file has (on a shared backend) would give its ids twice.
        owner = self._served().clashing_owner(base_id(stored, [self.library.uploads_dir]))
        if owner is not None:
            stored.unlink(missing_ok=True)
            raise UploadError(f"{file.name}: another server added a file of this name ({owner}); rename it and upload again")
        return upload, stored

    def remove_document(self, doc_id: str, progress: Progress | None = None) -> LibraryChange:
        """Delete the file holding `doc_id` from the library (an upload is deleted from
        disk, a corpus file is only excluded) and re-index; every document of that file goes."""
        self._check_writable()
        with self._changing, self.library.changing() as state:
            document = self._served().documents.get(doc_id)
            if document is None:
                raise KeyError(f"no document with id {doc_id!r} in the library")
            owner = self._served().foreign_owner(doc_id)
            if owner is not None:
                raise LibraryError(f"{document.title}: added by another server ({owner}); delete it there")
            gone = tuple(d.title for d in self._documents() if d.source == document.source)
            source = Path(document.source)
            upload = self.library.is_upload(source)
            after = state.without(source.name) if upload else state.excluding(str(source.resolve()))
            report = self._reindex(progress, after, commit=lambda _: self.library.commit(after))
            if upload:
                source.unlink(missing_ok=True)
            return LibraryChange(removed=gone, report=report)

    def rebuild(self, progress: Progress | None = None) -> LibraryChange:
        """Re-read and re-embed the whole library into a fresh index."""
        self._check_writable()
        with self._changing, self.library.changing() as state:
            return LibraryChange(report=self._reindex(progress, state, rebuild=True))

    def sync(self) -> IndexReport | None:
        """Bring an index built from the library up to it when they list different files:
        corpus files added or deleted while the app was down, or a change stopped between
        committing to the library and publishing its index. An index built from other
        paths (`rag index PATHS`) is served as it is. Returns what was done (None: nothing)."""
        if self._served().manifest.library != str(self.library.folder):
            return None
        with self._changing, self.library.changing() as state:
            wanted = {str(f) for f in find_files(self.library.roots(state), state.excluded)}
            manifest = self._served().manifest
            indexed = {e.source for e in manifest.sources} | {source for source, _ in manifest.skipped}
            if wanted == indexed:
                return None
            log.warning("the index lists %d files the library does not, and misses %d: updating it", len(indexed - wanted), len(wanted - indexed))
            return self._reindex(None, state)

    def submit_upload(self, files: Sequence[Path], consume: bool = False) -> Job[LibraryChange]:
        """`add_files` as a background job: returns at once; the job runs after the jobs
        queued before it, while searches go on. Too many files are refused at once."""
        self._check_writable()
        self._check_upload_count(files)
        names = ", ".join(f.name for f in files)
        return self.jobs.submit("upload", names, lambda progress: self.add_files(files, progress, consume))

    def submit_delete(self, doc_id: str) -> Job[LibraryChange]:
        """`remove_document` as a background job."""
        self._check_writable()
        document = self._served().documents.get(doc_id)
        subject = document.title if document else doc_id
        return self.jobs.submit("delete", subject, lambda progress: self.remove_document(doc_id, progress))

    def submit_rebuild(self) -> Job[LibraryChange]:
        """`rebuild` as a background job."""
        self._check_writable()
        return self.jobs.submit("rebuild", "", lambda progress: self.rebuild(progress))

    def make_read_only(self, reason: str) -> None:
        """Refuse every change from now on, saying `reason` (the app beyond loopback without a
        librarian login, or `RAG_READ_ONLY`)."""
        self.read_only = self.read_only or reason

    def _check_writable(self) -> None:
        """Every change is refused, with the reason, when the library is read-only."""
        if self.read_only:
            raise LibraryError(self.read_only)

    def _check_upload_count(self, files: Sequence[Path]) -> None:
        if len(files) > self.settings.upload_max_files:
            raise UploadError(f"{len(files)} files in one upload; the limit is {self.settings.upload_max_files}")

    def _reindex(
        self,
        progress: Progress | None,
        state: LibraryState,
        extra: Sequence[Path] = (),
        commit: Callable[[IndexReport], None] | None = None,
        rebuild: bool = False,
    ) -> IndexReport:
        """Index the library `state` (plus `extra` files), publish it and serve the result."""
        report = build_library(self.library, state, self._embedder, extra, rebuild, progress, commit)
        self._backend.publish(rebuild)
        self._serve(self._backend.open(reuse=self._served()))
        return report


def build_library(
    library: Library,
    state: LibraryState,
    embedder: Embedder,
    extra: Sequence[Path] = (),
    rebuild: bool = False,
    progress: Progress | None = None,
    commit: Callable[[IndexReport], None] | None = None,
) -> IndexReport:
    """`build_index` of the library `state` (plus `extra` files, not committed yet)."""
    paths = [*library.roots(state), *extra]
    return build_index(
        library.settings, embedder, paths, rebuild, exclude=state.excluded, progress=progress, commit=commit, library=library.folder
    )


def index_corpus(
    settings: Settings, paths: list[Path] | None = None, rebuild: bool = False, progress: Progress | None = None
) -> IndexReport:
    """Build or update the index in `settings.index_dir` from `paths`, or by default from
    the library (the corpus plus uploads, less deleted files); then publish it to the
    backend (a Milvus collection; the embedded backend serves the local index as it is)."""
    embedder = load_embedder(settings)
    if paths:
        report = build_index(settings, embedder, paths, rebuild, progress=progress)
        open_backend(settings).publish(rebuild)
        return report
    library = Library(settings)
    with library.changing() as state:
        report = build_library(library, state, embedder, rebuild=rebuild, progress=progress)
        open_backend(settings).publish(rebuild)
        return report
