"""Checks: whether the evidence gathered answers the question, and when it does not, why.

A question is refused only from evidence: when a hard constraint it sets (a place, a year,
the document it names, the kind of figure it asks) is met by no candidate, or when no
candidate that meets them holds enough of what it asks and stands above the question's
background in the library (`Evidence.supports`). Every refusal says why in one line, in
the reader's terms ("文档只涉及2022年，没有2023年的内容").
"""

from __future__ import annotations

from collections import Counter

from rag import language
from rag.answer.evidence import Candidate, Check, Evidence, Gathered
from rag.search.questions import AnswerType, Question


def refusal(asked: Question, gathered: Gathered, evidence: Evidence) -> str | None:
    """Why the question cannot be answered from `gathered`, or None when it can."""
    if gathered.refusal:
        return gathered.refusal
    eligible = [c for c in gathered.candidates if c.eligible]
    if any(evidence.supports(c) for c in eligible):
        return None
    on_topic = [c for c in gathered.candidates if c.coverage >= evidence.policy.min_coverage]
    if not eligible or (on_topic and not any(c.eligible for c in on_topic)):
        return _failed_check(asked, on_topic or gathered.candidates, evidence)  # what is on the subject fails a hard check
    best = max(eligible, key=lambda c: (c.coverage, c.lift))
    if best.coverage < evidence.policy.min_coverage:
        missing = [t.word for t in asked.specific() if t.word not in best.found]
        if missing:
            return f"找到的段落没有说到“{'”“'.join(missing)}”"
    return "找到的段落与问题的相关程度，和文档库中任意一段差不多"


def _failed_check(asked: Question, on_topic: list[Candidate], evidence: Evidence) -> str:
    """The one line saying which hard check the sentences on the question's subject (all
    the candidates, when none is) fail most."""
    counts = Counter(check for c in on_topic for check in c.failed if check != Check.LABEL)
    check = counts.most_common(1)[0][0] if counts else Check.LABEL
    if check == Check.YEAR:
        said = sorted({y for c in on_topic for y in language.YEAR.findall(evidence.text(c))} - set(asked.years))
        where = f"只涉及{'、'.join(said)}年，" if said else ""
        return f"找到的相关内容{where}没有{'、'.join(asked.years)}年的数据"
    if check == Check.PLACE:
        return f"找到的相关内容说的是其他地方，没有{'、'.join(asked.places)}的"
    if check == Check.KIND:
        if asked.answer_type == AnswerType.DATE:
            return "找到的相关内容没有给出具体日期"
        kinds = "或".join(language.UNIT_NAMES[u] for u in asked.units) or "具体"
        return f"找到的相关内容没有给出{kinds}数字"
    return "只找到相关的标题，正文没有具体说到"
