"""`Engine`: the one object the CLI, the UI and Python callers use.

    from rag import Engine
    engine = Engine.open("index/")
    for hit in engine.search("海西州每年培训多少期骨干教师？", k=5):
        print(hit.title, hit.text)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rag.answering import Answerer
from rag.backends import Backend, open_backend
from rag.embedding import Embedder
from rag.generation import Writer
from rag.indexing import BadIndexError, Index, IndexReport, Progress, build_index
from rag.ingest import base_id
from rag.ingest.load import find_files
from rag.jobs import Job, JobQueue
from rag.library import Library, LibraryError, LibraryState, Upload, UploadError
from rag.llm import ChatClient
from rag.queries import Query, check_doc_ids, check_k, check_query
from rag.retrieval import Retriever
from rag.schema import Answer, Document, DocumentFilter, Hit, Match
from rag.settings import Settings
from rag.stores import load_tokenizer, tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryChange:
    """What an upload, deletion or rebuild did, for the user: files added (with the titles
    of their documents), files refused (with the reason) and documents removed."""

    added: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()
    removed: tuple[str, ...] = ()
    report: IndexReport | None = None


@dataclass(frozen=True)
class _Serving:
    """Everything a query reads, swapped as one object: a query that starts on one index
    version finishes on it, even when an upload publishes the next one meanwhile."""

    index: Index
    retriever: Retriever
    answerer: Answerer
    writer: Writer | None


class Engine:
    """A loaded index plus the embedding model, ready to answer many queries; it also
    changes the library (upload, delete, rebuild) and then serves the new index at once.
    When another process changes the library (another app server on the same Milvus
    collection, or `rag index` on the same index), the next query serves the new version."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings, backend: Backend | None = None) -> None:
        self.embedder = embedder
        self.settings = settings
        self.backend = backend or open_backend(settings)
        self.library = Library(settings)
        self._changing = threading.Lock()  # one library change at a time
        self._refreshing = threading.Lock()
        # Why the library cannot be changed through this engine (None: it can).
        self.read_only: str | None = "the library is read-only here (RAG_READ_ONLY=1)" if settings.read_only else None
        self._checked = time.monotonic()
        # Uploads, deletions and rebuilds run here, one at a time; what the user did wrong
        # (a refused upload, a document deleted meanwhile) is the job's error message.
        self.jobs: JobQueue[LibraryChange] = JobQueue(errors=(UploadError, LibraryError, KeyError, BadIndexError))
        self._use(index)

    def _use(self, index: Index) -> None:
        """Serve `index` from now on."""
        settings = self.settings
        retriever = Retriever(index, self.embedder, settings)
        answerer = Answerer(retriever, settings.answer_threshold())
        writer = None
        if settings.llm_base_url:
            client = ChatClient(
                settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout, settings.llm_max_tokens
            )
            writer = Writer(client, answerer)
        self._serving = _Serving(index, retriever, answerer, writer)

    def warm_up(self) -> None:
        """Load what a first query needs (the tokenizer's dictionary, the query model), so
        that the first user does not wait for it: `rag serve` calls it once the app listens."""
        self.embedder.warm_up()
        load_tokenizer()

    def refresh(self) -> bool:
        """Serve the backend's current version if another process published one since;
        checked at most every `refresh_seconds` (reads call it). Returns whether it changed."""
        now = time.monotonic()
        if now - self._checked < self.settings.refresh_seconds or not self._refreshing.acquire(blocking=False):
            return False
        try:
            self._checked = now
            current = self.backend.version()
            if current is None or current == self.index.version:
                return False
            log.info("the library changed in %s: serving its new version", self.backend.describe())
            self._use(self.backend.open(reuse=self.index))
            return True
        except BadIndexError as exc:  # the served version stays; the next check tries again
            log.warning("keeping the version served: %s", exc)
            return False
        finally:
            self._refreshing.release()

    @property
    def index(self) -> Index:
        return self._serving.index

    @property
    def retriever(self) -> Retriever:
        return self._serving.retriever

    @property
    def answerer(self) -> Answerer:
        return self._serving.answerer

    @property
    def writer(self) -> Writer | None:
        return self._serving.writer

    @classmethod
    def open(cls, index_dir: str | Path | None = None, settings: Settings | None = None) -> Engine:
        """Load the index in `index_dir` (default: the configured one) and its model.

        Raises `BadIndexError` when there is no usable index, naming the fix."""
        settings = settings or Settings.from_env()
        if index_dir is not None:
            settings = settings.with_overrides(index_dir=Path(index_dir))
        backend = open_backend(settings)
        return cls(backend.open(), load_embedder(settings), settings, backend)

    @property
    def documents(self) -> list[Document]:
        self.refresh()
        return list(self.index.documents.values())

    def chunk_count(self, doc_id: str) -> int:
        return len(self.index.doc_rows.get(doc_id, ()))

    def check(self, text: object, field: str) -> Query:
        """`text` as it will be searched (cut to `query_max_chars`); raises `QueryError`,
        naming `field`, for a blank input or one with nothing to search for."""
        return check_query(text, field, self.settings.query_max_chars)

    def select(self, where: DocumentFilter | None, doc_ids: Collection[str] | None = None) -> list[str] | None:
        """The ids of the documents that `where` and `doc_ids` both let through; None when
        neither restricts anything."""
        if not where and doc_ids is None:
            return None
        return [d.doc_id for d in self.index.documents.values() if (doc_ids is None or d.doc_id in doc_ids) and (not where or where.matches(d))]

    def search(
        self, query: str, k: int = 10, doc_ids: Collection[str] | None = None, where: DocumentFilter | None = None
    ) -> list[Hit]:
        """The `k` best passages for `query`, best first; optionally only from `doc_ids`
        and the documents matching `where` (year, issuer, kind, 发文字号)."""
        checked, k, doc_ids = self.check(query, "query"), check_k(k), check_doc_ids(doc_ids)
        self.refresh()
        return self.retriever.run(checked.text, k, self.select(where, doc_ids))

    def ask(
        self, question: str | Query, on_delta: Callable[[str], None] | None = None, where: DocumentFilter | None = None
    ) -> Answer:
        """A short answer to `question` whose every claim cites its source span, drawn
        from the documents matching `where` (all by default). `question` may be the `Query`
        an entry point checked already: the answer's notes then still say if it was cut.

        Extractive by default. With an LLM endpoint configured, the LLM writes the answer
        from the same passages and `on_delta` receives its text as it streams; when the
        evidence is too weak the answer abstains without calling the LLM."""
        checked = question if isinstance(question, Query) else self.check(question, "question")
        self.refresh()
        serving = self._serving
        answer = serving.answerer.run(checked.text, self.select(where))
        if serving.writer is not None and not answer.abstained:
            answer = serving.writer.run(answer, on_delta)
        if checked.notice:
            answer = replace(answer, notes=(checked.notice, *answer.notes))
        return answer

    def similar(self, passage: str, k: int = 10) -> list[Hit]:
        """Passages of other documents similar to `passage` (or to a chunk id), grouped
        by document."""
        checked, k = self.check(passage, "passage"), check_k(k)
        self.refresh()
        return self.retriever.similar(checked.text, k)

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where a remembered sentence really comes from: exact matches, then close ones."""
        checked, k = self.check(text, "text"), check_k(k)
        self.refresh()
        return self.retriever.locate(checked.text, k)

    def closest_sentence(self, hit: Hit, text: str) -> tuple[int, int]:
        """The sentence of `hit` (document offsets) closest in meaning to `text`."""
        return self.retriever.closest_sentence(hit, text)

    @staticmethod
    def query_terms(query: str) -> list[str]:
        """The words of `query` that search matches, longest first (for highlighting)."""
        return sorted(set(tokenize(query)), key=len, reverse=True)

    # ----------------------------------------------------------------------------------
    # Changing the library
    # ----------------------------------------------------------------------------------

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
        known = {entry["sha256"]: entry["source"] for entry in self.index.manifest["sources"]}
        known.update((u.sha256, u.file) for u in state.uploads)
        placed: dict[str, Upload] = {}  # stored path -> upload
        rejected: list[tuple[str, str]] = []
        try:
            for file in files:
                try:
                    digest = self.library.check(file)
                    if digest in known:
                        raise UploadError(f"{file.name}: the same content is already in the library ({Path(known[digest]).name})")
                    upload = self.library.place(file, file.name, digest)
                    stored = self.library.uploads_dir / upload.file
                    try:
                        self.backend.check_upload(self.index, base_id(stored, [self.library.uploads_dir]), file.name)
                    except UploadError:
                        stored.unlink(missing_ok=True)
                        raise
                except UploadError as exc:
                    rejected.append((file.name, str(exc).removeprefix(f"{file.name}: ")))
                    continue
                path = str(stored)
                placed[path], known[digest] = upload, path
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
        for document in self.documents:
            if document.source in titles:
                titles[document.source].append(document.title)
        added = tuple((placed[s].name, tuple(t)) for s, t in titles.items())
        return LibraryChange(added=added, rejected=tuple(rejected), report=report)

    def remove_document(self, doc_id: str, progress: Progress | None = None) -> LibraryChange:
        """Delete the file holding `doc_id` from the library (an upload is deleted from
        disk, a corpus file is only excluded) and re-index; every document of that file goes."""
        self._check_writable()
        with self._changing, self.library.changing() as state:
            document = self.index.documents.get(doc_id)
            if document is None:
                raise KeyError(f"no document with id {doc_id!r} in the library")
            self.backend.check_removable(self.index, document)
            gone = tuple(d.title for d in self.documents if d.source == document.source)
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
        if self.index.manifest.get("library") != str(self.library.folder):
            return None
        with self._changing, self.library.changing() as state:
            wanted = {str(f) for f in find_files(self.library.roots(state), state.excluded)}
            manifest = self.index.manifest
            indexed = {e["source"] for e in manifest["sources"]} | {s["source"] for s in manifest.get("skipped", ())}
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
        document = self.index.documents.get(doc_id)
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
        """Every change is refused, with the reason, when the engine is read-only."""
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
        report = build_library(self.library, state, self.embedder, extra, rebuild, progress, commit)
        self.backend.publish(rebuild)
        self._use(self.backend.open(reuse=self.index))
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


def load_embedder(settings: Settings) -> Embedder:
    return Embedder(
        settings.model, settings.model_cache, settings.device, settings.batch_size, settings.embed_runtime, settings.embed_quantize
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
