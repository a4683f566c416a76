"""Answers: evidence sentences judged against the analysed question (evidence), chosen by
intent (shapes), written as cited lines (composition) by the `Answerer` (answerer);
optionally rewritten by an LLM (generation, over llm) and checked; the evidence threshold
fitted on a gold set (calibration).

Callers outside the package import from here: `from rag.answer import Answerer, Writer`.
"""

from rag.answer.answerer import Answerer
from rag.answer.composition import NOT_FOUND
from rag.answer.evidence import Candidate, Evidence
from rag.answer.generation import Writer
from rag.answer.llm import ChatClient, LLMError

__all__ = ["NOT_FOUND", "Answerer", "Candidate", "ChatClient", "Evidence", "LLMError", "Writer"]
