"""Extractive answers: the sentences that answer a question, each cited exactly.

The `Answerer` reads the question once (`analyze`), then by its intent:

- a pasted quote ("「…」出自哪里"): the original sentence, found by `Retriever.locate`;
- a pasted passage ("「…」其他文件中有类似的说法吗"): similar passages of other documents
  (`rag.search.similar`);
- anything else: sentences judged as evidence (`rag.answer.evidence`). No supporting
  sentence: the answer abstains ("文档中没有找到相关信息") and lists the near misses in
  `Answer.sources`. Otherwise its shape follows the intent (`rag.answer.shapes`), and the
  chosen sentences are written as cited lines (`rag.answer.composition`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from rag.answer.composition import abstain, compose, compose_quote
from rag.answer.evidence import PASSAGES, Evidence
from rag.answer.shapes import Shapes
from rag.schema import Answer
from rag.search.questions import Question, analyze
from rag.search.retrieval import Retriever
from rag.search.similar import SimilarPassages


class Answerer:
    """Writes extractive answers from one retriever's index."""

    def __init__(self, retriever: Retriever, similar: SimilarPassages, min_support: float) -> None:
        self.retriever = retriever
        self.similar = similar
        self.evidence = Evidence(retriever, min_support)
        self.shapes = Shapes(self.evidence, similar)

    def analyze(self, question: str) -> Question:
        """The question as `rag.search.questions` reads it, terms weighted by this index's IDF. A
        comparison of documents it names ("国办2015年意见和四川省2016年实施意见") is
        answered from those documents: their places and years named them, and constrain
        nothing more."""
        asked = analyze(question, self.retriever.term_weight, self.evidence.known_places)
        if asked.intent in ("comparison", "change") and len(self.evidence.named(asked)) > 1:
            asked = replace(asked, places=(), years=())
        return asked

    def run(self, question: str, within: Collection[str] | None = None) -> Answer:
        """The answer to `question`, from the documents `within` (all when None; a pasted
        quote or passage is looked for in the whole library)."""
        asked = self.analyze(question)
        if asked.intent == "quote" and asked.pasted:
            return self.from_quote(question, asked.pasted)
        if asked.intent == "similar" and asked.pasted:
            return self.from_similar(question, asked.pasted)
        return self.from_sentences(asked, within)

    def support(self, question: str, within: Collection[str] | None = None) -> list[float]:
        """The support of every sentence eligible to answer `question`: what `rag calibrate`
        fits the threshold on."""
        candidates, _ = self.evidence.gather(self.analyze(question), within)
        return [c.support for c in candidates if c.eligible]

    def from_sentences(self, asked: Question, within: Collection[str] | None = None) -> Answer:
        """The answer from the supporting sentences, shaped by the question's intent."""
        candidates, hits = self.evidence.gather(asked, within)
        supported = [c for c in candidates if self.evidence.supports(c)]
        if asked.intent == "measures":
            answer = self.shapes.outline(asked, candidates, supported, hits)
            if answer is not None:
                return answer
        if not supported:
            return abstain(asked.text, hits)
        if asked.intent in ("comparison", "change") and (asked.groups or len(self.evidence.named(asked)) > 1):
            chosen = self.shapes.side_by_side(asked, candidates, supported)
        elif asked.intent == "places":
            chosen = self.shapes.by_document(supported)
        elif asked.intent == "measures":
            chosen = self.shapes.close_to(supported[0], [c for c in supported if c.doc_id == supported[0].doc_id])
        else:
            chosen = self.shapes.facts(asked, supported)
        return compose(asked.text, chosen, hits, self.evidence)

    def from_quote(self, question: str, quote: str) -> Answer:
        """Where a quoted sentence comes from, with the original wording cited."""
        matches = self.retriever.locate(quote, k=3)
        hits = self.retriever.run(quote, PASSAGES)
        if not matches:
            return abstain(question, hits)
        best = matches[0]
        return compose_quote(question, best, self.retriever.documents[best.doc_id], hits)

    def from_similar(self, question: str, passage: str) -> Answer:
        """Passages of other documents saying something similar: the closest sentence of
        the best passage of each of the most similar documents."""
        hits = self.similar.run(passage, k=PASSAGES)
        if not hits:
            return abstain(question, hits)
        return compose(question, self.shapes.similar_sentences(passage, hits), hits, self.evidence)
