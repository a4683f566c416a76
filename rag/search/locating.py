"""Find where a pasted, half-remembered sentence really comes from.

Both the query and every document are reduced to their word characters (NFKC, lower-cased,
letters and digits only; CJK ideographs count as letters). Spacing, full/half-width forms,
punctuation and PDF wrap damage ("县直学 校", "3. 6万个") then stop mattering. Each kept
character remembers its offset in `Document.text`, so any stretch of the reduced text maps
back to an exact span of the original.

Exact: the reduced query occurs in a reduced document; every occurrence counts.

Fuzzy, only when there are too few exact matches: rapidfuzz's `partial_ratio_alignment`
finds the best rough place in each document (for a long paste, only in the stretch its
verbatim runs point to, so its cost stays flat). It compares windows as long as the query, so
its window is then widened or narrowed a few characters at each edge until it covers the
whole original wording. Otherwise a dropped word or a changed first or last character would
cut the span short. Fuzzy search keeps only the best place in each document, and skips
documents that already have an exact match: a lightly edited sentence seldom occurs twice
in one report, and one document's second-best place is mostly noise.

A span is finally widened over an opening quote just before it and closing punctuation just
after it (never across a line break), so that it reads as the original sentence or clause.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from rag.schema import Document, Match

log = logging.getLogger(__name__)

# Fuzzy matches less similar than this (fuzz.ratio / 100) are dropped: below it, unrelated
# sentences about the same subject start to match on shared common words.
MIN_SIMILARITY = 0.5
# Queries with fewer word characters than this are only matched exactly: a fuzzy match of
# two or three characters is found nearly everywhere.
MIN_FUZZY_CHARS = 4
# How far (as a share of the query's length, and at most EDGE_SLACK_MAX characters) each
# edge of a fuzzy window may move: a long paste's edges are a small part of it.
EDGE_SLACK = 0.3
EDGE_SLACK_MAX = 40
# A query this long (word characters) is first anchored: runs of ANCHOR characters of it
# found verbatim in a document vote for where it starts there, and only that stretch is
# aligned fuzzily. Aligning a long paste against a whole document costs its length times
# the document's; a real source of a long paste shares such runs with it.
ANCHORED_CHARS = 100
ANCHOR = 10
# Quotes and brackets that open a sentence; units, brackets and punctuation that close
# one ("82%", "（试行）", "…。”").
OPENERS = "“‘「『（(【"
CLOSERS = "%％‰）)】…。！？；!?;”’」』"
# Characters that end a sentence or clause: a fuzzy window's edge prefers to sit at one.
BREAKS = frozenset("。！？；!?;\n")


@lru_cache(maxsize=16384)
def _word_chars(char: str) -> str:
    """The word characters `char` stands for: NFKC maps full-width forms to ASCII and
    lower() ignores case; whitespace and punctuation stand for nothing."""
    return "".join(c for c in unicodedata.normalize("NFKC", char).lower() if c.isalnum())


def reduce_text(text: str) -> str:
    """`text` reduced to its word characters: what matching compares."""
    return "".join(_word_chars(c) for c in text)


@dataclass(frozen=True)
class _Reduced:
    """A document's reduced text; `offsets[i]` is where its character `i` came from, and
    `breaks` holds each `i` that a sentence break in the original comes just before."""

    text: str
    offsets: tuple[int, ...]
    breaks: frozenset[int] = frozenset()


def _reduce_document(text: str) -> _Reduced:
    chars: list[str] = []
    offsets: list[int] = []
    breaks = {0}
    for offset, char in enumerate(text):
        if char in BREAKS:
            breaks.add(len(chars))
        for word_char in _word_chars(char):
            chars.append(word_char)
            offsets.append(offset)
    breaks.add(len(chars))
    return _Reduced("".join(chars), tuple(offsets), frozenset(breaks))


def _refine(query: str, reduced: _Reduced, start: int, end: int) -> tuple[int, int]:
    """Move the edges of the window `text[start:end]` (at most EDGE_SLACK of the query's
    length from where they were) to the window closest to `query`.

    Closeness is Levenshtein similarity: unlike fuzz.ratio, it does not prefer to leave out
    a substituted character at an edge, so a query with a changed last character still gets
    the whole sentence. Ties go to the window with more edges at sentence breaks (a changed
    ending should not pull in the next sentence's first character), then to the one whose
    length is nearest the query's."""
    text, breaks = reduced.text, reduced.breaks
    slack = max(1, min(EDGE_SLACK_MAX, round(len(query) * EDGE_SLACK)))
    starts = range(max(0, start - slack), min(len(text), start + slack) + 1)
    ends = range(max(0, end - slack), min(len(text), end + slack) + 1)

    def closeness(window: tuple[int, int]) -> tuple[float, int, int]:
        s, e = window
        at_breaks = (s in breaks) + (e in breaks)
        return Levenshtein.normalized_similarity(query, text[s:e]), at_breaks, -abs(e - s - len(query))

    best = (start, end)
    best_closeness = closeness(best)
    improved = True
    while improved:  # coordinate ascent: the best single-edge move, until none helps
        improved = False
        s0, e0 = best
        moves = [(s, e0) for s in starts if s < e0] + [(s0, e) for e in ends if e > s0]
        for move in moves:
            if (move_closeness := closeness(move)) > best_closeness:
                best, best_closeness, improved = move, move_closeness, True
    return best


def _anchored(query: str, text: str) -> tuple[int, int] | None:
    """The stretch of `text` where a long `query` most likely lies (None: it shares no run
    of ANCHOR characters with `text`): each run found votes for the query's start implied
    by it; the stretch is the query's length around the most voted start, plus slack."""
    votes: dict[int, int] = {}
    for i in range(0, len(query) - ANCHOR + 1, ANCHOR):
        position = text.find(query[i : i + ANCHOR])
        while position >= 0:
            implied = (position - i) // ANCHOR
            votes[implied] = votes.get(implied, 0) + 1
            position = text.find(query[i : i + ANCHOR], position + 1)
    if not votes:
        return None
    start = max(votes, key=lambda v: votes[v]) * ANCHOR
    slack = max(ANCHOR, round(len(query) * EDGE_SLACK))
    return max(0, start - slack), min(len(text), start + len(query) + slack)


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """`text[start:end]` widened over an opening quote just before it and closing
    punctuation just after it; the sets hold no line break, so none is crossed."""
    while start > 0 and text[start - 1] in OPENERS:
        start -= 1
    while end < len(text) and text[end] in CLOSERS:
        end += 1
    return start, end


class Locator:
    """Finds where pasted text comes from in a set of documents.

    A match is `exact` when the wording is verbatim; spacing, full/half-width forms,
    letter case and punctuation are ignored even then."""

    def __init__(self, documents: Mapping[str, Document]) -> None:
        self._documents = dict(documents)
        self._reduced: dict[str, _Reduced] = {}

    def run(self, text: str, k: int = 5, doc_ids: Iterable[str] | None = None) -> list[Match]:
        """Best `k` distinct places (searching only `doc_ids` when given, else all documents), best first."""
        query = reduce_text(text)
        if not query or k <= 0:
            return []
        searched = self._select(doc_ids)
        matches = [match for doc_id in searched for match in self._exact(query, doc_id)]
        if len(matches) < k and len(query) >= MIN_FUZZY_CHARS:
            found = {match.doc_id for match in matches}
            for doc_id in searched:
                if doc_id not in found and (match := self._fuzzy(query, doc_id)) is not None:
                    matches.append(match)
        distinct: dict[tuple[str, int, int], Match] = {}
        for match in matches:
            distinct.setdefault((match.doc_id, match.start, match.end), match)
        ranked = sorted(distinct.values(), key=lambda m: (not m.exact, -m.similarity))
        log.debug("located %d places for a %d-character query in %d documents", len(ranked), len(query), len(searched))
        return ranked[:k]

    def _select(self, doc_ids: Iterable[str] | None) -> list[str]:
        if doc_ids is None:
            return list(self._documents)
        selected = list(dict.fromkeys(doc_ids))
        unknown = [doc_id for doc_id in selected if doc_id not in self._documents]
        if unknown:
            log.warning("ignoring unknown document ids: %s", ", ".join(unknown))
        return [doc_id for doc_id in selected if doc_id in self._documents]

    def _reduced_document(self, doc_id: str) -> _Reduced:
        """The reduced text of a document, computed on first use: most queries are answered
        before every document has been needed."""
        reduced = self._reduced.get(doc_id)
        if reduced is None:
            reduced = self._reduced[doc_id] = _reduce_document(self._documents[doc_id].text)
        return reduced

    def _exact(self, query: str, doc_id: str) -> Iterator[Match]:
        reduced = self._reduced_document(doc_id)
        position = reduced.text.find(query)
        while position >= 0:
            yield self._match(doc_id, position, position + len(query), 1.0, exact=True)
            position = reduced.text.find(query, position + len(query))

    def _fuzzy(self, query: str, doc_id: str) -> Match | None:
        reduced = self._reduced_document(doc_id)
        first, last = 0, len(reduced.text)
        if len(query) >= ANCHORED_CHARS:
            window = _anchored(query, reduced.text)
            if window is None:
                return None
            first, last = window
        alignment = fuzz.partial_ratio_alignment(query, reduced.text[first:last], score_cutoff=MIN_SIMILARITY * 100)
        if alignment is None:
            return None
        start, end = _refine(query, reduced, first + alignment.dest_start, first + alignment.dest_end)
        similarity = fuzz.ratio(query, reduced.text[start:end]) / 100
        if similarity < MIN_SIMILARITY:
            return None
        return self._match(doc_id, start, end, similarity, exact=False)

    def _match(self, doc_id: str, start: int, end: int, similarity: float, exact: bool) -> Match:
        """The match for characters `start:end` of a document's reduced text."""
        document = self._documents[doc_id]
        offsets = self._reduced_document(doc_id).offsets
        first, last = _span(document.text, offsets[start], offsets[end - 1] + 1)
        return Match(
            doc_id=doc_id,
            title=document.title,
            source=document.source,
            start=first,
            end=last,
            text=document.text[first:last],
            similarity=similarity,
            exact=exact,
        )
