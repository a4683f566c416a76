"""Where document metadata (issuer, year, 发文字号, kind) should enter retrieval, measured.

Questions name documents the way users know them ("教育部2019年的意见…", "国办发〔2015〕71号
文件…"). Four ways to use the metadata, each scored on gold sets (hit@1, MRR@10):

- none: BM25 sees the title with each chunk, nothing else (before metadata was parsed);
- bm25: the document's label (title plus issuer, 发文字号, year, kind) goes into BM25;
- bm25+named (the product): also a ranking of the chunks of the documents the question
  names by their metadata (`rag.search.naming.DocumentNames`);
- vectors: the label also goes into the embedded text of every chunk and sentence.

Each gold file may carry a "split" per item (fit / test): the choice was made on the fit
items and the sample set; the test items are reported apart. Builds throwaway indexes.

Usage: .venv/bin/python benchmarks/metadata.py CORPUS:GOLD [CORPUS:GOLD ...]
  e.g. benchmarks/metadata.py /tmp/realworld:benchmarks/gold/realworld.jsonl docs/corpus:../shared/eval/dev.jsonl
(CORPUS is a folder holding only the files the gold set is about.)
"""

from __future__ import annotations

import argparse
import functools
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.embedding import load_embedder
from rag.engine import Engine
from rag.evaluation import GoldItem, evaluate_retrieval, load_gold, search_texts
from rag.index import build_index, document_label, open_index, recipe
from rag.schema import Chunk, Document, Sentence
from rag.search import Retriever, fuse
from rag.settings import Settings


@contextmanager
def patched(name: str, replacement: Callable[..., object]) -> Iterator[None]:
    original = getattr(recipe, name)
    setattr(recipe, name, replacement)
    try:
        yield
    finally:
        setattr(recipe, name, original)


def title_tokens(document: Document, chunk: Chunk) -> tuple[str, ...]:
    return recipe.tokens_of(f"{document.title}\n{chunk.text}")


def label_vectors(document: Document, span: Chunk | Sentence, with_context: bool) -> str:
    text = document.text[span.start : span.end]
    headings = document.heading_path(span.start) if isinstance(span, Chunk) else ()
    return " > ".join((document_label(document), *headings)) + "\n" + text


def build(settings: Settings, way: str) -> Engine:
    embedder = load_embedder(settings)
    if way == "none":
        with patched("lexical_tokens", title_tokens):
            build_index(settings, embedder, rebuild=True)
    elif way == "vectors":
        with patched("embedding_text", label_vectors):
            build_index(settings, embedder, rebuild=True)
    else:
        build_index(settings, embedder, rebuild=True)
    return Engine(open_index(settings.index_dir), embedder, settings)


def without_named(engine: Engine) -> Callable[[GoldItem], list[str]]:
    """Search as the product does, less the ranking of named documents."""
    retriever = Retriever(engine.index, engine.embedder, engine.settings)

    def search(item: GoldItem) -> list[str]:
        if item.type == "similar" and item.pasted:
            return search_texts(engine, item)
        rankings = retriever.rankings(item.question)
        rankings.pop("named", None)
        return [h.text for h in retriever.hits(fuse(rankings.values(), engine.settings.rrf_k), 10)]

    return search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="CORPUS:GOLD pairs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"{'set':<28} {'way':<12} {'n':>3} {'hit@1':>6} {'MRR@10':>7}")
    for pair in args.sets:
        corpus, gold = (Path(p) for p in pair.split(":", 1))
        items = load_gold(gold)
        splits: list[str | None] = [*sorted({i.split for i in items if i.split})] or [None]
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env().with_overrides(corpus=(corpus,), index_dir=Path(tmp) / "index")
            for way in ("none", "bm25", "vectors"):
                engine = build(settings, way)
                product = functools.partial(search_texts, engine)
                searches: dict[str, list[tuple[str, Callable[[GoldItem], list[str]]]]] = {
                    "none": [("none", without_named(engine))],
                    "bm25": [("bm25", without_named(engine)), ("bm25+named", product)],
                    "vectors": [("vectors", product)],
                }
                for name, search in searches[way]:
                    for split in splits:
                        chosen = [i for i in items if split is None or i.split == split]
                        scores = evaluate_retrieval(chosen, search)["overall"].means()
                        label = f"{gold.stem}" + (f" ({split})" if split else "")
                        n = sum(1 for i in chosen if i.quotes)
                        print(f"{label:<28} {name:<12} {n:>3} {scores['hit@1']:>6.3f} {scores['MRR@10']:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
