"""The shapes of extractive answers: which supported sentences an answer cites, by intent.

- a fact or quantity: the best supported sentence, and a second one only when it covers
  a part of the question the first does not;
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
from dataclasses import dataclass

from rag.answer.composition import compose, compose_outline
from rag.answer.evidence import Candidate, Evidence, coverage, paragraph
from rag.schema import Answer, Document, Heading, Hit
from rag.search.questions import Question
from rag.search.similar import SimilarPassages
from rag.textshape import squash

# How far below the best sentence another may rank and still be cited, and how many
# sentences each kind of answer cites.
MEASURE_MARGIN, MEASURE_SENTENCES = 0.06, 5
# A section without sub-headings of at most this many characters is cited whole.
SECTION_CHARS = 800
GROUP_SENTENCES, GROUPS = 2, 6
# A similar-passages answer cites this many documents' passages (the 相似段落 tab lists more).
SIMILAR_CITED = 3
OUTLINE_ITEMS = 8


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

    def facts(self, asked: Question, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence, and the next one only when it answers a part (a term or an
        asked unit) the first leaves out."""
        best = supported[0]
        more = [c for c in supported[1:] if c.found - best.found and not self.evidence.same_claim(c, best)]
        wanted = {t.word for t in asked.terms} | set(asked.units)
        more = [c for c in more if (c.found - best.found) & wanted]
        return [best, *more[:1]]

    def side_by_side(self, asked: Question, candidates: list[Candidate], supported: list[Candidate]) -> list[Candidate]:
        """The best sentences for each place, year or named document of a comparison. Once
        one of them supports the question, another group's best eligible sentence sharing
        any of its terms stands for that group: the reader is comparing, and sees it
        under its own document."""
        chosen: list[Candidate] = []
        for group in asked.groups or tuple(sorted(self.evidence.named(asked))):
            members = [c for c in supported if self.evidence.in_group(c, group)]
            members = members or [c for c in candidates if c.eligible and c.coverage > 0 and self.evidence.in_group(c, group)][:1]
            if members:
                chosen += self.facts(asked, members)[:GROUP_SENTENCES]
        return chosen or supported[:1]

    def by_document(self, supported: list[Candidate]) -> list[Candidate]:
        """The best sentence of each document, documents in order of their best sentence."""
        firsts: dict[str, Candidate] = {}
        for c in supported:
            firsts.setdefault(c.doc_id, c)
        return list(firsts.values())[:GROUPS]

    def close_to(self, best: Candidate, candidates: list[Candidate]) -> list[Candidate]:
        """The sentences ranked close to the best one, at most MEASURE_SENTENCES."""
        return [c for c in candidates if c.support >= best.support - MEASURE_MARGIN][:MEASURE_SENTENCES] or [best]

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
            if section.end - section.start > SECTION_CHARS:
                inside = inside[:MEASURE_SENTENCES]
            if not (inside or supported):
                return None
            return compose(asked.text, inside or supported[:1], hits, self.evidence, heading=section.title)
        items: list[tuple[str, Candidate]] = []
        for child in section.children[:OUTLINE_ITEMS]:
            start, end = _span(document, child)
            best = next((c for c in inside if start <= c.start < end), None)
            if best is not None:
                items.append((child.title, best))
        return compose_outline(asked.text, document, section.title, items, hits) if items else None

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
        options: list[tuple[float, int, Section]] = []
        for c in [c for c in supported if c.doc_id == document.doc_id][:3]:
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
        """The closest sentence of the best passage of each of the SIMILAR_CITED most
        similar documents, each scored by its passage's similarity."""
        retriever = self.evidence.retriever
        chosen: list[Candidate] = []
        for hit in hits:
            if len(chosen) == SIMILAR_CITED:
                break
            if any(c.doc_id == hit.doc_id for c in chosen):
                continue
            start, end = self.similar.closest_sentence(hit, passage)
            row = next((r for r in retriever.sentence_rows(hit) if retriever.sentence(r).start == start), None)
            if row is not None and not self.evidence.is_label(row):
                chosen.append(Candidate(row, hit.doc_id, start, end, hit.score, 0.0, True))
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
