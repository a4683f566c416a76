"""How a sentence or a document reads against an analysed question: which of its terms a
text holds, whether a sentence prints the kind of figure asked, what a document says it is
(its title, issuer, date and opening lines) and which years and 发文字号 it carries. Pure
functions over text; `rag.answer.evidence` judges candidates with them."""

from __future__ import annotations

import re
from collections.abc import Collection

from rag import language
from rag.schema import Document
from rag.search.questions import AnswerType, Question
from rag.textshape import char_pairs, lines_of, squash


def coverage(asked: Question, text: str, title: str) -> float:
    """The IDF-weighted share of the question's terms that `text` holds, leaving out the
    terms in the document's title: they name the document, and say nothing of the detail
    asked (1 when every term is in the title). A term reworded around its characters
    ("公办园" for "公办幼儿园") counts for the share of its character pairs the text holds."""
    held = squash(text).lower()
    named = squash(title).lower()
    detail = [t for t in asked.whole_terms if t.word not in named]
    total = sum(t.weight for t in detail)
    return sum(t.weight * term_share(t.word, held) for t in detail) / total if total else 1.0


def term_share(word: str, text: str) -> float:
    """1 when `text` holds the word; else, for a word of three characters or more, the
    share of its character pairs it holds."""
    if word in text:
        return 1.0
    pairs = char_pairs(word) if len(word) >= 3 else set()
    return sum(pair in text for pair in pairs) / len(pairs) if pairs else 0.0


def paragraph(text: str, offset: int) -> tuple[int, int]:
    """The span of the paragraph (line) holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def answer_kind(asked: Question, text: str, units: set[str]) -> bool:
    """Does the sentence print what the question asks for: a date, any number, or, when the
    question names the figure's unit ("多少亿元"), a number in that unit in a clause that says
    what it is a number of (one of the question's terms), or after a clause of its sentence
    that does ("实现生产总值262.6亿元，按可比价计算，增长5.3%"; a table row is one clause)?
    "其中，出口64.6亿元" states no 地区生产总值, whatever the sentence before says."""
    if asked.answer_type == AnswerType.DATE:
        return bool(language.DATE_SAID.search(text))
    if asked.answer_type != AnswerType.NUMBER:
        return True
    if not asked.units:
        return bool(language.DIGIT.search(text) or re.search(language.NUMBER, text))
    if not units:
        return False
    clauses = [text] if language.CELL_SEPARATOR in text else language.CLAUSE_BREAK.split(text)
    return any(_figure(asked, c) and any(_says_a_term(asked, b) for b in clauses[: i + 1]) for i, c in enumerate(clauses))


def _figure(asked: Question, clause: str) -> bool:
    """Does the clause print a number in one of the asked units?"""
    return any(language.NUMBER_IN_UNIT[u].search(clause) for u in asked.units)


def _says_a_term(asked: Question, clause: str) -> bool:
    """Does the clause hold one of the question's terms (reworded ones by most of their
    character pairs)? True for a question without terms."""
    held = squash(clause).lower()
    return not asked.terms or any(term_share(t.word, held) >= 0.5 for t in asked.whole_terms)


def label_spans(document: Document) -> list[tuple[int, int]]:
    """Spans that never answer a fact: the 公文 elements and the headings."""
    return [(e.start, e.end) for e in document.elements] + [(h.start, h.end) for h in document.headings]


def profile(document: Document, lines: int, line_chars: int) -> str:
    """A document's title, issuer, date and first `lines` lines, each cut to `line_chars`
    (see `Evidence.profiles`)."""
    head = document.text[: lines * 400]  # enough text for `lines` lines, without reading a long report whole
    opening = " ".join(line.text[:line_chars] for line in lines_of(head)[:lines])
    return squash(f"{document.title} {document.issuer or ''} {document.date or ''} {opening}")


def mentions(document: Document, asked: Question) -> bool:
    """Does the document name one of the places, and one of the years?"""
    text = f"{document.title}\n{document.date or ''}\n{document.issuer or ''}\n{document.text}"
    return (not asked.places or any(p in text for p in asked.places)) and (not asked.years or any(y in text for y in asked.years))


def same_number(number: str, text: str) -> bool:
    """Does `text` (squashed) print the 发文字号, whatever its brackets?"""
    wanted = squash(number).translate(language.DOC_NUMBER_BRACKETS)
    return wanted in text.translate(language.DOC_NUMBER_BRACKETS)


def mentions_year(document: Document, years: Collection[str]) -> bool:
    """Does the document say one of the years anywhere (or is it dated so)?"""
    return any((document.date or "").startswith(y) or f"{y}年" in document.text or y in document.title for y in years)
