"""Naming: which documents a question names by their metadata, and how strongly.

A question may point at documents without quoting them: by 发文字号 ("国办发〔2015〕71号"),
by issuing organ ("教育部2019年的意见"), by year and kind together ("2024年政府工作报告").
Retrieval ranks the documents it names first; answering keeps to the ones named clearly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rag import language
from rag.schema import Document
from rag.search.questions import kinds_in, short_place
from rag.stores import word_bounds
from rag.textshape import squash


@dataclass(frozen=True)
class _Names:
    """How questions may name one document: its 发文字号 (brackets read as 〔〕), the forms
    of its issuing organs, its year and its kind."""

    doc_id: str
    number: str
    organs: tuple[str, ...]
    places: tuple[str, ...]  # the places of its organs: a weaker name ("浙江那份通知")
    year: str
    kind: str
    title: str  # its title, squashed, when long enough to name it alone


# A title this long (squashed) names its document when a question quotes it whole.
TITLE_NAMES = 8


class DocumentNames:
    """Finds the documents a question names by their metadata, with how strongly: the
    发文字号 or the full title (2: "中小学校园安全管理办法和…有什么不同"), the issuer (1; 0.5 by its place alone, "四川省…的实施意见"), and the year
    or kind when said with the issuer (a year with its full name only: "江西省2022年末…" asks
    about a province's year, not about its 外事办公室's notice of that year) or with each
    other ("教育部2019年的意见",
    "国办发〔2015〕71号文件", "2024年政府工作报告"). A year alone
    names nothing: questions ask about years far more often than they name a document by
    one; a kind other than the document's ("…的报告" of a 通知) weakens the naming by 1. An
    organ named inside a longer one ("国务院" in "国务院办公厅") or inside a word
    ("教育部" in "教育部门") does not count. The names are read once per index."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.names = [
            _Names(
                d.doc_id,
                squash(d.doc_number or "").translate(language.DOC_NUMBER_BRACKETS),
                tuple(form for organ in _organs(d) for form in _organ_forms(organ) if len(form) >= 2),
                _organ_places(_organs(d)),
                (d.date or "")[:4],
                d.kind or "",
                title if len(title := squash(d.title)) >= TITLE_NAMES else "",
            )
            for d in documents
        ]

    def run(self, query: str) -> dict[str, float]:
        text = squash(query)
        numbers = text.translate(language.DOC_NUMBER_BRACKETS)
        years = set(language.YEAR.findall(text))
        kinds = set(kinds_in(text))
        spans = {n.doc_id: {(at, at + len(f)) for f in (*n.organs, *n.places) if (at := text.find(f)) >= 0} for n in self.names}
        if any(spans.values()):  # only then is the query cut into words
            bounds = word_bounds(text)
            spans = {d: {s for s in found if s[0] in bounds and s[1] in bounds} for d, found in spans.items()}
        every = {span for found in spans.values() for span in found}
        named: dict[str, float] = {}
        for n in self.names:
            by_number = bool(n.number) and (n.number in numbers or n.number[n.number.find("〔") :] in numbers)
            said = [s for s in spans[n.doc_id] if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in every)]
            by_issuer = 1.0 if any(text[a:b] in n.organs for a, b in said) else 0.5 if said else 0.0
            by_year = bool(n.year) and n.year in years
            by_kind = bool(n.kind) and n.kind in text
            other_kind = bool(n.kind) and bool(kinds) and n.kind not in kinds
            by_title = bool(n.title) and n.title in text
            score = 2.0 * (by_number or by_title) + by_issuer + (by_year and (by_issuer >= 1 or by_kind)) + 0.5 * (by_kind and (by_issuer > 0 or by_year))
            score -= other_kind and not (by_number or by_title)
            if score >= 1:
                named[n.doc_id] = score
        return named


def _organs(document: Document) -> list[str]:
    """The organs the document's issuer field lists."""
    return [o for o in language.ISSUER_SEPARATORS.split(document.issuer or "") if o]


def _organ_places(organs: list[str]) -> tuple[str, ...]:
    """The places the organs open with, in full and short ("四川省", "四川")."""
    places = (m.group(1) for organ in organs if (m := language.ORGAN_PLACE.match(organ)))
    return tuple(dict.fromkeys(form for place in places for form in (place, short_place(place))))


def _organ_forms(organ: str) -> dict[str, None]:
    """The ways a question may name an issuing organ: in full, without the words it is often
    said without, or by its short name ("国办")."""
    return dict.fromkeys([organ, *(organ.replace(w, "") for w in language.ISSUER_OPTIONAL), language.ORGAN_ABBREVIATIONS.get(organ, "")])
