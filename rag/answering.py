"""Extractive answers: the sentences that answer a question, each cited exactly.

A question goes through hybrid retrieval; the sentences of the best passages are then
scored against it (the embedding for meaning, IDF-weighted word overlap for names and
figures) and the few that answer it are kept, in reading order, each with a citation
whose span is the sentence's exact place in its document. The shape of the answer
follows the question:

- a fact ("多少", "几"): the best sentence, and a second when it answers another part;
- measures ("如何", "哪些做法"): a few sentences from the best report;
- several places ("遵义和岳阳各有…", "哪些地方…"): the best sentences for each place,
  grouped by document;
- a pasted quote ("「…」出自哪里"): the original sentence, found by `Retriever.locate`;
- a pasted passage ("「…」其他地方有类似做法吗"): similar passages from other reports.

It abstains ("文档中没有找到相关信息") when the question names a place or year that no
report matches, or when no sentence scores high enough; the near-misses stay in
`Answer.sources` so the reader can check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.language import YEAR
from rag.retrieval import Retriever
from rag.schema import Answer, Citation, Document, Hit
from rag.stores import tokenize
from rag.textshape import char_pairs, heading_rank, squash

NOT_FOUND = "文档中没有找到相关信息"

# What the question asks for (see the module docstring).
MEASURES = re.compile(r"如何|怎样|怎么|哪些(?:做法|措施|举措|经验|办法|工作)|做法|措施|举措")
SPREAD = re.compile(r"哪些(?:地方|地区|省|市|城市|县)|各地|各省|各市|多地")
QUOTE_ASK = re.compile(r"出自|出处|原话|原文|原句|哪篇|哪份")
SIMILAR_ASK = re.compile(r"类似|相似|相近|同样的做法")
PASTED = re.compile(r"「(.+?)」", re.DOTALL)
QUANTITY = re.compile(r"多少|几|比例|比重|百分|率")
DIGIT = re.compile(r"\d")
# A short sentence opening with an enumerator ("二、坚持城乡一体…") is a section label.
LABEL_LENGTH = 32
AUTONOMOUS = re.compile(r"(?:[\u4e00-\u9fff]{1,3}族)?自治区$|特别行政区$")

# Passages whose sentences are scored, and how much word overlap adds to the cosine.
PASSAGES = 8
LEXICAL_WEIGHT = 0.1
# How far below the best sentence another one may score and still be cited, and how
# many sentences each kind of answer cites.
FACT_MARGIN, FACT_SENTENCES = 0.02, 2
MEASURE_MARGIN, MEASURE_SENTENCES = 0.07, 5
GROUP_MARGIN, GROUP_SENTENCES, GROUPS = 0.05, 2, 5
# Abstain when a table-of-contents entry covers this much more of the question's words
# than any sentence with content.
CONTENTS_MARGIN = 0.3
# Two sentences sharing this share of their character pairs say the same thing.
DUPLICATE_SHARE = 0.6


@dataclass(frozen=True)
class Scored:
    """A candidate sentence of the index and how well it answers the question (`score`:
    cosine plus word overlap; `cosine` alone decides whether anything answers at all)."""

    row: int
    doc_id: str
    start: int
    end: int
    score: float
    cosine: float = 0.0
    lexical: float = 0.0
    label: bool = False
    contents: bool = False


def pasted_text(question: str) -> str | None:
    """The passage or quote between 「」 in a question, if any."""
    found = PASTED.search(question)
    return found.group(1).strip() if found else None


class Answerer:
    """Writes extractive answers from one retriever's index."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever
        self.index = retriever.index
        # Below this score no sentence answers the question (Settings.min_answer_score).
        self.min_score = retriever.settings.min_answer_score
        self.chunk_sentences: dict[int, list[int]] = {}
        for row, chunk in enumerate(self.index.sentence_chunk.tolist()):
            self.chunk_sentences.setdefault(chunk, []).append(row)
        self.title_words = {w for d in self.index.documents.values() for w in tokenize(d.title)}
        self.title_places = {d.doc_id: _places(d.title) for d in self.index.documents.values()}

    def run(self, question: str, within: Collection[str] | None = None) -> Answer:
        """The answer to `question`, from the documents `within` (all when None; a pasted
        quote or passage is looked for in the whole library)."""
        pasted = pasted_text(question)
        if pasted and QUOTE_ASK.search(question):
            return self.from_quote(question, pasted)
        if pasted and SIMILAR_ASK.search(question):
            return self.from_similar(question, pasted)
        return self.from_sentences(question, within)

    # ----------------------------------------------------------------------------------
    # Questions answered by sentences
    # ----------------------------------------------------------------------------------

    def from_sentences(self, question: str, within: Collection[str] | None = None) -> Answer:
        places, years, unknown = self.constraints(question)
        documents = [d for d in self.index.documents.values() if within is None or d.doc_id in within]
        allowed = [d.doc_id for d in documents if _mentions(d, places, years)] if places or years else within
        hits = self.retriever.run(question, PASSAGES, allowed)
        if unknown or not hits:
            return abstain(question, hits or self.retriever.run(question, PASSAGES, within))
        scored = self.score(question, hits)
        if _only_in_contents(scored):
            return abstain(question, hits)
        scored = [s for s in scored if not s.label]
        if places:
            scored = [s for s in scored if self._place_of(s, places) is not None]
        if years:
            scored = [s for s in scored if self._dated(s, years)]
        if QUANTITY.search(question) and any(DIGIT.search(self._text(s)) for s in scored):
            scored = [s for s in scored if DIGIT.search(self._text(s))]
        if not scored or max(s.cosine for s in scored) < self.min_score:
            return abstain(question, hits)
        if len(places) > 1:
            chosen = self.by_group(scored, lambda s: self._place_of(s, places))
        elif SPREAD.search(question):
            chosen = self.by_group(scored, lambda s: s.doc_id)
        elif MEASURES.search(question):
            best_doc = scored[0].doc_id
            chosen = _within(
                [s for s in scored if s.doc_id == best_doc], scored[0].score - MEASURE_MARGIN, MEASURE_SENTENCES
            )
        else:
            chosen = _within(scored, scored[0].score - FACT_MARGIN, FACT_SENTENCES)
        return self.compose(question, chosen, hits)

    def constraints(self, question: str) -> tuple[list[str], list[str], list[str]]:
        """Places and years the question names, which its evidence must mention, and
        named places the corpus never mentions at all."""
        places, unknown = [], []
        for word, tag in _tagged(question):
            known = self.index.lexical.document_frequency(word.lower()) > 0
            if tag == "ns" and not known:
                unknown.append(word)
            elif tag == "ns" or word in self.title_words:
                places.append(_short_place(word))
        return list(dict.fromkeys(places)), YEAR.findall(question), unknown

    def _dated(self, sentence: Scored, years: list[str]) -> bool:
        """Do the sentence (with the one before it) or its report's title and date name
        every year the question asks about? A figure for another year does not answer it."""
        document = self.index.documents[sentence.doc_id]
        before = self.index.sentences[sentence.row - 1] if sentence.row else None
        start = before.start if before is not None and before.doc_id == sentence.doc_id else sentence.start
        context = f"{document.title} {document.date or ''} {document.text[start : sentence.end]}"
        return all(y in context for y in years)

    def _place_of(self, sentence: Scored, places: list[str]) -> str | None:
        """Which of the question's places a sentence speaks for: the place its report is
        titled with, the one it names itself, or, in a report whose title names no
        place, one the report names repeatedly. A report only mentioning a place in
        passing does not speak for it."""
        document = self.index.documents[sentence.doc_id]
        own = self.title_places[sentence.doc_id]
        for place in places:
            if any(place in p or p in place for p in own) or place in self._text(sentence):
                return place
            if not own and document.text.count(place) >= 2:
                return place
        return None

    def score(self, question: str, hits: Sequence[Hit]) -> list[Scored]:
        """The sentences of the hit passages, best first: cosine with the question plus
        the IDF-weighted share of the question's words they (or their title) contain.
        Labels (headings, titles) are marked: they name a topic but answer nothing."""
        rows = sorted({r for hit in hits for r in self.sentence_rows(hit)})
        if not rows:
            return []
        dense = self.index.sentence_dense.score(self.retriever.embedder.embed_query(question), np.asarray(rows))
        weights = {w: self.index.lexical.idf(w) for w in set(tokenize(question))}
        total = sum(weights.values()) or 1.0
        scored = []
        for row, cosine in zip(rows, dense.tolist()):
            sentence = self.index.sentences[row]
            document = self.index.documents[sentence.doc_id]
            words = set(tokenize(document.title + "\n" + document.text[sentence.start : sentence.end]))
            lexical = sum(w for t, w in weights.items() if t in words) / total
            score = cosine + LEXICAL_WEIGHT * lexical
            label = self._is_label(row)
            contents = label and self._has_no_body(row)
            scored.append(Scored(row, sentence.doc_id, sentence.start, sentence.end, score, cosine, lexical, label, contents))
        return sorted(scored, key=lambda s: -s.score)

    def by_group(self, scored: list[Scored], group_of: Callable[[Scored], str | None]) -> list[Scored]:
        """The best sentences of each group (a place or a document), groups in order of
        their best sentence."""
        groups: dict[str, list[Scored]] = {}
        for s in scored:
            key = group_of(s)
            if key is not None:
                groups.setdefault(key, []).append(s)
        floor = scored[0].score - GROUP_MARGIN
        chosen = []
        for members in list(groups.values())[:GROUPS]:
            chosen += _within(members, max(floor, members[0].score - FACT_MARGIN), GROUP_SENTENCES)
        return chosen

    def sentence_rows(self, hit: Hit) -> list[int]:
        """Index rows of the sentences held by a hit's chunk."""
        return self.chunk_sentences.get(self.retriever.row_of(hit.chunk_id), [])

    def _has_no_body(self, row: int) -> bool:
        """A label followed directly by another label (or by nothing): an entry of a
        table of contents, not the heading of a section with text."""
        following = row + 1
        if following >= len(self.index.sentences) or self.index.sentences[following].doc_id != self.index.sentences[row].doc_id:
            return True
        return self._is_label(following)

    def _is_label(self, row: int) -> bool:
        """The title line, a heading, or a short enumerated lead sentence without
        figures: it names a topic but answers nothing."""
        sentence = self.index.sentences[row]
        document = self.index.documents[sentence.doc_id]
        if any(h.start <= sentence.start and sentence.end <= h.end for h in document.headings):
            return True
        text = squash(document.text[sentence.start : sentence.end])
        if text == squash(document.title) or sentence.start == 0:
            return True
        return heading_rank(text) is not None and len(text) <= LABEL_LENGTH and not DIGIT.search(text)

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
        """Passages of other reports saying something similar, one sentence each."""
        hits = self.retriever.similar(passage, k=GROUPS)
        if not hits:
            return abstain(question, hits)
        vector = self.retriever.embedder.embed_query(passage)
        chosen = []
        for hit in hits:
            rows = np.asarray([r for r in self.sentence_rows(hit) if not self._is_label(r)], dtype=np.int64)
            if len(rows):
                best = int(rows[int(np.argmax(self.index.sentence_dense.score(vector, rows)))])
                sentence = self.index.sentences[best]
                chosen.append(Scored(best, sentence.doc_id, sentence.start, sentence.end, hit.score))
        return self.compose(question, chosen, hits)

    # ----------------------------------------------------------------------------------
    # Writing the answer
    # ----------------------------------------------------------------------------------

    def compose(self, question: str, chosen: Iterable[Scored], hits: Sequence[Hit]) -> Answer:
        """One line per document (documents in order of their best sentence), sentences
        in reading order; adjacent sentences become one citation."""
        kept: list[Scored] = []
        for s in chosen:
            if not any(_same_claim(self._text(s), self._text(k)) for k in kept):
                kept.append(s)
        by_doc: dict[str, list[Scored]] = {}
        for s in kept:
            by_doc.setdefault(s.doc_id, []).append(s)
        citations: list[Citation] = []
        lines = []
        for doc_id, members in by_doc.items():
            document = self.index.documents[doc_id]
            parts = []
            for start, end in _merge_adjacent(document.text, sorted((s.start, s.end) for s in members)):
                citation = Citation.of(len(citations) + 1, document, start, end)
                citations.append(citation)
                parts.append(f"{_plain(citation.text)}[{citation.n}]")
            lines.append(f"《{document.title}》：" + "；".join(parts) + "。")
        return Answer(question, "\n".join(lines), tuple(citations), False, tuple(hits))

    def _text(self, s: Scored) -> str:
        return self.index.documents[s.doc_id].text[s.start : s.end]


