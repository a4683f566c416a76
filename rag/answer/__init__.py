"""Answers, in one algorithm run by the `Answerer` (answerer): candidate sentences judged
against the analysed question (evidence), checks that refuse only from evidence and say why
(checks), a shape (shapes), cited lines (composition); optionally rewritten by an LLM
(generation, over llm) and checked. Every number it decides by is in one policy (policy),
whose refusal numbers are fitted on a gold set (calibration).

Callers outside the package import from here: `from rag.answer import Answerer, Writer`.
"""

from rag.answer.answerer import Answerer
from rag.answer.composition import NOT_FOUND
from rag.answer.evidence import Candidate, Evidence
from rag.answer.generation import Writer
from rag.answer.llm import ChatClient, LLMError
from rag.answer.policy import AnswerPolicy

__all__ = ["NOT_FOUND", "AnswerPolicy", "Answerer", "Candidate", "ChatClient", "Evidence", "LLMError", "Writer"]
