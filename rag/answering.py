"""Extractive answers: the sentences that answer a question, each cited exactly.

A question is first analysed (`rag.questions`): its intent, the answer type it expects,
its constraints (places, years, named documents) and its specific terms. Hybrid
retrieval then finds passages, and each of their sentences is judged as evidence:

- it may answer only if it is body text (never a title, heading, date, byline or speaker
  line), meets the question's constraints (a place the document or the sentence speaks
  for, a year of the document or of the sentence's context) and, for a number or a date,
  prints one of the asked kind ("多少亿元" needs an amount in 元);
- it **supports** the question when, with its heading path and its document's title as
  context, it covers enough of the question's terms (weighted by IDF, so the specific
  ones count most) and is close enough in meaning (embedding cosine). The two thresholds
  are fitted by `rag calibrate` on a gold set (`rag.calibration`).

No supporting sentence: the answer abstains ("文档中没有找到相关信息") and lists the
near misses in `Answer.sources`. Otherwise its shape follows the intent:

- a fact or quantity: the best supported sentence, and a second one only when it covers
  a part of the question the first does not;
- measures ("如何", "哪些措施"): the document's own outline under the section the
  question is about, each sub-heading with the sentence that best supports it, in
  reading order (the section's best sentences when it has no sub-headings);
- a comparison or change ("浙江和四川分别…", "2023年和2024年…"), or which places: the best
  supported sentences per place, year or document, side by side;
- a pasted quote ("「…」出自哪里"): the original sentence, found by `Retriever.locate`;
- a pasted passage ("「…」其他文件中有类似的说法吗"): similar passages of other documents.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

import numpy as np

from rag import language
from rag.questions import Question, analyze, places_in
from rag.retrieval import Retriever
from rag.schema import Answer, Citation, Document, Heading, Hit, Sentence
from rag.textshape import char_pairs, heading_rank, squash

NOT_FOUND = "文档中没有找到相关信息"

# Passages whose sentences are judged.
PASSAGES = 10
# How much term coverage adds to the cosine in a sentence's support.
COVERAGE_WEIGHT = 0.2
# How far below the best sentence another may rank and still be cited, and how many
# sentences each kind of answer cites.
MEASURE_MARGIN, MEASURE_SENTENCES = 0.06, 5
# A section without sub-headings of at most this many characters is cited whole.
SECTION_CHARS = 800
GROUP_SENTENCES, GROUPS = 2, 6
# A similar-passages answer cites this many documents' passages (the 相似段落 tab lists more).
SIMILAR_CITED = 3
OUTLINE_ITEMS = 8
# How strongly (`retrieval.DocumentNames`) a question must name documents to keep the answer to them.
CLEAR_NAMING = 1.5
# A document whose title names no place speaks for a place it names this many times.
PLACE_MENTIONS = 2
# A short sentence opening with an enumerator ("二、坚持城乡一体…") is a section label.
LABEL_LENGTH = 32
# Two sentences sharing this share of their character pairs say the same thing.
DUPLICATE_SHARE = 0.6


def _number_pattern(units: str) -> re.Pattern[str]:
    return re.compile(rf"{language.NUMBER}\s*(?:多|余)?\s*(?:十|百|千|万|亿)?\s*(?:多|余)?\s*(?:{units})")


# A number printed in each unit family, and in any unit at all.
NUMBER_IN = {family: _number_pattern(units) for family, _, units in language.UNIT_FAMILIES}
ANY_NUMBER = re.compile(r"\d")


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


class Answerer:
    """Writes extractive answers from one retriever's index."""

    def __init__(self, retriever: Retriever, min_support: float) -> None:
        self.retriever = retriever
        self.index = retriever.index
        # A sentence must reach this support to answer (fitted by `rag calibrate`).
        self.min_support = min_support
        self.chunk_sentences: dict[int, list[int]] = {}
        for row, chunk in enumerate(self.index.sentence_chunk.tolist()):
            self.chunk_sentences.setdefault(chunk, []).append(row)
        documents = self.index.documents.values()
        self.labels = {d.doc_id: _label_spans(d) for d in documents}
        self._starts: dict[str, list[int]] = {}  # each document's sentence starts, in row order
        self._place_counts: dict[tuple[str, str], int] = {}  # how often a document names a place
        # How strongly a question names each document, read once per question text (scope,
        # analysis and answer shapes all ask).
        self._naming = lru_cache(maxsize=256)(retriever.names.run)

    @cached_property
    def title_places(self) -> dict[str, tuple[str, ...]]:
        """The places each document's title names: read on the first question, as tagging
        them loads jieba's part-of-speech model (a second or two at start)."""
        return {d.doc_id: _places_of(d) for d in self.index.documents.values()}

    @cached_property
    def known_places(self) -> frozenset[str]:
        return frozenset(p for places in self.title_places.values() for p in places)

    def analyze(self, question: str) -> Question:
        """The question as `rag.questions` reads it, terms weighted by this index's IDF. A
        comparison of documents it names ("国办2015年意见和四川省2016年实施意见") is
        answered from those documents: their places and years named them, and constrain
        nothing more."""
        asked = analyze(question, self.index.lexical.idf, self.known_places)
        if asked.intent in ("comparison", "change") and len(self.named(asked)) > 1:
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

    # ----------------------------------------------------------------------------------
    # Questions answered by sentences
    # ----------------------------------------------------------------------------------

    def from_sentences(self, asked: Question, within: Collection[str] | None = None) -> Answer:
        candidates, hits = self.gather(asked, within)
        supported = [c for c in candidates if self.supports(c)]
        if asked.intent == "measures":
            answer = self.outline(asked, candidates, supported, hits)
            if answer is not None:
                return answer
        if not supported:
            return abstain(asked.text, hits)
        if asked.intent in ("comparison", "change") and (asked.groups or len(self.named(asked)) > 1):
            chosen = self.side_by_side(asked, candidates, supported)
        elif asked.intent == "places":
            chosen = self.by_document(supported)
        elif asked.intent == "measures":
            chosen = self._close_to(supported[0], [c for c in supported if c.doc_id == supported[0].doc_id])
        else:
            chosen = self.facts(asked, supported)
        return self.compose(asked.text, chosen, hits)

    def scope(self, asked: Question, within: Collection[str] | None) -> list[str] | None:
        """The documents the answer may come from: those `within`, narrowed to the ones the
        question names (by 发文字号, issuer, year with kind; none when it dates a kind of
        document the library holds for no such year) and to those mentioning its places and
        years."""
        documents = [d for d in self.index.documents.values() if within is None or d.doc_id in within]
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

    def named(self, asked: Question) -> set[str]:
        """The documents the question clearly names by their metadata (by 发文字号, or by
        issuer, year and kind together): the most strongly named ones, and any named by
        number. A weaker naming ("浙江那份通知" when the library's notices say no issuer)
        only ranks documents in retrieval. A comparison naming one document clearly and
        the other by year or place alone is answered by its years or places."""
        strength = self._naming(asked.text)
        top = max(strength.values(), default=0.0)
        return {d for d, s in strength.items() if (s == top and s >= CLEAR_NAMING) or s >= 2}

    def judge(self, asked: Question, rows: Sequence[int]) -> list[Candidate]:
        """`rows` (sentences of the index) as evidence for `asked`, best first."""
        if not rows:
            return []
        vector = self.retriever.embedder.embed_query(asked.text)
        cosines = self.index.sentence_dense.score(vector, np.asarray(rows, dtype=np.int64)).tolist()
        candidates = [self.candidate(asked, row, cosine) for row, cosine in zip(rows, cosines)]
        return sorted(candidates, key=lambda c: -c.support)

    def candidate(self, asked: Question, row: int, cosine: float) -> Candidate:
        sentence = self.index.sentences[row]
        document = self.index.documents[sentence.doc_id]
        context = " ".join([*document.heading_path(sentence.start), self._context(row)])
        found = {t.word for t in asked.terms if t.word in squash(context).lower()}
        covered = coverage(asked, context, document.title)
        text = document.text[sentence.start : sentence.end]
        units = {u for u in asked.units if NUMBER_IN[u].search(text)}
        eligible = (
            not self.is_label(row)
            and self._in_places(asked, sentence.doc_id, context)
            and self._in_years(asked, document, context)
            and self._answer_kind(asked, text, units)
        )
        return Candidate(row, sentence.doc_id, sentence.start, sentence.end, cosine, covered, eligible, frozenset(found | units))

    def supports(self, candidate: Candidate) -> bool:
        return candidate.eligible and candidate.support >= self.min_support

    def gather(self, asked: Question, within: Collection[str] | None) -> tuple[list[Candidate], list[Hit]]:
        """The sentences of the passages retrieved for `asked` in its scope, judged, best
        first, and the passages; no sentences when the question names a place no document
        mentions or its scope is empty (the passages are then near misses from `within`)."""
        scope = self.scope(asked, within)
        unknown = any(not self._mentioned(p) for p in asked.places)
        hits = self.retriever.run(asked.text, PASSAGES, scope) if not unknown and (scope is None or scope) else []
        if not hits:
            return [], self.retriever.run(asked.text, PASSAGES, within)
        return self.judge(asked, sorted({r for hit in hits for r in self.sentence_rows(hit)})), hits

    def evidence(self, question: str, within: Collection[str] | None = None) -> list[float]:
        """The support of every sentence eligible to answer `question`: what `rag calibrate`
        fits the threshold on."""
        candidates, _ = self.gather(self.analyze(question), within)
        return [c.support for c in candidates if c.eligible]

    # ----------------------------------------------------------------------------------
    # Shapes of answers
    # ----------------------------------------------------------------------------------

    def facts(self, asked: Question, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence, and the next one only when it answers a part (a term or an
        asked unit) the first leaves out."""
        best = supported[0]
        more = [c for c in supported[1:] if c.found - best.found and not self._same_claim(c, best)]
        wanted = {t.word for t in asked.terms} | set(asked.units)
        more = [c for c in more if (c.found - best.found) & wanted]
        return [best, *more[:1]]

    def side_by_side(self, asked: Question, candidates: list[Candidate], supported: list[Candidate]) -> list[Candidate]:
        """The best sentences for each place, year or named document of a comparison. Once
        one of them supports the question, another group's best eligible sentence sharing
        any of its terms stands for that group: the reader is comparing, and sees it
        under its own document."""
        chosen: list[Candidate] = []
        for group in asked.groups or tuple(sorted(self.named(asked))):
            members = [c for c in supported if self._in_group(c, group)]
            members = members or [c for c in candidates if c.eligible and c.coverage > 0 and self._in_group(c, group)][:1]
            if members:
                chosen += self.facts(asked, members)[:GROUP_SENTENCES]
        return chosen or supported[:1]

    def by_document(self, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence of each document, documents in order of their best sentence."""
        firsts: dict[str, Candidate] = {}
        for c in supported:
            firsts.setdefault(c.doc_id, c)
        return list(firsts.values())[:GROUPS]

    def outline(self, asked: Question, candidates: list[Candidate], supported: list[Candidate], hits: Sequence[Hit]) -> Answer | None:
        """A measures answer along a document's outline: under the section the question is
        about, each sub-heading with the sentence that best supports it, in reading order;
        a section without sub-headings gives its sentences (the best ones when it is long).
        None when no section is found."""
        section = self.section(asked, candidates, supported)
        if section is None:
            return None
        document = self.index.documents[section.doc_id]
        inside = [c for c in self.judge(asked, self._rows_between(section.doc_id, section.start, section.end)) if c.eligible]
        if len(section.children) < 2:
            if section.end - section.start > SECTION_CHARS:
                inside = inside[:MEASURE_SENTENCES]
            return self.compose(asked.text, inside or supported[:1], hits, heading=section.title) if inside or supported else None
        items: list[tuple[str, Candidate]] = []
        for child in section.children[:OUTLINE_ITEMS]:
            start, end = _span(document, child)
            best = next((c for c in inside if start <= c.start < end), None)
            if best is not None:
                items.append((child.title, best))
        return self.compose_outline(asked.text, document, section.title, items, hits) if items else None

    def section(self, asked: Question, candidates: list[Candidate], supported: list[Candidate]) -> Section | None:
        """The section the question is about: the heading it names ("在“工作要求”部分") in
        a document it may come from; else, over the best supported sentences of the best
        document, the heading or the paragraph's lead sentence ("加强高质量教育体系建设。")
        covering most of its terms (the innermost one on a tie)."""
        if asked.section:
            for doc_id in dict.fromkeys(c.doc_id for c in candidates if c.eligible):
                document = self.index.documents[doc_id]
                named = next((h for h in document.headings if squash(asked.section) in squash(h.title)), None)
                if named is not None:
                    return Section.of(document, named)
        if not supported:
            return None
        document = self.index.documents[supported[0].doc_id]
        options: list[tuple[float, int, Section]] = []
        for c in [c for c in supported if c.doc_id == document.doc_id][:3]:
            for depth, heading in enumerate(document.heading_chain(c.start)):
                options.append((coverage(asked, heading.title, document.title), depth, Section.of(document, heading)))
            lead = self._lead(c.row)
            if lead is not None:
                start, end = _paragraph(document.text, c.start)
                title = document.text[lead.start : lead.end]
                options.append((coverage(asked, title, document.title), len(options) + 1, Section(document.doc_id, title, start, end, ())))
        covered, _, best = max(options, key=lambda o: o[:2], default=(0.0, 0, None))
        return best if covered > 0 else None

    def _close_to(self, best: Candidate, candidates: list[Candidate]) -> list[Candidate]:
        """The sentences ranked close to the best one, at most MEASURE_SENTENCES."""
        return [c for c in candidates if c.support >= best.support - MEASURE_MARGIN][:MEASURE_SENTENCES] or [best]

    # ----------------------------------------------------------------------------------
    # Pasted quotes and passages
    # ----------------------------------------------------------------------------------

    def from_quote(self, question: str, quote: str) -> Answer:
        """Where a quoted sentence comes from, with the original wording cited."""
        matches = self.retriever.locate(quote, k=3)
        hits = self.retriever.run(quote, PASSAGES)
        if not matches:
            return abstain(question, hits)
        best = matches[0]
        citation = Citation.of(1, self.index.documents[best.doc_id], best.start, best.end)
        lead = "这句话出自" if best.exact else f"最接近的原文（相似度 {best.similarity:.0%}）出自"
        text = f"{lead}《{best.title}》：「{_plain(best.text)}」[1]"
        return Answer(question, text, (citation,), False, tuple(hits))

    def from_similar(self, question: str, passage: str) -> Answer:
        """Passages of other documents saying something similar: the closest sentence of
        the best passage of each of the SIMILAR_CITED most similar documents."""
        hits = self.retriever.similar(passage, k=PASSAGES)
        if not hits:
            return abstain(question, hits)
        chosen: list[Candidate] = []
        for hit in hits:
            if len(chosen) == SIMILAR_CITED:
                break
            if any(c.doc_id == hit.doc_id for c in chosen):
                continue
            start, end = self.retriever.closest_sentence(hit, passage)
            row = next((r for r in self.sentence_rows(hit) if self.index.sentences[r].start == start), None)
            if row is not None and not self.is_label(row):
                chosen.append(Candidate(row, hit.doc_id, start, end, hit.score, 0.0, True))
        return self.compose(question, chosen, hits)

    # ----------------------------------------------------------------------------------
    # Writing the answer
    # ----------------------------------------------------------------------------------

    def compose(self, question: str, chosen: Iterable[Candidate], hits: Sequence[Hit], heading: str | None = None) -> Answer:
        """One line per document (documents in order of their best sentence), sentences
        in reading order; adjacent sentences become one citation."""
        kept: list[Candidate] = []
        for c in chosen:
            if not any(self._same_claim(c, k) for k in kept):
                kept.append(c)
        by_doc: dict[str, list[Candidate]] = {}
        for c in kept:
            by_doc.setdefault(c.doc_id, []).append(c)
        citations: list[Citation] = []
        lines = []
        for doc_id, members in by_doc.items():
            document = self.index.documents[doc_id]
            parts = []
            for start, end in _merge_adjacent(document.text, sorted((c.start, c.end) for c in members)):
                citation = Citation.of(len(citations) + 1, document, start, end)
                citations.append(citation)
                parts.append(f"{_plain(citation.text)}[{citation.n}]")
            where = f"「{_plain(heading)}」" if heading else ""
            lines.append(f"《{document.title}》{where}：" + "；".join(parts) + "。")
        return Answer(question, "\n".join(lines), tuple(citations), False, tuple(hits))

    def compose_outline(
        self, question: str, document: Document, section: str, items: list[tuple[str, Candidate]], hits: Sequence[Hit]
    ) -> Answer:
        """The section's sub-headings, each with its cited sentence, one per line."""
        citations: list[Citation] = []
        lines = [f"《{document.title}》「{_plain(section)}」："]
        for title, c in items:
            citation = Citation.of(len(citations) + 1, document, c.start, c.end)
            citations.append(citation)
            label = _plain(title)
            body = _plain(citation.text)
            lines.append(f"{body}[{citation.n}]" if squash(body).startswith(squash(label)) else f"{label}：{body}[{citation.n}]")
        return Answer(question, "\n".join(lines), tuple(citations), False, tuple(hits))

    # ----------------------------------------------------------------------------------
    # What a sentence is and says
    # ----------------------------------------------------------------------------------

    def sentence_rows(self, hit: Hit) -> list[int]:
        """Index rows of the sentences held by a hit's chunk."""
        return self.chunk_sentences.get(self.retriever.row_of(hit.chunk_id), [])

    def is_label(self, row: int) -> bool:
        """A title, heading, date, byline, speaker line or other 公文 element, or a short
        enumerated lead sentence without figures: it names a topic but answers nothing."""
        sentence = self.index.sentences[row]
        document = self.index.documents[sentence.doc_id]
        if sentence.start == 0 or any(s <= sentence.start and sentence.end <= e for s, e in self.labels[sentence.doc_id]):
            return True
        text = squash(document.text[sentence.start : sentence.end])
        if text == squash(document.title) or self._lead(row) == sentence:
            return True
        return heading_rank(text) is not None and len(text) <= LABEL_LENGTH and not ANY_NUMBER.search(text)

    def _lead(self, row: int) -> Sentence | None:
        """The lead sentence of the paragraph holding sentence `row`: a short first sentence
        without figures that the paragraph goes on after ("加强民生建设。…"), an inline heading."""
        sentence = self.index.sentences[row]
        text = self.index.documents[sentence.doc_id].text
        start, end = _paragraph(text, sentence.start)
        rows = self._rows_between(sentence.doc_id, start, end)
        if not rows:
            return None
        first = self.index.sentences[rows[0]]
        lead = text[first.start : first.end].strip()
        if len(rows) < 2 or len(lead) > language.LEAD_MAX_CHARS or ANY_NUMBER.search(lead) or lead[-1:] not in "。：:":
            return None
        return first

    def _rows_between(self, doc_id: str, start: int, end: int) -> list[int]:
        """Rows of the document's sentences that begin in `[start, end)`."""
        rows = self.retriever.sentence_rows_of([doc_id])
        starts = self._starts.get(doc_id)
        if starts is None:  # once per document: a long report has many thousand sentences
            starts = self._starts[doc_id] = [self.index.sentences[int(r)].start for r in rows]
        return [int(r) for r in rows[bisect_left(starts, start) : bisect_left(starts, end)]]

    def _context(self, row: int) -> str:
        """A sentence with the one before it in its paragraph, which often holds its subject."""
        sentence = self.index.sentences[row]
        text = self.index.documents[sentence.doc_id].text
        before = self.index.sentences[row - 1] if row else None
        if before is not None and before.doc_id == sentence.doc_id and "\n" not in text[before.start : sentence.start]:
            return text[before.start : sentence.end]
        return text[sentence.start : sentence.end]

    def _mentioned(self, place: str) -> bool:
        """Does any document name the place at all?"""
        return place in self.known_places or any(place in d.text for d in self.index.documents.values())

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
            self._place_counts[doc_id, place] = self.index.documents[doc_id].text.count(place)
        return self._place_counts[doc_id, place] >= PLACE_MENTIONS

    def _in_years(self, asked: Question, document: Document, context: str) -> bool:
        """Is one of the question's years the document's own, or said in the sentence's
        context? A figure for another year does not answer it."""
        if not asked.years:
            return True
        dated = f"{document.title} {document.date or ''} {' '.join(document.heading_path(0))} {context}"
        return any(y in dated for y in asked.years)

    def _answer_kind(self, asked: Question, text: str, units: set[str]) -> bool:
        """Does the sentence print what the question asks for: a number in an asked unit
        (any number when no unit is asked), a date?"""
        if asked.answer_type == "number":
            return bool(units) if asked.units else bool(ANY_NUMBER.search(text) or re.search(language.NUMBER, text))
        if asked.answer_type == "date":
            return bool(language.DATE_SAID.search(text))
        return True

    def _in_group(self, candidate: Candidate, group: str) -> bool:
        document = self.index.documents[candidate.doc_id]
        if group in self.index.documents:
            return candidate.doc_id == group
        if language.YEAR.fullmatch(group) or group.isdigit():
            return (document.date or "").startswith(group) or group in document.title
        return self._speaks_for(candidate.doc_id, group) or group in self._text(candidate)

    def _same_claim(self, a: Candidate, b: Candidate) -> bool:
        pairs_a, pairs_b = char_pairs(self._text(a)), char_pairs(self._text(b))
        return bool(pairs_a and pairs_b) and len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b)) >= DUPLICATE_SHARE

    def _text(self, c: Candidate) -> str:
        return self.index.documents[c.doc_id].text[c.start : c.end]


