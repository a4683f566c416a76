"""Retrieval quality on a gold set: our hybrid search beside a plain baseline, in one run.

Prints hit@1, hit@5, MRR@10 and evidence recall@5 for
- baseline: bm25s over plain jieba tokens of 400-character chunks cut from the raw files
  by LangChain's generic recursive splitter (no cleaning, no document structure);
- our BM25 alone, dense search over chunk vectors alone, the hybrid with chunk vectors only,
  the hybrid without the quoted-phrase ranking, our dense search (chunk and sentence vectors)
  alone, and the full hybrid (reciprocal rank fusion of all three rankings);
- dense and hybrid with chunks and sentences embedded without their title/heading context.
Builds throwaway indexes in a temporary folder (the model cache is shared).

Usage: .venv/bin/python benchmarks/retrieval.py ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.engine import Engine
from rag.evaluation import GoldItem, covers, evaluate_retrieval, load_gold, search_texts
from rag.ingest import find_files, read_file
from rag.library import index_corpus
from rag.search import Retriever, fuse
from rag.settings import Settings


def baseline(corpus: Sequence[Path]) -> Callable[[GoldItem], list[str]]:
    import bm25s
    import jieba
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    jieba.setLogLevel(logging.WARNING)
    splitter = RecursiveCharacterTextSplitter(chunk_size=400, chunk_overlap=0)
    chunks = [c for f in find_files(corpus) for c in splitter.split_text(read_file(f).text)]
    bm25 = bm25s.BM25()
    bm25.index([[w for w in jieba.lcut(c) if w.strip()] for c in chunks], show_progress=False)

    def search(item: GoldItem) -> list[str]:
        query = item.pasted if item.type == "similar" and item.pasted else item.question
        ids, _ = bm25.retrieve([[w for w in jieba.lcut(query) if w.strip()]], k=10, show_progress=False)
        return [chunks[i] for i in ids[0]]

    return search


def variant(engine: Engine, signals: tuple[str, ...]) -> Callable[[GoldItem], list[str]]:
    """Search fusing only some rankings, with the same de-duplication as the product.
    "dense-chunks" is dense search over chunk vectors alone (no sentence vectors). A
    `similar` item searches its pasted passage, leaving out hits that contain it."""
    retriever = Retriever(engine.index, engine.embedder, engine.settings)

    def search(item: GoldItem) -> list[str]:
        query = item.pasted if item.type == "similar" and item.pasted else item.question
        rankings = retriever.rankings(query)
        vector = engine.embedder.embed_query(query)
        rankings["dense-chunks"] = engine.index.dense.search(vector, engine.settings.candidates)[0].tolist()
        hits = retriever.hits(fuse([rankings[s] for s in signals if s in rankings], engine.settings.rrf_k), 15)
        return [h.text for h in hits if query == item.question or not covers(h.text, query)][:10]

    return search


def hybrid(engine: Engine) -> Callable[[GoldItem], list[str]]:
    return lambda item: search_texts(engine, item)


def report(name: str, scores: dict) -> None:  # type: ignore[type-arg]
    overall = scores["overall"].means()
    cells = "  ".join(f"{k} {v:.3f}" for k, v in overall.items())
    misses = [i for i, first in scores["overall"].per_item if first != 1]
    print(f"{name:<30} {cells}   not first: {', '.join(misses) or '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    items = load_gold(args.gold)
    settings = Settings.from_env()
    print(f"{len([i for i in items if i.quotes])} gold items with evidence; corpus {', '.join(map(str, settings.corpus))}")
    report("baseline bm25+jieba 400", evaluate_retrieval(items, baseline(settings.corpus)))
    with tempfile.TemporaryDirectory() as tmp:
        for context in (True, False):
            s = settings.with_overrides(index_dir=Path(tmp) / f"ctx-{context}", embed_context=context)
            index_corpus(s)
            engine = Engine.open(settings=s)
            label = "" if context else " (no context)"
            if context:
                report("ours: bm25 only", evaluate_retrieval(items, variant(engine, ("lexical",))))
                report("ours: dense, chunk vectors", evaluate_retrieval(items, variant(engine, ("dense-chunks",))))
                chunk_hybrid = variant(engine, ("dense-chunks", "lexical", "quoted"))
                report("ours: hybrid, chunk vectors", evaluate_retrieval(items, chunk_hybrid))
                report("ours: hybrid without quoted", evaluate_retrieval(items, variant(engine, ("dense", "lexical"))))
            report(f"ours: dense{label}", evaluate_retrieval(items, variant(engine, ("dense",))))
            report(f"ours: hybrid{label}", evaluate_retrieval(items, hybrid(engine)))


if __name__ == "__main__":
    main()