def abstain(question: str, near_misses: Sequence[Hit]) -> Answer:
    return Answer(question, NOT_FOUND, (), True, tuple(near_misses))


def _only_in_contents(scored: list[Scored]) -> bool:
    """Do the question's words match a table-of-contents entry far better than any
    sentence with content? Then the reports name the topic but say nothing about it."""
    contents = max((s.lexical for s in scored if s.contents), default=0.0)
    body = max((s.lexical for s in scored if not s.label), default=0.0)
    return contents >= body + CONTENTS_MARGIN


def _within(scored: list[Scored], floor: float, limit: int) -> list[Scored]:
    return [s for s in scored if s.score >= floor][:limit]


def _short_place(word: str) -> str:
    """"海西州" -> "海西", "青海省" -> "青海": reports name places both ways."""
    short = AUTONOMOUS.sub("", word)
    if short != word and len(short) >= 2:
        return short
    for suffix in ("省", "市", "州", "县", "区"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def _tagged(text: str) -> list[tuple[str, str]]:
    """Words of two or more characters that jieba tags as a place ("ns") or name ("nr")."""
    import jieba.posseg

    return [(w, t) for w, t in jieba.posseg.lcut(text) if t in ("ns", "nr") and len(w) >= 2]


def _places(title: str) -> list[str]:
    return [_short_place(w) for w, t in _tagged(title) if t == "ns"]


def _mentions(document: Document, places: list[str], years: list[str]) -> bool:
    """Does the document name one of the places and every year?"""
    text = f"{document.title}\n{document.date or ''}\n{document.text}"
    return (not places or any(p in text for p in places)) and all(y in text for y in years)


def _same_claim(a: str, b: str) -> bool:
    pairs_a, pairs_b = char_pairs(a), char_pairs(b)
    return bool(pairs_a and pairs_b) and len(pairs_a & pairs_b) / min(len(pairs_a), len(pairs_b)) >= DUPLICATE_SHARE


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

