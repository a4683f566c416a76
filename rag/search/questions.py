"""Question analysis: what a question asks for and what it asks about, before any search.

`analyze` reads a question the way a reader of policy documents does:

- its **intent**: a fact, a quantity, measures ("如何", "哪些措施"), which places, a
  comparison of documents or places, a change over time, where a quote comes from, passages
  similar to a pasted one, or what a term means;
- the **answer type** it expects: a number (in a unit family: money, share, people, time,
  ...), a date, a name, a list, or text;
- its **constraints**: the places, years (and the years it dates a named document by),
  发文字号, organs and 文种 it names, and a section
  it points into ("在“工作要求”部分");
- its **terms**: the words that say what it is about, without the words that only frame a
  question ("提出了哪些", "多少"), each weighted (by the index's IDF when given).

It is pure: the same text always gives the same `Question`, and nothing here reads an
index. Answering (`rag.answer.evidence`) decides from it which sentences may answer. All the
word lists are in `rag.language`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import pairwise

from rag import language
from rag.stores import dictionary_count, dictionary_tag, tagged_words, tokenize


class Intent(Enum):
    """What a question wants done."""

    FACT = "fact"  # one figure, name or statement
    QUANTITY = "quantity"  # how many / how much
    MEASURES = "measures"  # what measures, how ("如何", "哪些措施")
    PLACES = "places"  # which places do something
    COMPARISON = "comparison"  # two places, years or documents side by side
    CHANGE = "change"  # what changed between years
    QUOTE = "quote"  # where a pasted sentence comes from
    SIMILAR = "similar"  # passages similar to a pasted one
    DEFINITION = "definition"  # what a term means

    @property
    def compares(self) -> bool:
        """Does it set places, years or documents side by side?"""
        return self in (Intent.COMPARISON, Intent.CHANGE)


class AnswerType(Enum):
    """What the answer must print."""

    NUMBER = "number"
    DATE = "date"
    NAME = "name"
    LIST = "list"
    TEXT = "text"

# Two names a comparison sets side by side are joined (`language.JOINING`) within this many characters.
JOIN_GAP = 12


@dataclass(frozen=True)
class Term:
    """A word the evidence should contain, and how much it says about the subject."""

    word: str
    weight: float


@dataclass(frozen=True)
class Question:
    """What `analyze` read in a question (see the module docstring)."""

    text: str
    intent: Intent
    answer_type: AnswerType
    units: tuple[str, ...]  # the unit families an answer's number may be in ("money", "share", ...), when asked
    places: tuple[str, ...]
    years: tuple[str, ...]
    document_years: tuple[str, ...]  # years said of a document of a kind ("2019年政府工作报告")
    doc_numbers: tuple[str, ...]
    organs: tuple[str, ...]
    kinds: tuple[str, ...]
    section: str | None
    pasted: str | None
    terms: tuple[Term, ...]

    @property
    def groups(self) -> tuple[str, ...]:
        """What a comparison sets side by side: its places, else its years."""
        return self.places if len(self.places) > 1 else self.years if len(self.years) > 1 else ()

    @property
    def whole_terms(self) -> tuple[Term, ...]:
        """The terms no longer term contains: "生产总值" without its parts "生产" and "总值",
        which would each count a sentence about "进出口总值" as half on the subject."""
        return tuple(t for t in self.terms if not any(t.word != o.word and t.word in o.word for o in self.terms))

    def specific(self, share: float = 0.5) -> tuple[Term, ...]:
        """The most specific terms: the heaviest ones, together holding `share` of the weight."""
        ranked = sorted(self.terms, key=lambda t: -t.weight)
        total = sum(t.weight for t in ranked)
        kept: list[Term] = []
        for term in ranked:
            if kept and sum(t.weight for t in kept) >= share * total:
                break
            kept.append(term)
        return tuple(kept)


def analyze(text: str, weight: Callable[[str], float] | None = None, known_places: Collection[str] = ()) -> Question:
    """Read `text` (see the module docstring); `weight` gives a term's weight (the index's
    IDF), by default every term weighs 1; `known_places` are place names (say, from the
    library's titles) that count as places even where jieba does not tag them so."""
    pasted = pasted_text(text)
    asked = language.PASTED.sub("「」", text) if pasted else text  # the pasted text is data, not the question
    named_places = _place_words(asked, known_places)
    places = tuple(dict.fromkeys(short_place(w) for w in named_places))
    years = tuple(dict.fromkeys(language.YEAR.findall(asked)))
    document_years = tuple(dict.fromkeys(
        [y for m in language.DOCUMENT_YEAR.finditer(asked) for y in language.YEAR.findall(m.group(0))]
        + language.DOCUMENT_VERSION_YEAR.findall(asked)
    ))
    doc_numbers = tuple(language.DOC_NUMBER_PREFIX.sub("", m.group(0)) for m in language.DOC_NUMBER.finditer(asked))
    organs = _organs(asked)
    kinds = kinds_in(asked)
    section = _section(asked)
    intent = _intent(asked, pasted, places, years, organs)
    units = () if language.MIXED_AMOUNTS.search(asked) else tuple(f for f, ask, _ in language.UNIT_FAMILIES if ask.search(asked))
    answer_type = _answer_type(asked, intent, units)
    framing = {*years, *kinds, *(w for n in doc_numbers for w in tokenize(n)), *organs}
    words = [w.rstrip(language.TRAILING_PARTICLES) for w in tokenize(asked)]
    words = [w for w in words if len(w) >= 2 and not _framing(w) and w not in framing and not _asking(w)]
    words = [w for w in dict.fromkeys(words) if not any(w in p or p in w for p in (*named_places, *places)) and not any(w in o for o in organs)]
    terms = tuple(Term(w, weight(w) if weight else 1.0) for w in words)
    return Question(text, intent, answer_type, units, places, years, document_years, doc_numbers, organs, kinds, section, pasted, terms)


def _framing(word: str) -> bool:
    """Does the word only frame a question: a question word, or two glued together
    ("具体做法" = "具体" + "做法")?"""
    words = language.QUESTION_WORDS
    return word in words or any(word[:i] in words and word[i:] in words for i in range(1, len(word)))


def _asking(word: str) -> bool:
    """Does the word only ask (an interrogative inside: "何时", "哪天", "几所", "百分之几"), or
    only count ("万名", digits), or only name the unit of the figure asked ("亿元", "万吨")?"""
    return bool(language.ASKING.search(word) or language.UNIT_WORD.fullmatch(word)) or all(c.isdigit() or c in language.COUNTING for c in word)


def pasted_text(text: str) -> str | None:
    """The passage or quote pasted between 「」 in a question, if any."""
    found = language.PASTED.search(text)
    return found.group(1).strip() or None if found else None


def _intent(text: str, pasted: str | None, places: tuple[str, ...], years: tuple[str, ...], organs: tuple[str, ...]) -> Intent:
    """The first intent whose words the question uses, from the most telling on."""
    if pasted and language.QUOTE_ASK.search(text):
        return Intent.QUOTE
    if pasted and language.SIMILAR_ASK.search(text):
        return Intent.SIMILAR
    if pasted:
        return Intent.QUOTE  # a bare pasted sentence: where is it from
    if language.CHANGE_ASK.search(text) and len(years) > 1:
        return Intent.CHANGE
    if language.COMPARE_ASK.search(text) and (_joined(text, places) or _joined(text, years) or _joined(text, organs)):
        return Intent.COMPARISON
    if language.CHANGE_STRONG.search(text):
        return Intent.CHANGE
    if language.DEFINITION_ASK.search(text):
        return Intent.DEFINITION
    if language.PLACES_ASK.search(text):
        return Intent.PLACES
    if language.QUANTITY_ASK.search(text):
        return Intent.QUANTITY
    if language.MEASURES_ASK.search(text):
        return Intent.MEASURES
    if language.CHANGE_ASK.search(text):
        return Intent.CHANGE
    return Intent.FACT


def _answer_type(text: str, intent: Intent, units: tuple[str, ...]) -> AnswerType:
    if intent in (Intent.MEASURES, Intent.SIMILAR):
        return AnswerType.LIST
    if intent == Intent.QUANTITY or units or ((intent.compares or intent == Intent.PLACES) and language.QUANTITY_ASK.search(text)):
        return AnswerType.NUMBER
    if intent in (Intent.PLACES, Intent.COMPARISON):
        return AnswerType.LIST
    if intent == Intent.CHANGE:
        return AnswerType.LIST if language.LIST_OF_CHANGES.search(text) else AnswerType.TEXT
    if language.DATE_ASK.search(text):
        return AnswerType.DATE
    if language.NAME_ASK.search(text):
        return AnswerType.NAME
    if language.LIST_ASK.search(text):
        return AnswerType.LIST
    return AnswerType.TEXT


def _joined(text: str, names: tuple[str, ...]) -> bool:
    """Are two of `names` said together ("浙江和四川", "2023年和2024年", "2015年意见和四川省
    2016年实施意见"): joined by a conjunction within a few characters?"""
    at = sorted((text.find(n), n) for n in names if n in text)
    return any(
        language.JOINING.search(text[a + len(n) : b]) and b - a - len(n) <= JOIN_GAP for (a, n), (b, _) in pairwise(at)
    )


def kinds_in(text: str) -> tuple[str, ...]:
    """The 文种 a text names ("实施意见" is an 意见), as `language.KINDS` maps them."""
    return tuple(dict.fromkeys(kind for word, kind in language.KINDS if word in text))


def places_in(text: str) -> tuple[str, ...]:
    """The places a text (a title, an issuer) names, in their short form: any word jieba
    tags as a place, and any word with an administrative suffix ("周口市", "万载县", which
    jieba tags as a noun or a name; a title's places are what the library knows as places)."""
    suffixed = [w for w in tokenize(text) if _suffixed_place(w)]
    return tuple(dict.fromkeys(short_place(w) for w in [*_tagged_places(text), *suffixed]))


def _suffixed_place(word: str) -> bool:
    """Does the word read as a place by its administrative suffix: a stem of two characters
    or more that jieba lists as a place ("香港"), or else is no verb or adjective and no
    common word ("示范区", "开发区", "边境地区" are not places); not a suffix itself ("自治区")?"""
    stem = short_place(word)
    return (
        word[-1:] in language.ADMIN_SUFFIXES
        and stem != word
        and len(stem) >= 2
        and (dictionary_tag(stem) == "ns" or (dictionary_tag(stem) not in language.NOT_PLACE_STEM_TAGS and dictionary_count(stem) < language.COMMON_WORD_COUNT))
        and word not in language.NOT_PLACES
    )


def _tagged_places(text: str) -> list[str]:
    """Words jieba tags as places (common nouns it mistags left out), and the places that
    open the organs it tags ("浙江省政府" -> "浙江省")."""
    tagged = [w for w, tag in _tagged(text) if tag == "ns" and len(w) >= 2 and w not in language.NOT_PLACES]
    return tagged + [m.group(1) for w, tag in _tagged(text) if tag == "nt" and (m := language.ORGAN_PLACE.match(w))]


def _place_words(text: str, known: Collection[str]) -> list[str]:
    """The places a question names, as written: tagged places that have a place's shape (an
    administrative suffix, a province's name, a place of the library's titles, or a place in
    jieba's own dictionary, not one its word model guessed: "入园"), words with an
    administrative suffix jieba tags otherwise ("袁州区"), and known place names."""
    tagged = [
        w
        for w in _tagged_places(text)
        if not language.NUMBERED_PLACES.match(w) and (short_place(w) != w or w in language.PROVINCES or w in known or _listed_place(w))
    ]
    suffixed = [w for w in tokenize(text) if _suffixed_place(w) and not any(w in t for t in tagged)]
    listed = [p for p in known if len(p) >= 2 and p in text and not any(p in w for w in [*tagged, *suffixed])]
    return sorted(dict.fromkeys([*tagged, *suffixed, *listed]), key=text.find)


def short_place(word: str) -> str:
    """A place without its administrative suffix, as documents also name it: "青海省" ->
    "青海", "广西壮族自治区" -> "广西"; a name that would be left with one character stays."""
    for suffix in language.PLACE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            break
    stripped = True
    while stripped:
        people = next((p for p in language.ETHNIC_GROUPS if word.endswith(p) and len(word) - len(p) >= 2), None)
        stripped = people is not None
        word = word[: -len(people)] if people else word
    return word


def _organs(text: str) -> tuple[str, ...]:
    """Organs the question names documents by ("教育部", "国务院办公厅", "四川省政府办公厅",
    "普陀区商务委员会"): jieba words tagged as organisations or ending as organs do, each
    joined with the organ words after it and with the place just before it (and a noun
    between them: 普陀区 + 商务 + 委员会)."""
    organs: list[str] = []
    run = ""
    before = [("", ""), ("", "")]
    for word, tag in _tagged(text):
        if (tag == "nt" or (language.ORGAN_WORD.search(word) and len(word) >= 2)) and not word.endswith(tuple(language.NOT_ORGANS)):
            run = run + word if run else _organ_prefix(before) + word
        else:
            if len(run) >= 2:
                organs.append(run)
            run = ""
        before = [before[1], (word, tag)]
    if len(run) >= 2:
        organs.append(run)
    return tuple(dict.fromkeys(o for o in organs if len(o) >= 3 or o in language.SHORT_ORGANS))


def _organ_prefix(before: list[tuple[str, str]]) -> str:
    """The place (and a noun after it) an organ's name opens with, from the two words
    before the organ word."""
    (first, first_tag), (last, last_tag) = before
    if last_tag == "ns":
        return last
    if last_tag == "n" and len(last) >= 2 and first_tag == "ns":
        return first + last
    return ""


def _section(text: str) -> str | None:
    found = language.SECTION_ASK.search(text)
    if not found:
        return None
    name = found.group(1) or found.group(2)
    return name.removeprefix("在") if name else None


def _listed_place(word: str) -> bool:
    """Is the word a place in jieba's dictionary?"""
    return dictionary_tag(word) == "ns"


@lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tagged_words(text))
