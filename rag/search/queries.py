"""Checking what users type before it reaches retrieval.

Every entry point (question, search query, pasted passage, remembered sentence) goes
through `check_query`: a blank input or one with nothing to search for (only
punctuation or emoji) is refused with a message naming the field, and a very long
paste is cut to `max_chars` with a notice, since the model reads only the first few
hundred characters and fuzzy matching slows down with length.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from rag import language

# The most results one call returns (`k`): enough for any page, bounded for a caller.
MAX_K = 100


class QueryError(ValueError):
    """An input that cannot be searched; `field` names it and `reason` is "empty" or "no_words"."""

    def __init__(self, field: str, reason: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Query:
    """The text to search for, and how long the input was before it was cut."""

    text: str
    original_chars: int

    @property
    def truncated(self) -> bool:
        return self.original_chars > len(self.text)

    @property
    def notice(self) -> str | None:
        """What the user should be told about the cut, or None."""
        if not self.truncated:
            return None
        return f"输入共 {self.original_chars} 字，超过 {len(self.text)} 字的上限，只使用了前 {len(self.text)} 字。"


def check_query(text: object, field: str, max_chars: int) -> Query:
    """`text` stripped (of lone surrogates too) and cut to `max_chars`; raises `QueryError`
    when it is not text or nothing is left to search."""
    if not isinstance(text, str):
        raise QueryError(field, "type", f"must be text, got {_kind(text)}")
    stripped = language.LONE_SURROGATES.sub("", text).strip()
    if not stripped:
        raise QueryError(field, "empty", "is empty")
    if not any(c.isalnum() for c in stripped):
        raise QueryError(field, "no_words", "has no words to search for (only punctuation, symbols or emoji)")
    return Query(stripped[:max_chars].rstrip(), len(stripped))


def check_k(k: object, field: str = "k") -> int:
    """How many results a call asks for: a whole number from 1 to `MAX_K` (a slider's 5.0 counts)."""
    if isinstance(k, (int, float)) and not isinstance(k, bool) and float(k).is_integer() and 1 <= k <= MAX_K:
        return int(k)
    raise QueryError(field, "range", f"must be a whole number from 1 to {MAX_K}, got {_kind(k)}")


def check_doc_ids(doc_ids: object, field: str = "doc_ids") -> Collection[str] | None:
    """Document ids to search within: None (all) or a list of ids; one string is refused,
    not read as a list of characters."""
    if doc_ids is None:
        return None
    if not isinstance(doc_ids, (list, tuple, set, frozenset)) or not all(isinstance(d, str) for d in doc_ids):
        raise QueryError(field, "type", f"must be a list of document ids, got {_kind(doc_ids)}")
    return list(doc_ids)


def _kind(value: object) -> str:
    """A short description of a bad value for an error message."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:40])
    return f"a {type(value).__name__}"
