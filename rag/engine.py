"""`Engine`: the one object the CLI, the UI and Python callers use.

    from rag import Engine
    engine = Engine.open("index/")
    for hit in engine.search("海西州每年培训多少期骨干教师？", k=5):
        print(hit.title, hit.text)

The engine reads (search, ask, similar, locate, documents); its `librarian` changes the
library (uploads, deletions, rebuilds, background jobs, who may change it) and hands each
new index back to the engine to serve.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

from rag.answer import Answerer, ChatClient, Writer
from rag.embedding import Embedder, load_embedder
from rag.index import BadIndexError, Index
from rag.library.librarian import Librarian
from rag.schema import Answer, Document, DocumentFilter, Hit, Match
from rag.search import Question, Retriever, SimilarPassages
from rag.search.queries import Query, check_doc_ids, check_k, check_query
from rag.settings import Settings
from rag.stores import load_tokenizer, tokenize
from rag.stores.backends import Backend, open_backend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Serving:
    """Everything a query reads, swapped as one object: a query that starts on one index
    version finishes on it, even when an upload publishes the next one meanwhile."""

    index: Index
    retriever: Retriever
    similar: SimilarPassages
    answerer: Answerer
    writer: Writer | None


class Engine:
    """A loaded index plus the embedding model, ready to answer many queries. Its
    `librarian` changes the library (upload, delete, rebuild), after which the engine
    serves the new index at once. When another process changes the library (another app
    server on the same Milvus collection, or `rag index` on the same index), the next query
    serves the new version."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings, backend: Backend | None = None) -> None:
        self.embedder = embedder
        self.settings = settings
        self._backend = backend or open_backend(settings)
        self._refreshing = threading.Lock()
        self._checked = time.monotonic()
        self._use(index)
        # Changes to the library; it reads the index served now and hands back each new one.
        self.librarian = Librarian(
            settings, embedder, self._backend, served=lambda: self.index, documents=lambda: self.documents, serve=self._use
        )

    def _use(self, index: Index) -> None:
        """Serve `index` from now on."""
        settings = self.settings
        retriever = Retriever(index, self.embedder, settings)
        similar = SimilarPassages(retriever)
        policy = settings.answer_policy()
        answerer = Answerer(retriever, similar, policy)
        writer = None
        if settings.llm_base_url:
            client = ChatClient(
                settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout, settings.llm_max_tokens
            )
            writer = Writer(client, retriever, policy)
        self._serving = _Serving(index, retriever, similar, answerer, writer)

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
            current = self._backend.version()
            if current is None or current == self.index.version:
                return False
            log.info("the library changed in %s: serving its new version", self._backend.describe())
            self._use(self._backend.open(reuse=self.index))
            return True
        except BadIndexError as exc:  # the served version stays; the next check tries again
            log.warning("keeping the version served: %s", exc)
            return False
        finally:
            self._refreshing.release()

    @property
    def index(self) -> Index:
        """The index version served now (its documents, chunks and manifest)."""
        return self._serving.index

    @property
    def streams(self) -> bool:
        """Whether an LLM writes the answers, streaming them to `ask`'s `on_delta`."""
        return self._serving.writer is not None

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

    def _select(self, where: DocumentFilter | None, doc_ids: Collection[str] | None = None) -> list[str] | None:
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
        return self._serving.retriever.run(checked.text, k, self._select(where, doc_ids))

    def ask(
        self, question: str | Query, on_delta: Callable[[str], None] | None = None, where: DocumentFilter | None = None
    ) -> Answer:
        """A short answer to `question` whose every claim cites its source span, drawn
        from the documents matching `where` (all by default). `question` may be the `Query`
        an entry point checked already: the answer's notes then still say if it was cut.

        Extractive by default. With an LLM endpoint configured, the LLM writes the answer
        from the same passages and `on_delta` receives its text as it streams; when the
        evidence is too weak the answer abstains without calling the LLM, and when none
        of the LLM's claims is verified the extractive answer is kept, with a note."""
        checked = question if isinstance(question, Query) else self.check(question, "question")
        self.refresh()
        serving = self._serving
        answer = serving.answerer.run(checked.text, self._select(where))
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
        return self._serving.similar.run(checked.text, k)

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where a remembered sentence really comes from: exact matches, then close ones."""
        checked, k = self.check(text, "text"), check_k(k)
        self.refresh()
        return self._serving.retriever.locate(checked.text, k)

    def closest_sentence(self, hit: Hit, text: str) -> tuple[int, int]:
        """The sentence of `hit` (document offsets) closest in meaning to `text`."""
        return self._serving.similar.closest_sentence(hit, text)

    def analyze(self, question: str) -> Question:
        """`question` as the answer stage reads it: intent, answer type, constraints, and
        terms weighted by this library's IDF."""
        return self._serving.answerer.analyze(question)

    def evidence_points(self, question: str) -> tuple[tuple[float, float], ...]:
        """(lift, coverage) of every sentence eligible to answer `question`: what
        `rag calibrate` fits the answer policy's refusal numbers on."""
        return self._serving.answerer.evidence_points(question)

    @staticmethod
    def query_terms(query: str) -> list[str]:
        """The words of `query` that search matches, longest first (for highlighting)."""
        return sorted(set(tokenize(query)), key=len, reverse=True)

