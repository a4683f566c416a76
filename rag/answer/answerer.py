"""Extractive answers: the sentences that answer a question, each cited exactly.

One algorithm, in five steps:

1. **analysis**, once (`analyze`): intent, answer type, constraints, weighted terms;
2. **candidates** from retrieval (`Evidence.gather`): the sentences of the best passages in
   the question's scope, each judged (hard checks, coverage, lift above the background);
3. **checks** (`rag.answer.checks`): refuse only when a hard constraint is met by no
   candidate or none stands out from the library's background, saying why in one line;
4. a **shape** (`rag.answer.shapes.Shape`): a fact, a list, an outline, a comparison or
   one sentence per document;
5. **composition** (`rag.answer.composition`): cited lines, each citation with its level.

A pasted quote ("「…」出自哪里") is located instead (`Retriever.locate`), and a pasted
passage ("「…」其他文件中有类似的说法吗") answered with similar passages of other documents.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from rag import language
from rag.answer.checks import refusal
from rag.answer.composition import abstain, compose, compose_quote
from rag.answer.evidence import Evidence, Gathered
from rag.answer.policy import AnswerPolicy
from rag.answer.shapes import Shape, Shapes
from rag.schema import Answer
from rag.search.questions import Intent, Question, analyze
from rag.search.retrieval import Retriever
from rag.search.similar import SimilarPassages


class Answerer:
    """Writes extractive answers from one retriever's index."""

    def __init__(self, retriever: Retriever, similar: SimilarPassages, policy: AnswerPolicy) -> None:
        self.retriever = retriever
        self.similar = similar
        self.evidence = Evidence(retriever, policy)
        self.shapes = Shapes(self.evidence, similar)

    def analyze(self, question: str) -> Question:
        """The question as `rag.search.questions` reads it, terms weighted by this index's IDF. A
        comparison of documents it names ("国办2015年意见和四川省2016年实施意见", or two
        titles and "有什么不同") is answered from those documents: their places and years
        named them, and constrain nothing more."""
        asked = analyze(question, self.retriever.term_weight, self.evidence.known_places)
        if len(self.evidence.named(asked)) > 1 and (asked.intent.compares or language.COMPARE_ASK.search(asked.text)):
            asked = replace(asked, intent=Intent.COMPARISON, places=(), years=())
        return asked

    def run(self, question: str, within: Collection[str] | None = None) -> Answer:
        """The answer to `question`, from the documents `within` (all when None; a pasted
        quote or passage is looked for in the whole library)."""
        asked = self.analyze(question)
        if asked.intent == Intent.QUOTE and asked.pasted:
            return self.from_quote(question, asked.pasted)
        if asked.intent == Intent.SIMILAR and asked.pasted:
            return self.from_similar(question, asked.pasted)
        return self.from_evidence(asked, within)

    def evidence_points(self, question: str) -> tuple[tuple[float, float], ...]:
        """(lift, coverage) of every sentence the hard checks leave eligible to answer
        `question` (none when a hard constraint refuses it): what `rag calibrate` fits on."""
        gathered = self.evidence.gather(self.analyze(question), None)
        return tuple((c.lift, c.coverage) for c in gathered.candidates if c.eligible)

    def from_evidence(self, asked: Question, within: Collection[str] | None = None) -> Answer:
        """Candidates, checks, shape, composition (see the module docstring)."""
        gathered = self.evidence.gather(asked, within)
        shape = Shape.of(asked, len(self.evidence.groups(asked)))
        if shape == Shape.OUTLINE and gathered.refusal is None:
            answer = self._outline(asked, gathered)
            if answer is not None:  # a section the question names answers it, however worded
                return answer
        why = refusal(asked, gathered, self.evidence)
        if why is not None:
            return abstain(asked.text, gathered.hits, why)
        return self._shaped(asked, shape, gathered)

    def _shaped(self, asked: Question, shape: Shape, gathered: Gathered) -> Answer:
        """The answer laid out in `shape` from evidence that passed the checks."""
        candidates, hits = gathered.candidates, gathered.hits
        supported = [c for c in candidates if self.evidence.supports(c)]
        if shape == Shape.LIST:
            listed = self.shapes.items(asked, candidates)
            if listed is not None:
                announce, items = listed
                return compose(asked.text, sorted(items, key=lambda c: c.start), hits, self.evidence, heading=announce, separate=True)
            outlined = self._outline(asked, gathered) if asked.intent == Intent.MEASURES else None
            if outlined is not None:
                return outlined
            shape = Shape.OUTLINE if asked.intent == Intent.MEASURES else Shape.FACT
        if shape == Shape.OUTLINE:  # no outline found: the best sentences of the best document
            chosen = self.shapes.close_to(supported[0], [c for c in supported if c.doc_id == supported[0].doc_id])
        elif shape == Shape.SIDE_BY_SIDE:
            return compose(asked.text, self.shapes.side_by_side(asked, candidates, supported), hits, self.evidence, sides=True)
        elif shape == Shape.BY_DOCUMENT:
            chosen = self.shapes.by_document(supported)
        else:
            chosen = self.shapes.facts(asked, supported)
        return compose(asked.text, chosen, hits, self.evidence)

    def _outline(self, asked: Question, gathered: Gathered) -> Answer | None:
        supported = [c for c in gathered.candidates if self.evidence.supports(c)]
        return self.shapes.outline(asked, gathered.candidates, supported, gathered.hits)

    def from_quote(self, question: str, quote: str) -> Answer:
        """Where a quoted sentence comes from, with the original wording cited."""
        matches = self.retriever.locate(quote, k=3)
        hits = self.retriever.run(quote, self.evidence.policy.passages)
        if not matches:
            return abstain(question, hits, "文档中没有找到这句话或与之相近的句子")
        best = matches[0]
        return compose_quote(question, best, self.retriever.documents[best.doc_id], hits)

    def from_similar(self, question: str, passage: str) -> Answer:
        """Passages of other documents saying something similar: the closest sentence of
        the best passage of each of the most similar documents."""
        hits = self.similar.run(passage, k=self.evidence.policy.passages)
        if not hits:
            return abstain(question, hits, "其他文档中没有找到相近的段落")
        return compose(question, self.shapes.similar_sentences(passage, hits), hits, self.evidence, levels=False)
