"""`Engine`: the one object the CLI, the UI and Python callers use.

    from rag import Engine
    engine = Engine.open("index/")
    for hit in engine.search("海西州每年培训多少期骨干教师？", k=5):
        print(hit.title, hit.text)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rag.answering import Answerer
from rag.embedding import Embedder
from rag.generation import Writer
from rag.indexing import Index, IndexReport, Progress, build_index, open_index
from rag.library import Library, UploadError
from rag.llm import ChatClient
from rag.queries import Query, check_query
from rag.retrieval import Retriever
from rag.schema import Answer, Document, DocumentFilter, Hit, Match
from rag.settings import Settings
from rag.stores import tokenize


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
    changes the library (upload, delete, rebuild) and then serves the new index at once."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        import faiss

        # A query is one vector: FAISS's threads cost more than they save (benchmarks/scale.py:
        # exact search over 200k vectors takes 29 ms on two threads, 19 ms on one), and each
        # concurrent user keeps a core of their own.
        faiss.omp_set_num_threads(1)
        self.embedder = embedder
        self.settings = settings
        self.library = Library(settings)
        self._changing = threading.Lock()  # one library change at a time
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
        index = open_index(settings.index_dir, model=settings.model)
        return cls(index, load_embedder(settings), settings)

    @property
    def documents(self) -> list[Document]:
        return list(self.index.documents.values())

    def chunk_count(self, doc_id: str) -> int:
        return len(self.index.doc_rows.get(doc_id, ()))

    def check(self, text: str, field: str) -> Query:
        """`text` as it will be searched (cut to `query_max_chars`); raises `QueryError`,
        naming `field`, for a blank input or one with nothing to search for."""
        return check_query(text, field, self.settings.query_max_chars)

    def select(self, where: DocumentFilter | None, doc_ids: Collection[str] | None = None) -> list[str] | None:
        """The ids of the documents that `where` and `doc_ids` both let through; None when
        neither restricts anything."""
        if not where and doc_ids is None:
            return None
        return [d.doc_id for d in self.documents if (doc_ids is None or d.doc_id in doc_ids) and (not where or where.matches(d))]

    def search(
        self, query: str, k: int = 10, doc_ids: Collection[str] | None = None, where: DocumentFilter | None = None
    ) -> list[Hit]:
        """The `k` best passages for `query`, best first; optionally only from `doc_ids`
        and the documents matching `where` (year, issuer, kind, 发文字号)."""
        return self.retriever.run(self.check(query, "query").text, k, self.select(where, doc_ids))

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
        return self.retriever.similar(self.check(passage, "passage").text, k)

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where a remembered sentence really comes from: exact matches, then close ones."""
        return self.retriever.locate(self.check(text, "text").text, k)

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

    def add_files(self, files: Sequence[Path], progress: Progress | None = None) -> LibraryChange:
        """Upload `files` into the library and index them (only they are read and
        embedded); they are searchable when this returns. Refused files (including content
        the library holds already) are listed with the reason and leave nothing behind."""
        if len(files) > self.settings.upload_max_files:
            raise UploadError(f"{len(files)} files in one upload; the limit is {self.settings.upload_max_files}")
        with self._changing:
            stored: dict[str, str] = {}  # stored path -> name as uploaded
            rejected: list[tuple[str, str]] = []
            known = {entry["sha256"]: entry["source"] for entry in self.index.manifest["sources"]}
            for file in files:
                try:
                    stored[str(self.library.store(file, known))] = file.name
                except UploadError as exc:
                    rejected.append((file.name, str(exc).removeprefix(f"{file.name}: ")))
            report = self._reindex(progress) if stored else None
            for source, reason in report.skipped if report else ():
                if source in stored:
                    self.library.remove(source)
                    rejected.append((stored.pop(source), reason))
            titles: dict[str, list[str]] = {source: [] for source in stored}
            for document in self.documents:
                if document.source in titles:
                    titles[document.source].append(document.title)
            added = tuple((stored[s], tuple(t)) for s, t in titles.items())
            return LibraryChange(added=added, rejected=tuple(rejected), report=report)

    def remove_document(self, doc_id: str, progress: Progress | None = None) -> LibraryChange:
        """Delete the file holding `doc_id` from the library (an upload is deleted from
        disk, a corpus file is only excluded) and re-index; every document of that file goes."""
        with self._changing:
            document = self.index.documents.get(doc_id)
            if document is None:
                raise KeyError(f"no document with id {doc_id!r}")
            gone = tuple(d.title for d in self.documents if d.source == document.source)
            self.library.remove(document.source)
            return LibraryChange(removed=gone, report=self._reindex(progress))

    def rebuild(self, progress: Progress | None = None) -> LibraryChange:
        """Re-read and re-embed the whole library into a fresh index."""
        with self._changing:
            return LibraryChange(report=self._reindex(progress, rebuild=True))

    def _reindex(self, progress: Progress | None, rebuild: bool = False) -> IndexReport:
        report = build_index(
            self.settings,
            self.embedder,
            self.library.roots,
            rebuild,
            exclude=self.library.excluded(),
            progress=progress,
        )
        self._use(open_index(self.settings.index_dir, model=self.settings.model))
        return report


def load_embedder(settings: Settings) -> Embedder:
    return Embedder(settings.model, settings.model_cache, settings.device, settings.batch_size)


def index_corpus(
    settings: Settings, paths: list[Path] | None = None, rebuild: bool = False, progress: Progress | None = None
) -> IndexReport:
    """Build or update the index in `settings.index_dir` from `paths`, or by default from
    the library (the corpus plus uploads, less deleted files)."""
    library = Library(settings)
    exclude = library.excluded() if paths is None else set()
    return build_index(settings, load_embedder(settings), paths or library.roots, rebuild, exclude=exclude, progress=progress)
