"""Search: input checks (queries), question analysis (questions), the documents a text
names (naming), hybrid retrieval (retrieval), similar passages (similar) and quote
location (locating).

Callers outside the package import from here: `from rag.search import Retriever, analyze`.
"""

from rag.search.locating import Locator
from rag.search.naming import DocumentNames
from rag.search.queries import MAX_K, Query, QueryError, check_doc_ids, check_k, check_query
from rag.search.questions import AnswerType, Intent, Question, Term, analyze, pasted_text
from rag.search.retrieval import Retriever, fuse
from rag.search.similar import SimilarPassages

__all__ = [
    "MAX_K",
    "AnswerType",
    "DocumentNames",
    "Intent",
    "Locator",
    "Query",
    "QueryError",
    "Question",
    "Retriever",
    "SimilarPassages",
    "Term",
    "analyze",
    "check_doc_ids",
    "check_k",
    "check_query",
    "fuse",
    "pasted_text",
]
