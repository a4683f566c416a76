"""Evidence: which sentences of the index may answer an analysed question, and how well.

A question is first analysed (`rag.search.questions`): its intent, the answer type it expects,
its constraints (places, years, named documents) and its specific terms. Hybrid
retrieval then finds passages, and each of their sentences is judged as evidence:

- it may answer only if it is body text (never a title, heading, date, byline or speaker
  line), meets the question's constraints (a place the document or the sentence speaks
  for, a year of the document or of the sentence's context) and, for a number or a date,
  prints one of the asked kind ("多少亿元" needs an amount in 元);
- it **supports** the question when, with its heading path and its document's title as
  context, it covers enough of the question's terms (weighted by IDF, so the specific
  ones count most) and is close enough in meaning (embedding cosine). The two thresholds
  are fitted by `rag calibrate` on a gold set (`rag.answer.calibration`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rag import language
from rag.schema import Document, Hit, Sentence
from rag.search.questions import Question, places_in
from rag.search.retrieval import Retriever
from rag.textshape import char_pairs, heading_rank, squash

# Passages whose sentences are judged.
PASSAGES = 10
# How much term coverage adds to the cosine in a sentence's support.
COVERAGE_WEIGHT = 0.2
# How strongly (`rag.search.naming.DocumentNames`) a question must name documents to keep the answer to them.
CLEAR_NAMING = 1.5
# A document whose title names no place speaks for a place it names this many times.
PLACE_MENTIONS = 2
# A short sentence opening with an enumerator ("二、坚持城乡一体…") is a section label.
LABEL_LENGTH = 32
# Two sentences sharing this share of their character pairs say the same thing.
DUPLICATE_SHARE = 0.6


@dataclass(frozen=True)
class Candidate:
    """A sentence of the index judged as evidence for one question: how close it is in
    meaning (`cosine`), how much of the question's terms it covers (`coverage`, 0-1), and
    whether it may answer at all (`eligible`, see the module docstring)."""

    row: int
    doc_id: str
    start: int
    end: int
    cosine: float
    coverage: float
    eligible: bool
    found: frozenset[str] = frozenset()  # the question's terms and unit families it holds

    @property
    def support(self) -> float:
        """How well it answers: the cosine, raised by its coverage of the question's terms."""
        return self.cosine + COVERAGE_WEIGHT * self.coverage


