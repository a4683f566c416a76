"""Evidence: which sentences of the index may answer an analysed question, and how well.

A question is first analysed (`rag.search.questions`): its intent, the answer type it expects,
its constraints (places, years, named documents) and its specific terms. Hybrid
retrieval then finds passages, and each of their sentences is judged as evidence:

- it may answer only if it is body text (never a title, heading, date, byline or speaker
  line), meets the question's constraints (a place the document or the sentence speaks
  for, a year of the document or of the sentence's context) and, for a number or a date,
  prints one of the asked kind ("多少亿元" needs an amount in 元);
- it **supports** the question when, with its heading path and the sentence before it as
  context, it covers enough of the question's terms (weighted by IDF, so the specific
  ones count most) and its cosine with the question stands far enough above the question's
  background: its cosines with a fixed sample of the library's sentences. Both numbers are
  relative to the question, and fitted by `rag calibrate` (`rag.answer.calibration`).

Every check a sentence fails is kept (`Candidate.failed`), so that a refusal can say why.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

import numpy as np

from rag import language
from rag.answer.matching import (
    answer_kind,
    coverage,
    label_spans,
    mentions,
    mentions_year,
    paragraph,
    profile,
    same_number,
)
from rag.answer.policy import AnswerPolicy
from rag.schema import Document, Hit, Sentence
from rag.search.questions import Question, kinds_in, places_in
from rag.search.retrieval import Retriever
from rag.textshape import char_pairs, heading_rank, squash


class Check(Enum):
    """A hard check a sentence must pass to answer at all."""

    LABEL = "label"  # a title, heading, date, byline or other 公文 element: names a topic, answers nothing
    PLACE = "place"  # speaks for none of the places asked
    YEAR = "year"  # speaks for none of the years asked
    KIND = "kind"  # prints no figure (in the asked unit) or date when one is asked


@dataclass(frozen=True)
class Candidate:
    """A sentence of the index judged as evidence for one question: how close it is in
    meaning (`cosine`, and `lift`: standard deviations above the question's background),
    how much of the question's terms it covers (`coverage`, 0-1), its rank among the
    candidates (`support`), and the hard checks it fails (see the module docstring)."""

    row: int
    doc_id: str
    start: int
    end: int
    cosine: float
    coverage: float
    support: float
    lift: float = 0.0
    failed: frozenset[Check] = frozenset()
    found: frozenset[str] = field(default=frozenset(), compare=False)  # the question's terms and unit families the sentence itself holds

    @property
    def eligible(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class Gathered:
    """The candidates for a question, best first, the passages they come from (or, when
    none could answer, the near misses), and the hard constraint no document meets, in one
    line, when that is why there are none."""

    candidates: list[Candidate]
    hits: list[Hit]
    refusal: str | None = None


class Evidence:
    """Gathers and judges the sentences of one retriever's index for analysed questions."""

    def __init__(self, retriever: Retriever, policy: AnswerPolicy) -> None:
        self.retriever = retriever
        self.documents = retriever.documents
        self.policy = policy
        self._starts: dict[str, list[int]] = {}  # each document's sentence starts, in row order
        self._place_counts: dict[tuple[str, str], int] = {}  # how often a document names a place

    @cached_property
    def labels(self) -> dict[str, list[tuple[int, int]]]:
        """Each document's spans that never answer a fact, read on first use."""
        return {d.doc_id: label_spans(d) for d in self.documents.values()}

    @cached_property
    def own_places(self) -> dict[str, tuple[str, ...]]:
        """The places each document's title and issuer name: read on the first question,
        as tagging them loads jieba's part-of-speech model (a second or two at start). (Not
        its opening: a report's first paragraph names the places it compares itself with.)"""
        return {d.doc_id: places_in(f"{d.title} {d.issuer or ''}") for d in self.documents.values()}

    @cached_property
    def known_places(self) -> frozenset[str]:
        return frozenset(p for places in self.own_places.values() for p in places)

    @cached_property
    def background_rows(self) -> np.ndarray:
        """The library sentences a question's background is measured on: evenly spread
        over the index, the same for every question."""
        count = self.retriever.sentence_count()
        return np.unique(np.linspace(0, max(count - 1, 0), min(count, self.policy.background_sentences)).astype(np.int64))

    @cached_property
    def background_docs(self) -> np.ndarray:
        """The document of each background sentence."""
        return np.asarray([self.retriever.sentence(int(r)).doc_id for r in self.background_rows])

    @cached_property
    def profiles(self) -> dict[str, str]:
        """What each document says it is: its title, issuer and date, and its opening
        (where a parsed title can be wrong, the lines that print the real one are there)."""
        return {d.doc_id: profile(d, self.policy.opening_lines, self.policy.opening_line_chars) for d in self.documents.values()}

    @cached_property
    def profile_kinds(self) -> dict[str, frozenset[str]]:
        """The 文种 each document's profile names ("…的通知" in a page's front matter)."""
        return {doc_id: frozenset(kinds_in(text)) for doc_id, text in self.profiles.items()}

    @cached_property
    def version_years(self) -> dict[str, frozenset[str]]:
        """The years each document's head says it was adopted, amended or issued in
        ("2024年9月27日…第二次修正"): read once, as every year check may ask."""
        head = self.policy.head_chars
        return {d.doc_id: frozenset(language.VERSION_YEAR.findall(d.text[:head])) for d in self.documents.values()}

    def named(self, asked: Question) -> set[str]:
        """The documents the question clearly names by their metadata (by 发文字号, or by
        issuer, year and kind together): the most strongly named ones, and any named by
        number. A weaker naming ("浙江那份通知" when the library's notices say no issuer)
        only ranks documents in retrieval. A comparison naming one document clearly and
        the other by year or place alone is answered by its years or places."""
        strength = self.retriever.naming(asked.text)
        top = max(strength.values(), default=0.0)
        return {d for d, s in strength.items() if (s == top and s >= self.policy.clear_naming) or s >= 2}

    def scope(self, asked: Question, within: Collection[str] | None) -> tuple[list[str] | None, str | None]:
        """The documents the answer may come from: those `within`, narrowed to those
        mentioning the question's places and years, to those of the issuer it names in full
        ("普陀区商务委员会"), to a dated kind's documents of that year ("2019年政府工作报告"),
        and to the ones it names (`named`); and, when a hard constraint leaves none (or names
        a 发文字号 no document has), why, in one line."""
        documents = everything = [d for d in self.documents.values() if within is None or d.doc_id in within]
        unknown = [p for p in asked.places if not any(p in self.profiles[d.doc_id] or p in d.text for d in documents)]
        if unknown:
            return [], f"文档中没有提到“{'、'.join(unknown)}”"
        if asked.years and not any(mentions_year(d, asked.years) for d in documents):
            covered = sorted({y for d in documents for y in [*language.YEAR.findall(self.profiles[d.doc_id]), (d.date or "")[:4]] if y})
            said = f"文档只涉及{'、'.join(covered)}年，" if covered else "文档中"
            return [], f"{said}没有{'、'.join(asked.years)}年的内容"
        if asked.places or asked.years:
            documents = [d for d in documents if mentions(d, asked)]
            if not documents:
                return [], f"没有文档同时说到{'、'.join((*asked.places, *(y + '年' for y in asked.years)))}"
        numbers = [n for n in asked.doc_numbers if not any(same_number(n, self.profiles[d.doc_id]) for d in everything)]
        if numbers:
            return [], f"文档库中没有{'、'.join(numbers)}这份文件"
        issuers = [o for o in asked.organs if len(o) >= self.policy.full_organ_chars and any(o in self.profiles[d.doc_id] for d in everything)]
        if issuers:  # the question names the issuer of a document the library holds: only its documents answer
            documents = [d for d in documents if any(o in self.profiles[d.doc_id] for o in issuers)]
            if not documents:
                return [], f"文档库中没有{'、'.join(issuers)}{'、'.join(y + '年' for y in asked.years)}的文件"
        if asked.document_years and asked.kinds:
            documents = [d for d in documents if self._of_year(d, asked.document_years) or not self._maybe_kind(d, asked.kinds)]
            if not any(self._maybe_kind(d, asked.kinds) for d in documents):
                where = "".join(asked.places)
                return [], f"文档库中没有{where}{'、'.join(asked.document_years)}年的{'、'.join(asked.kinds)}"
        named = self.named(asked)
        if len(named) == 1 and asked.intent.compares and asked.groups:
            named = set()  # one of the documents compared: the groups (years, places) find the others
        if named:
            documents = [d for d in documents if d.doc_id in named]
        return ([d.doc_id for d in documents] if named or asked.places or asked.years or within is not None else None), None

    def _maybe_kind(self, document: Document, kinds: Collection[str]) -> bool:
        """May the document be of one of the kinds: its parsed kind is, its opening names
        one, or its kind was not read?"""
        return document.kind is None or document.kind in kinds or bool(self.profile_kinds[document.doc_id] & set(kinds))

    def gather(self, asked: Question, within: Collection[str] | None) -> Gathered:
        """The sentences of the passages retrieved for `asked` in its scope, judged, best
        first, and the passages; no sentences when a hard constraint empties the scope
        (the passages are then near misses from `within`, and the refusal says why). A
        comparison retrieves for each side on its own, so that one side's documents (a law
        and a regulation repeating it) cannot crowd the other's out."""
        scope, refusal = self.scope(asked, within)
        hits: list[Hit] = []
        if scope is None or scope:
            sides = self.groups(asked)
            for side in sides:
                ids = [d for d in (scope if scope is not None else self.documents) if self.of_group(d, side)]
                hits += self.retriever.run(asked.text, max(self.policy.passages // len(sides), 3), ids) if ids else []
            hits += self.retriever.run(asked.text, self.policy.passages, scope)
            hits = list({h.chunk_id: h for h in hits}.values())
        if not hits:
            return Gathered([], self.retriever.run(asked.text, self.policy.passages, within), refusal or "文档中没有找到相关段落")
        return Gathered(self.judge(asked, sorted({r for hit in hits for r in self.retriever.sentence_rows(hit)})), hits)

    def groups(self, asked: Question) -> tuple[str, ...]:
        """What a comparison sets side by side: its places, else its years, else the
        documents it names clearly; none for other questions."""
        if not asked.intent.compares:
            return ()
        named = self.named(asked)
        return asked.groups or (tuple(sorted(named)) if len(named) > 1 else ())

    def of_group(self, doc_id: str, group: str) -> bool:
        """Does the document belong to one side of a comparison: it is the named document,
        is of the year, or speaks for or names the place?"""
        document = self.documents[doc_id]
        if group in self.documents:
            return doc_id == group
        if group.isdigit():
            return self._of_year(document, (group,)) or f"{group}年" in document.text
        return self._speaks_for(doc_id, group) or group in self.profiles[doc_id]

    def judge(self, asked: Question, rows: Sequence[int]) -> list[Candidate]:
        """`rows` (sentences of the index) as evidence for `asked`, best first."""
        if not rows:
            return []
        vector = self.retriever.query_vector(asked.text)
        cosines = self.retriever.sentence_scores(vector, np.asarray(rows, dtype=np.int64)).tolist()
        lifts = self.lifts(vector, cosines, {self.retriever.sentence(r).doc_id for r in rows})
        candidates = [self.candidate(asked, row, cosine, lift) for row, cosine, lift in zip(rows, cosines, lifts)]
        return sorted(candidates, key=lambda c: -c.support)

    def lifts(self, vector: np.ndarray, cosines: list[float], judged: set[str]) -> list[float]:
        """How far each cosine stands above the question's background: its cosines with the
        library's sample sentences outside the documents being judged (what the library
        offers a question it does not answer). A library with too few such sentences (two
        reports on one topic) gives no background, and lifts that refuse nothing."""
        rows = self.background_rows[~np.isin(self.background_docs, list(judged))]
        if len(rows) < self.policy.min_background:
            return [float("inf")] * len(cosines)
        background = self.retriever.sentence_scores(vector, rows)
        mean, spread = float(background.mean()), max(float(background.std()), 1e-6)
        return [(cosine - mean) / spread for cosine in cosines]

    def candidate(self, asked: Question, row: int, cosine: float, lift: float = 0.0) -> Candidate:
        sentence = self.retriever.sentence(row)
        document = self.documents[sentence.doc_id]
        context = " ".join([*document.heading_path(sentence.start), self._context(row)])
        covered = coverage(asked, context, document.title)
        text = document.text[sentence.start : sentence.end]
        found = {t.word for t in asked.terms if t.word in squash(text).lower()}
        units = {u for u in asked.units if language.NUMBER_IN_UNIT[u].search(text)}
        checks = {
            Check.LABEL: self.is_label(row),
            Check.PLACE: not self._in_places(asked, sentence.doc_id, context),
            Check.YEAR: not self._in_years(asked, document, row),
            Check.KIND: not answer_kind(asked, text, units),
        }
        failed = frozenset(check for check, fails in checks.items() if fails)
        # Ranked by meaning, then by how much of the question it holds: its terms, and the
        # kinds of figure asked ("多少亿元…增长多少": a sentence printing both first).
        printed = len(units) / len(asked.units) if asked.units else 0.0
        support = cosine + self.policy.coverage_weight * (covered + printed)
        return Candidate(row, sentence.doc_id, sentence.start, sentence.end, cosine, covered, support, lift, failed, frozenset(found | units))

    def supports(self, candidate: Candidate) -> bool:
        """Does the sentence pass every hard check, hold enough of the question's terms and
        stand far enough above the question's background?"""
        policy = self.policy
        return candidate.eligible and candidate.coverage >= policy.min_coverage and candidate.lift >= policy.min_lift

    def strength(self, candidate: Candidate) -> int:
        """How strongly a cited sentence supports its part of the answer: 2 when it passes
        every check and holds most of what is asked, 1 when it supports the question, 0 when
        it is cited for another reason (one side of a comparison, an item of a list)."""
        if not self.supports(candidate):
            return 0
        return 2 if candidate.coverage >= self.policy.strong_coverage else 1

    def level(self, candidate: Candidate) -> str:
        """`strength` in the words the reader sees."""
        return language.SUPPORT_LEVELS[self.strength(candidate)]

    # ----------------------------------------------------------------------------------
    # What a sentence is and says
    # ----------------------------------------------------------------------------------

    def is_label(self, row: int) -> bool:
        """A title, heading, date, byline, speaker line or other 公文 element, a table of
        contents line, or a short enumerated lead sentence without figures: it names a topic
        but answers nothing."""
        sentence = self.retriever.sentence(row)
        document = self.documents[sentence.doc_id]
        if sentence.start == 0 or any(s <= sentence.start and sentence.end <= e for s, e in self.labels[sentence.doc_id]):
            return True
        text = squash(document.text[sentence.start : sentence.end])
        if text == squash(document.title) or self.lead(row) == sentence or language.DOT_LEADERS.search(text):
            return True
        rank = heading_rank(text)  # a 第X条 article is the law's body, however short
        return rank not in (None, language.ARTICLE_RANK) and len(text) <= self.policy.label_length and not language.DIGIT.search(text)

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
        """A sentence with the one before it in its paragraph, which often holds its subject;
        a table row with its table's header row, which names its columns ("2025年目标")."""
        sentence = self.retriever.sentence(row)
        text = self.documents[sentence.doc_id].text
        header = self.header_row(row)
        if header is not None:
            return f"{self.retriever.sentence_text(header)} {text[sentence.start : sentence.end]}"
        before = self.retriever.sentence(row - 1) if row else None
        if before is not None and before.doc_id == sentence.doc_id and "\n" not in text[before.start : sentence.start]:
            return text[before.start : sentence.end]
        return text[sentence.start : sentence.end]

    def header_row(self, row: int) -> int | None:
        """The row of the header of the table sentence `row` is a row of (the table's first
        line of cells); None for prose and for the header itself."""
        sentence = self.retriever.sentence(row)
        text = self.documents[sentence.doc_id].text
        if language.CELL_SEPARATOR not in text[sentence.start : sentence.end]:
            return None
        start, _ = paragraph(text, sentence.start)
        while start > 0:
            above, _ = paragraph(text, start - 1)
            if language.CELL_SEPARATOR not in text[above : start - 1]:
                break
            start = above
        rows = self.rows_between(sentence.doc_id, start, sentence.start)
        return rows[0] if rows and rows[0] != row else None

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
        own = self.own_places[doc_id]
        if own:
            return any(place in o or o in place for o in own)
        if (doc_id, place) not in self._place_counts:
            self._place_counts[doc_id, place] = self.documents[doc_id].text.count(place)
        return self._place_counts[doc_id, place] >= self.policy.place_mentions

    def _in_years(self, asked: Question, document: Document, row: int) -> bool:
        """Does the sentence speak for one of the question's years? A sentence that dates
        itself (or whose sentence before does: "2022年全市生产总值…") speaks for the years it
        says, whatever its document's year: a figure for another year does not answer. Else
        the headings above it that say years do ("一、2023年工作回顾"; a date line taken for
        a heading does not), and else its document's own year counts. Years that only date the document asked for ("2023年政府工作报告") were
        checked on the document (`scope`)."""
        years = {y for y in asked.years if y not in asked.document_years}
        if not years:
            return True
        said = set(language.YEAR.findall(self._context(row)))
        if said:
            return bool(said & years)
        titles = [t for t in document.heading_path(self.retriever.sentence(row).start) if not language.DATE_LINE.match(t)]
        headings = set(language.YEAR.findall(" ".join(titles)))
        return bool(headings & years) if headings else self._of_year(document, years)

    def _of_year(self, document: Document, years: Collection[str]) -> bool:
        """Is the document dated, titled or opened with one of the years, or does its head
        say it was adopted, amended or issued in one ("2024年4月24日…修正")?"""
        versions = self.version_years[document.doc_id]
        return any((document.date or "").startswith(y) or y in self.profiles[document.doc_id] or y in versions for y in years)

    def in_group(self, candidate: Candidate, group: str) -> bool:
        """Does the sentence belong to one group of a comparison: a named document, a year,
        or a place (one its document speaks for, or the sentence names)?"""
        document = self.documents[candidate.doc_id]
        if group in self.documents:
            return candidate.doc_id == group
        if group.isdigit():
            return self._of_year(document, (group,))
        return self._speaks_for(candidate.doc_id, group) or group in self.text(candidate)

    def same_claim(self, a: Candidate, b: Candidate) -> bool:
        """Do two sentences say the same thing (share most of their character pairs)?"""
        pairs_a, pairs_b = char_pairs(self.text(a)), char_pairs(self.text(b))
        return bool(pairs_a and pairs_b) and len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b)) >= self.policy.duplicate_share

    def text(self, c: Candidate) -> str:
        return self.documents[c.doc_id].text[c.start : c.end]
