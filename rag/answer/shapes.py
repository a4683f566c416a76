"""The shapes of extractive answers: which supported sentences an answer cites.

`Shape.of` picks the shape from the analysed question (`Shape` is a type, not a string):

- a fact or quantity: the best supported sentence, and a second one only when it covers
  a part of the question the first does not; a table row comes with its table's header row;
- a list ("哪三项任务", "几个方面"): the items under the sentence or heading announcing them,
  not the announcing sentence;
- measures ("如何", "哪些措施"): the document's own outline under the section the
  question is about, each sub-heading with the sentence that best supports it, in
  reading order (the section's best sentences when it has no sub-headings);
- a comparison or change ("浙江和四川分别…", "2023年和2024年…"), or which places: the best
  supported sentences per place, year or document, side by side;
- a pasted passage ("「…」其他文件中有类似的说法吗"): the closest sentence of similar
  passages of other documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from rag import language
from rag.answer.composition import compose, compose_outline
from rag.answer.evidence import Candidate, Check, Evidence
from rag.answer.matching import coverage, paragraph
from rag.schema import Answer, Document, Heading, Hit
from rag.search.questions import AnswerType, Intent, Question
from rag.search.similar import SimilarPassages
from rag.textshape import cn_number, heading_rank, squash


class Shape(Enum):
    """How an answer is laid out (see the module docstring)."""

    FACT = "fact"
    LIST = "list"
    OUTLINE = "outline"
    SIDE_BY_SIDE = "side_by_side"
    BY_DOCUMENT = "by_document"

    @classmethod
    def of(cls, asked: Question, sides: int) -> Shape:
        """The shape for a question that sets `sides` places, years or documents side by side."""
        if sides > 1:
            return cls.SIDE_BY_SIDE
        if asked.intent == Intent.PLACES:
            return cls.BY_DOCUMENT
        if language.ITEMS_ASK.search(asked.text) and asked.answer_type != AnswerType.NUMBER:
            return cls.LIST  # "三项指标分别达到多少" asks figures, not the items
        if asked.intent == Intent.MEASURES:
            return cls.OUTLINE
        return cls.FACT


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


class Shapes:
    """Chooses the sentences an answer cites, from one index's evidence."""

    def __init__(self, evidence: Evidence, similar: SimilarPassages) -> None:
        self.evidence = evidence
        self.similar = similar
        self.policy = evidence.policy

    def facts(self, asked: Question, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence, and, when it says only part of what is asked, one more of its
        paragraph that holds a term or an asked unit the first leaves out (the rest of an
        answer is said beside it: "新增…20余个专业；大力发展…60个专业")."""
        best = supported[0]
        more: list[Candidate] = []
        total = sum(t.weight for t in asked.terms)
        said = sum(t.weight for t in asked.terms if t.word in best.found) / total if total else 1.0
        if said < self.policy.strong_coverage:  # the best sentence itself says only part of what is asked
            wanted = {t.word for t in asked.terms} | set(asked.units)
            beside = self.evidence.rows_between(best.doc_id, *paragraph(self.evidence.documents[best.doc_id].text, best.start))
            more = [c for c in supported[1:] if c.row in beside and (c.found - best.found) & wanted and not self.evidence.same_claim(c, best)]
        return [*self.header_of(asked, best), best, *more[:1]]

    def header_of(self, asked: Question, row: Candidate) -> list[Candidate]:
        """The header row of the table a cited row belongs to, so that a figure is read
        with its column names; none for prose or for the header itself."""
        header = self.evidence.header_row(row.row)
        return self.evidence.judge(asked, [header]) if header is not None else []

    def items(self, asked: Question, candidates: list[Candidate]) -> tuple[str, list[Candidate]] | None:
        """A list answer: among the best candidates on the question's subject, a sentence
        that announces items ("主要有三项任务：", "重点推进“三大工程”建设") or a heading
        ("三、申报材料"), and the items after it: the enumerated or led paragraphs under it
        (`_items_after`), else the sentences naming the announced noun ("实施“基础设施建设
        工程”…"). Announcements naming what the question asks for ("三大工程") come first; the
        first whose count is the one asked ("哪三项") is taken, else the first with two or
        more items; None when there is none."""
        asked_for = language.ITEMS_COUNT.search(asked.text)
        count = cn_number(asked_for["n"]) if asked_for else None
        head = asked_for["noun"][-2:] if asked_for and asked_for["noun"] else ""
        subject = [c for c in candidates if c.coverage >= self.policy.min_coverage]
        subject.sort(key=lambda c: head not in self.evidence.text(c))  # what announces the asked items first
        found: list[tuple[str, list[list[int]]]] = []
        for announce in subject:
            text = self.evidence.text(announce)
            if language.DOT_LEADERS.search(text):
                continue  # a table of contents lists the outline, not the items
            said = language.ANNOUNCES_ITEMS.search(text)
            if said is None and Check.LABEL not in announce.failed:
                continue
            wanted = min(cn_number(said["n"]) if said and said["n"] else count or self.policy.list_items, self.policy.list_items)
            items = self._items_after(announce, wanted)
            if len(items) < 2 and said and said["noun"]:
                items = self._naming_after(announce, said["noun"], wanted)
            if len(items) >= 2:
                found.append((text, items))
                if count is None or len(items) == count:
                    break
        if not found:
            return None
        text, items = next((f for f in found if len(f[1]) == count), found[0])
        return text, [self._one(asked, rows) for rows in items]

    def _one(self, asked: Question, rows: list[int]) -> Candidate:
        """An item of a list as one candidate: its sentences, from the first to the last."""
        judged = self.evidence.judge(asked, rows)
        best = max(judged, key=lambda c: c.support)
        return replace(best, start=min(c.start for c in judged), end=max(c.end for c in judged))

    def _naming_after(self, announce: Candidate, noun: str, wanted: int) -> list[list[int]]:
        """The sentences after `announce` in its paragraph and the next that name the
        announced noun, `wanted` of them at most."""
        evidence = self.evidence
        text = evidence.documents[announce.doc_id].text
        _, end = paragraph(text, announce.end)
        _, end = paragraph(text, min(end + 1, len(text)))
        rows = [r for r in evidence.rows_between(announce.doc_id, announce.end, end) if noun in evidence.retriever.sentence_text(r)]
        return [[r] for r in rows[:wanted]]

    def _items_after(self, announce: Candidate, wanted: int) -> list[list[int]]:
        """The rows of each item after `announce`, in reading order: the paragraphs that open
        with one enumeration style ("一是", "（一）", "1.") or with a lead sentence
        ("打好精准脱贫攻坚战。…": the lead and the sentence after it), starting in the next
        paragraph at the latest, until an outer heading, a paragraph that is neither (in a
        list of led paragraphs), `wanted` items or `items_reach` sentences."""
        retriever, evidence = self.evidence.retriever, self.evidence
        text = evidence.documents[announce.doc_id].text
        found: list[list[int]] = []
        style: float | None = None
        last = min(announce.row + self.policy.items_reach, retriever.sentence_count())
        for row in range(announce.row + 1, last):
            sentence = retriever.sentence(row)
            if sentence.doc_id != announce.doc_id or len(found) == wanted:
                break
            opens = not text[paragraph(text, sentence.start)[0] : sentence.start].strip()  # it starts its paragraph
            rank = heading_rank(retriever.sentence_text(row).strip())
            lead = rank is None and opens and evidence.lead(row) == sentence
            if lead:
                rank = language.PLAIN_LEAD_RANK
            if rank is None or (style is not None and rank > style):
                if opens and rank is None and (not found or style == language.PLAIN_LEAD_RANK):
                    break  # a paragraph that is no item: the list is not here, or is over
                continue  # the body of an item, or a sub-item
            if style is not None and rank < style:
                break  # an outer heading: the list is over
            style = rank
            short = lead or evidence.is_label(row)  # "1.坚持党的领导。": the item's name; its first sentence says it
            more = [row + 1] if short and row + 1 < last and paragraph(text, retriever.sentence(row + 1).start)[0] == paragraph(text, sentence.start)[0] else []
            found.append([row, *more])
        return found

    def side_by_side(self, asked: Question, candidates: list[Candidate], supported: list[Candidate]) -> list[Candidate]:
        """The best sentences for each place, year or named document of a comparison. Once
        one of them supports the question, another group's best eligible sentence sharing
        any of its terms stands for that group: the reader is comparing, and sees it
        under its own document."""
        chosen: list[Candidate] = []
        for group in self.evidence.groups(asked):
            members = [c for c in supported if self.evidence.in_group(c, group)]
            members = members or [c for c in candidates if c.eligible and c.coverage > 0 and self.evidence.in_group(c, group)][:1]
            if members:
                chosen += self.facts(asked, members)[: self.policy.group_sentences]
        return chosen or supported[:1]

    def by_document(self, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence of each document, documents in order of their best sentence."""
        firsts: dict[str, Candidate] = {}
        for c in supported:
            firsts.setdefault(c.doc_id, c)
        return list(firsts.values())[: self.policy.groups]

    def close_to(self, best: Candidate, candidates: list[Candidate]) -> list[Candidate]:
        """The sentences ranked close to the best one, at most `measure_sentences`."""
        policy = self.policy
        return [c for c in candidates if c.support >= best.support - policy.measure_margin][: policy.measure_sentences] or [best]

    def outline(self, asked: Question, candidates: list[Candidate], supported: list[Candidate], hits: Sequence[Hit]) -> Answer | None:
        """A measures answer along a document's outline: under the section the question is
        about, each sub-heading with the sentence that best supports it, in reading order;
        a section without sub-headings gives its sentences (the best ones when it is long).
        None when no section is found."""
        section = self.section(asked, candidates, supported)
        if section is None:
            return None
        document = self.evidence.documents[section.doc_id]
        inside = [c for c in self.evidence.judge(asked, self.evidence.rows_between(section.doc_id, section.start, section.end)) if c.eligible]
        if len(section.children) < 2:
            if section.end - section.start > self.policy.section_chars:
                inside = inside[: self.policy.measure_sentences]
            if not (inside or supported):
                return None
            return compose(asked.text, inside or supported[:1], hits, self.evidence, heading=section.title)
        items: list[tuple[str, Candidate]] = []
        for child in section.children[: self.policy.outline_items]:
            start, end = _span(document, child)
            best = next((c for c in inside if start <= c.start < end), None)
            if best is not None:
                items.append((child.title, best))
        return compose_outline(asked.text, document, section.title, items, hits, self.evidence) if items else None

    def section(self, asked: Question, candidates: list[Candidate], supported: list[Candidate]) -> Section | None:
        """The section the question is about: the heading it names ("在“工作要求”部分") in
        a document it may come from; else, over the best supported sentences of the best
        document, the heading or the paragraph's lead sentence ("加强高质量教育体系建设。")
        covering most of its terms (the innermost one on a tie)."""
        if asked.section:
            for doc_id in dict.fromkeys(c.doc_id for c in candidates if c.eligible):
                document = self.evidence.documents[doc_id]
                named = next((h for h in document.headings if squash(asked.section) in squash(h.title)), None)
                if named is not None:
                    return Section.of(document, named)
        if not supported:
            return None
        document = self.evidence.documents[supported[0].doc_id]
        options: list[tuple[float, int, Section]] = []  # over the sentences ranked close to the best
        for c in self.close_to(supported[0], [c for c in supported if c.doc_id == document.doc_id])[:3]:
            for depth, heading in enumerate(document.heading_chain(c.start)):
                options.append((coverage(asked, heading.title, document.title), depth, Section.of(document, heading)))
            lead = self.evidence.lead(c.row)
            if lead is not None:
                start, end = paragraph(document.text, c.start)
                title = document.text[lead.start : lead.end]
                options.append((coverage(asked, title, document.title), len(options) + 1, Section(document.doc_id, title, start, end, ())))
        covered, _, best = max(options, key=lambda o: o[:2], default=(0.0, 0, None))
        return best if covered > 0 else None

    def similar_sentences(self, passage: str, hits: Sequence[Hit]) -> list[Candidate]:
        """The closest sentence of the best passage of each of the `similar_cited` most
        similar documents, each scored by its passage's similarity."""
        retriever = self.evidence.retriever
        chosen: list[Candidate] = []
        for hit in hits:
            if len(chosen) == self.policy.similar_cited:
                break
            if any(c.doc_id == hit.doc_id for c in chosen):
                continue
            start, end = self.similar.closest_sentence(hit, passage)
            row = next((r for r in retriever.sentence_rows(hit) if retriever.sentence(r).start == start), None)
            if row is not None and not self.evidence.is_label(row):
                chosen.append(Candidate(row, hit.doc_id, start, end, hit.score, 0.0, hit.score))
        return chosen


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