class Evidence:
    """Gathers and judges the sentences of one retriever's index for analysed questions."""

    def __init__(self, retriever: Retriever, min_support: float) -> None:
        self.retriever = retriever
        self.documents = retriever.documents
        # A sentence must reach this support to answer (fitted by `rag calibrate`).
        self.min_support = min_support
        self._starts: dict[str, list[int]] = {}  # each document's sentence starts, in row order
        self._place_counts: dict[tuple[str, str], int] = {}  # how often a document names a place

    @cached_property
    def labels(self) -> dict[str, list[tuple[int, int]]]:
        """Each document's spans that never answer a fact, read on first use."""
        return {d.doc_id: _label_spans(d) for d in self.documents.values()}

    @cached_property
    def title_places(self) -> dict[str, tuple[str, ...]]:
        """The places each document's title names: read on the first question, as tagging
        them loads jieba's part-of-speech model (a second or two at start)."""
        return {d.doc_id: _places_of(d) for d in self.documents.values()}

    @cached_property
    def known_places(self) -> frozenset[str]:
        return frozenset(p for places in self.title_places.values() for p in places)

    def named(self, asked: Question) -> set[str]:
        """The documents the question clearly names by their metadata (by 发文字号, or by
        issuer, year and kind together): the most strongly named ones, and any named by
        number. A weaker naming ("浙江那份通知" when the library's notices say no issuer)
        only ranks documents in retrieval. A comparison naming one document clearly and
        the other by year or place alone is answered by its years or places."""
        strength = self.retriever.naming(asked.text)
        top = max(strength.values(), default=0.0)
        return {d for d, s in strength.items() if (s == top and s >= CLEAR_NAMING) or s >= 2}

    def scope(self, asked: Question, within: Collection[str] | None) -> list[str] | None:
        """The documents the answer may come from: those `within`, narrowed to the ones the
        question names (by 发文字号, issuer, year with kind; none when it dates a kind of
        document the library holds for no such year) and to those mentioning its places and
        years."""
        documents = [d for d in self.documents.values() if within is None or d.doc_id in within]
        if asked.document_years and asked.kinds:
            documents = [d for d in documents if _of_year(d, asked.document_years) or d.kind not in asked.kinds]
            if not any(d.kind in asked.kinds for d in documents):
                return []  # "2019年政府工作报告": the library holds no such document
        named = self.named(asked)
        if len(named) == 1 and asked.intent in ("comparison", "change") and asked.groups:
            named = set()  # one of the documents compared: the groups (years, places) find the others
        if named:
            documents = [d for d in documents if d.doc_id in named]
        if asked.places or asked.years:
            documents = [d for d in documents if _mentions(d, asked)]
        return [d.doc_id for d in documents] if named or asked.places or asked.years or within is not None else None

    def gather(self, asked: Question, within: Collection[str] | None) -> tuple[list[Candidate], list[Hit]]:
        """The sentences of the passages retrieved for `asked` in its scope, judged, best
        first, and the passages; no sentences when the question names a place no document
        mentions or its scope is empty (the passages are then near misses from `within`)."""
        scope = self.scope(asked, within)
        unknown = any(not self._mentioned(p) for p in asked.places)
        hits = self.retriever.run(asked.text, PASSAGES, scope) if not unknown and (scope is None or scope) else []
        if not hits:
            return [], self.retriever.run(asked.text, PASSAGES, within)
        return self.judge(asked, sorted({r for hit in hits for r in self.retriever.sentence_rows(hit)})), hits

    def judge(self, asked: Question, rows: Sequence[int]) -> list[Candidate]:
        """`rows` (sentences of the index) as evidence for `asked`, best first."""
        if not rows:
            return []
        vector = self.retriever.query_vector(asked.text)
        cosines = self.retriever.sentence_scores(vector, np.asarray(rows, dtype=np.int64)).tolist()
        candidates = [self.candidate(asked, row, cosine) for row, cosine in zip(rows, cosines)]
        return sorted(candidates, key=lambda c: -c.support)

    def candidate(self, asked: Question, row: int, cosine: float) -> Candidate:
        sentence = self.retriever.sentence(row)
        document = self.documents[sentence.doc_id]
        context = " ".join([*document.heading_path(sentence.start), self._context(row)])
        found = {t.word for t in asked.terms if t.word in squash(context).lower()}
        covered = coverage(asked, context, document.title)
        text = document.text[sentence.start : sentence.end]
        units = {u for u in asked.units if language.NUMBER_IN_UNIT[u].search(text)}
        eligible = (
            not self.is_label(row)
            and self._in_places(asked, sentence.doc_id, context)
            and self._in_years(asked, document, context)
            and _answer_kind(asked, text, units)
        )
        return Candidate(row, sentence.doc_id, sentence.start, sentence.end, cosine, covered, eligible, frozenset(found | units))

    def supports(self, candidate: Candidate) -> bool:
        return candidate.eligible and candidate.support >= self.min_support

    # ----------------------------------------------------------------------------------
    # What a sentence is and says
    # ----------------------------------------------------------------------------------

    def is_label(self, row: int) -> bool:
        """A title, heading, date, byline, speaker line or other 公文 element, or a short
        enumerated lead sentence without figures: it names a topic but answers nothing."""
        sentence = self.retriever.sentence(row)
        document = self.documents[sentence.doc_id]
        if sentence.start == 0 or any(s <= sentence.start and sentence.end <= e for s, e in self.labels[sentence.doc_id]):
            return True
        text = squash(document.text[sentence.start : sentence.end])
        if text == squash(document.title) or self.lead(row) == sentence:
            return True
        return heading_rank(text) is not None and len(text) <= LABEL_LENGTH and not language.DIGIT.search(text)

    def lead(self, row: int) -> Sentence | None:
        """The lead sentence of the paragraph holding sentence `row`: a short first sentence
        without figures that the paragraph goes on after ("加强民生建设。…"), an inline heading."""
        sentence = self.retriever.sentence(row)
        text = self.documents[sentence.doc_id].text
        start, end = paragraph(text, sentence.start)
        rows = self.rows_between(sentence.doc_id, start, end)
        if not rows:
            return None
        first = self.retriever.sentence(rows[0])
        lead = text[first.start : first.end].strip()
        if len(rows) < 2 or len(lead) > language.LEAD_MAX_CHARS or language.DIGIT.search(lead) or lead[-1:] not in language.LEAD_END_MARKS:
            return None
        return first

    def rows_between(self, doc_id: str, start: int, end: int) -> list[int]:
        """Rows of the document's sentences that begin in `[start, end)`."""
        rows = self.retriever.sentence_rows_of([doc_id])
        starts = self._starts.get(doc_id)
        if starts is None:  # once per document: a long report has many thousand sentences
            starts = self._starts[doc_id] = [self.retriever.sentence(int(r)).start for r in rows]
        return [int(r) for r in rows[bisect_left(starts, start) : bisect_left(starts, end)]]

    def _context(self, row: int) -> str:
        """A sentence with the one before it in its paragraph, which often holds its subject."""
        sentence = self.retriever.sentence(row)
        text = self.documents[sentence.doc_id].text
        before = self.retriever.sentence(row - 1) if row else None
        if before is not None and before.doc_id == sentence.doc_id and "\n" not in text[before.start : sentence.start]:
            return text[before.start : sentence.end]
        return text[sentence.start : sentence.end]

    def _mentioned(self, place: str) -> bool:
        """Does any document name the place at all?"""
        return place in self.known_places or any(place in d.text for d in self.documents.values())

    def _in_places(self, asked: Question, doc_id: str, context: str) -> bool:
        """Does the sentence speak for one of the question's places: one it (or the sentence
        before) names, or one its document speaks for? (A question naming several places
        compares them, or asks about one inside another: 青海省对海西州….)"""
        if not asked.places:
            return True
        return any(p in context or self._speaks_for(doc_id, p) for p in asked.places)

    def _speaks_for(self, doc_id: str, place: str) -> bool:
        """Does the document speak for the place: its title or issuer names it, or, when they
        name no place, its text names it repeatedly? A report only mentioning a place in
        passing (浙川协作 in a 四川 report) does not speak for it."""
        own = self.title_places[doc_id]
        if own:
            return any(place in o or o in place for o in own)
        if (doc_id, place) not in self._place_counts:
            self._place_counts[doc_id, place] = self.documents[doc_id].text.count(place)
        return self._place_counts[doc_id, place] >= PLACE_MENTIONS

    def _in_years(self, asked: Question, document: Document, context: str) -> bool:
        """Is one of the question's years the document's own, or said in the sentence's
        context? A figure for another year does not answer it."""
        if not asked.years:
            return True
        dated = f"{document.title} {document.date or ''} {' '.join(document.heading_path(0))} {context}"
        return any(y in dated for y in asked.years)

    def in_group(self, candidate: Candidate, group: str) -> bool:
        """Does the sentence belong to one group of a comparison: a named document, a year,
        or a place (one its document speaks for, or the sentence names)?"""
        document = self.documents[candidate.doc_id]
        if group in self.documents:
            return candidate.doc_id == group
        if language.YEAR.fullmatch(group) or group.isdigit():
            return (document.date or "").startswith(group) or group in document.title
        return self._speaks_for(candidate.doc_id, group) or group in self.text(candidate)

    def same_claim(self, a: Candidate, b: Candidate) -> bool:
        """Do two sentences say the same thing (share most of their character pairs)?"""
        pairs_a, pairs_b = char_pairs(self.text(a)), char_pairs(self.text(b))
        return bool(pairs_a and pairs_b) and len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b)) >= DUPLICATE_SHARE

    def text(self, c: Candidate) -> str:
        return self.documents[c.doc_id].text[c.start : c.end]


