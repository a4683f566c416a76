"""`Engine`: the one object the CLI, the UI and Python callers use.

    from rag import Engine
    engine = Engine.open("index/")
    for hit in engine.search("海西州每年培训多少期骨干教师？", k=5):
        print(hit.title, hit.text)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from rag.answering import Answerer, abstain
from rag.embedding import Embedder
from rag.generation import Writer
from rag.indexing import Index, IndexReport, build_index, open_index
from rag.llm import ChatClient
from rag.retrieval import Retriever
from rag.schema import Answer, Document, Hit, Match
from rag.settings import Settings


class Engine:
    """A loaded index plus the embedding model, ready to answer many queries."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        import faiss

        # A query is one vector: FAISS's threads cost more than they save (benchmarks/scale.py:
        # exact search over 200k vectors takes 29 ms on two threads, 19 ms on one), and each
        # concurrent user keeps a core of their own.
        faiss.omp_set_num_threads(1)
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.retriever = Retriever(index, embedder, settings)
        self.answerer = Answerer(self.retriever)
        self.writer = None
        if settings.llm_base_url:
            client = ChatClient(
                settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout, settings.llm_max_tokens
            )
            self.writer = Writer(client, self.answerer)

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

    def search(self, query: str, k: int = 10, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The `k` best passages for `query` (optionally only from `doc_ids`), best first;
        none for a blank query."""
        if not query.strip():
            return []
        return self.retriever.run(query, k, doc_ids)

    def ask(self, question: str, on_delta: Callable[[str], None] | None = None) -> Answer:
        """A short answer to `question` whose every claim cites its source span.

        Extractive by default. With an LLM endpoint configured, the LLM writes the answer
        from the same passages and `on_delta` receives its text as it streams; when the
        evidence is too weak the answer abstains without calling the LLM."""
        if not question.strip():
            return abstain(question, [])
        answer = self.answerer.run(question)
        if self.writer is None or answer.abstained:
            return answer
        return self.writer.run(answer, on_delta)

    def similar(self, passage: str, k: int = 10) -> list[Hit]:
        """Passages of other documents similar to `passage` (or to a chunk id), grouped
        by document; none for a blank passage."""
        return self.retriever.similar(passage, k) if passage.strip() else []

    def locate(self, text: str, k: int = 5) -> list[Match]:
        """Where a remembered sentence really comes from: exact matches, then close ones."""
        return self.retriever.locate(text, k)


def load_embedder(settings: Settings) -> Embedder:
    return Embedder(settings.model, settings.model_cache, settings.device, settings.batch_size)


def index_corpus(settings: Settings, paths: list[Path] | None = None, rebuild: bool = False) -> IndexReport:
    """Build or update the index in `settings.index_dir` from `paths` (default corpus)."""
    return build_index(settings, load_embedder(settings), paths, rebuild)
