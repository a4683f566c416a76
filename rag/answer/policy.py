"""Every number the answer stage decides by, in one object.

Two are fitted (`FITTED`): `rag calibrate GOLD.jsonl` chooses them on a gold set's
answerable and unanswerable questions and saves them per embedding model
(`rag.answer.calibration`). Both are relative, so that a value fitted on one library holds
on another: a share of the question's own terms, and a distance above the question's own
background in the library. The others are fixed; each says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class AnswerPolicy:
    """The answer stage's numbers (see the module docstring)."""

    # FITTED. The IDF-weighted share of the question's terms (those not in the document's
    # title) that the best evidence, with its heading path and the sentence before it,
    # must hold: below it, the documents talk around the question without saying it.
    min_coverage: float = 0.25
    # FITTED. How far above the question's background the best evidence's cosine must
    # stand, in standard deviations of the question's cosines with a fixed sample of the
    # library's sentences outside the documents judged (its "lift"): the embedding's cosines
    # sit high and vary by question, so an absolute cosine does not transfer between libraries.
    min_lift: float = 1.0

    # Fixed: a supporting sentence holding at least this share of the question's terms is
    # shown as strong support (三分之二 or more of what is asked, in the reader's words
    # "说到了问题的大部分要点").
    strong_coverage: float = 0.67
    # Fixed: the error rates the product accepts, which `rag calibrate` weighs its two kinds
    # of error by: at most 1 answerable question in 15 refused, at most 15% of
    # unanswerable ones answered. A wrong refusal hides what the documents say; a wrong
    # answer still shows its citations, which the reader can check.
    refused_answerable: float = 1 / 15
    answered_unanswerable: float = 0.15
    # Fixed: how many library sentences make a question's background (a few hundred
    # estimate a mean and spread to a few per cent; the cost is one product per question).
    background_sentences: int = 256
    # Fixed: fewer background sentences than this (outside the documents judged) estimate no
    # mean and spread, and the lift then refuses nothing (a library of two reports on one topic).
    min_background: int = 32
    # Fixed: passages whose sentences are judged (the evidence is in the top 5 for 9 in 10
    # questions of every gold set; 10 leaves room for the second document of a comparison).
    passages: int = 10
    # Fixed: how much term coverage adds to the cosine when candidates are ranked (a tie
    # breaker between sentences close in meaning; it decides no refusal).
    coverage_weight: float = 0.2
    # Fixed: how strongly (`rag.search.naming`) a question must name documents to keep
    # the answer to them: an issuer with a year or kind (1.5), or a 发文字号 (2).
    clear_naming: float = 1.5
    # Fixed: a document whose title, issuer and opening lines name no place speaks for a
    # place its text names at least this often (once is a passing mention).
    place_mentions: int = 2
    # Fixed: an enumerated sentence this short without figures is a section label
    # (GB/T 9704 headings and 一是… leads run to about 30 characters).
    label_length: int = 32
    # Fixed: two sentences sharing this share of their character pairs say the same thing.
    duplicate_share: float = 0.6
    # Fixed: a measures answer cites sentences ranked within this of the best, at most
    # `measure_sentences`; a section without sub-headings this short is cited whole.
    measure_margin: float = 0.06
    measure_sentences: int = 5
    section_chars: int = 800
    # Fixed: an outline answer lists at most this many sub-headings, a list answer this
    # many items (a 公文 rarely announces more than eight 方面).
    outline_items: int = 8
    list_items: int = 8
    # Fixed: a comparison cites at most this many sentences per side; "which places"
    # names at most `groups` documents; similar passages cite this many documents.
    group_sentences: int = 2
    groups: int = 6
    similar_cited: int = 3
    # Fixed: a generated answer sentence is supported when this share of its character
    # pairs occur in the cited sentence (a claim in other words shares about half).
    claim_support: float = 0.3

    # Fixed: a document's opening lines (its title as printed, a subtitle, an issuer line, a
    # page's front matter) say what it is as well as the parsed metadata does: this many are
    # read with it, each cut to a title's length (longer lines are body text).
    opening_lines: int = 3
    opening_line_chars: int = 60
    # Fixed: a document's head, where a law or regulation lists when it was adopted and
    # amended ("2024年9月27日…第二次修正"): about the first 600 characters.
    head_chars: int = 600
    # Fixed: an organ named this fully ("普陀区商务委员会", "国务院办公厅", not "教育厅") names the
    # issuer of the document asked about, when a document of the library says it is issued so.
    full_organ_chars: int = 5
    # Fixed: the items a sentence announces start within this many sentences after it (a
    # 公文's list of eight 方面 with a paragraph each).
    items_reach: int = 60

    FITTED: ClassVar[tuple[str, ...]] = ("min_coverage", "min_lift")

    def fitted(self) -> dict[str, float]:
        """The fitted numbers by name."""
        return {name: getattr(self, name) for name in self.FITTED}