@dataclass(frozen=True)
class Section:
    """A part of a document a measures question is about: under a heading, or a paragraph
    led by a short sentence; `children` are its sub-headings one level in."""

    doc_id: str
    title: str
    start: int
    end: int
    children: tuple[Heading, ...]

    @classmethod
    def of(cls, document: Document, heading: Heading) -> Section:
        start, end = _span(document, heading)
        return cls(document.doc_id, heading.title, start, end, tuple(_children(document, heading)))


def coverage(asked: Question, text: str, title: str) -> float:
    """The IDF-weighted share of the question's terms that `text` holds, leaving out the
    terms in the document's title: they name the document, and say nothing of the detail
    asked (1 when every term is in the title)."""
    held = squash(text).lower()
    named = squash(title).lower()
    detail = [t for t in asked.terms if t.word not in named]
    total = sum(t.weight for t in detail)
    return sum(t.weight for t in detail if t.word in held) / total if total else 1.0


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    """The span of the paragraph (line) holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def abstain(question: str, near_misses: Sequence[Hit]) -> Answer:
    return Answer(question, NOT_FOUND, (), True, tuple(near_misses))


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


def _span(document: Document, heading: Heading) -> tuple[int, int]:
    """Where a heading's section runs: to the next heading at its level or above."""
    later = [h.start for h in document.headings if h.start > heading.start and h.level <= heading.level]
    return heading.start, min(later, default=len(document.text))


def _children(document: Document, heading: Heading) -> list[Heading]:
    """The headings one level inside `heading`'s section."""
    start, end = _span(document, heading)
    inside = [h for h in document.headings if start < h.start < end]
    top = min((h.level for h in inside), default=None)
    return [h for h in inside if h.level == top]


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans separated only by spaces become one span."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _plain(sentence: str) -> str:
    """A sentence inside an answer line: one line, without its closing full stop."""
    return " ".join(sentence.split()).rstrip("。；;，,")