def coverage(asked: Question, text: str, title: str) -> float:
    """The IDF-weighted share of the question's terms that `text` holds, leaving out the
    terms in the document's title: they name the document, and say nothing of the detail
    asked (1 when every term is in the title)."""
    held = squash(text).lower()
    named = squash(title).lower()
    detail = [t for t in asked.terms if t.word not in named]
    total = sum(t.weight for t in detail)
    return sum(t.weight for t in detail if t.word in held) / total if total else 1.0


def paragraph(text: str, offset: int) -> tuple[int, int]:
    """The span of the paragraph (line) holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _answer_kind(asked: Question, text: str, units: set[str]) -> bool:
    """Does the sentence print what the question asks for: a number in an asked unit
    (any number when no unit is asked), a date?"""
    if asked.answer_type == "number":
        return bool(units) if asked.units else bool(language.DIGIT.search(text) or re.search(language.NUMBER, text))
    if asked.answer_type == "date":
        return bool(language.DATE_SAID.search(text))
    return True


def _label_spans(document: Document) -> list[tuple[int, int]]:
    """Spans that never answer a fact: the 公文 elements and the headings."""
    return [(e.start, e.end) for e in document.elements] + [(h.start, h.end) for h in document.headings]


def _places_of(document: Document) -> tuple[str, ...]:
    """The places a document speaks for: those its title and issuer name."""
    return places_in(f"{document.title} {document.issuer or ''}")


def _mentions(document: Document, asked: Question) -> bool:
    """Does the document name one of the places, and one of the years?"""
    text = f"{document.title}\n{document.date or ''}\n{document.issuer or ''}\n{document.text}"
    return (not asked.places or any(p in text for p in asked.places)) and (not asked.years or any(y in text for y in asked.years))


def _of_year(document: Document, years: Collection[str]) -> bool:
    """Is the document dated (or titled) with one of the years?"""
    return any((document.date or "").startswith(y) or y in document.title for y in years)
