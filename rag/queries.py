"""Checking what users type before it reaches retrieval.

Every entry point (question, search query, pasted passage, remembered sentence) goes
through `check_query`: a blank input or one with nothing to search for (only
punctuation or emoji) is refused with a message naming the field, and a very long
paste is cut to `max_chars` with a notice, since the model reads only the first few
hundred characters and fuzzy matching slows down with length.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def check_query(text: str, field: str, max_chars: int) -> Query:
    """`text` stripped and cut to `max_chars`; raises `QueryError` when nothing is left to search."""
    stripped = text.strip()
    if not stripped:
        raise QueryError(field, "empty", "is empty")
    if not any(c.isalnum() for c in stripped):
        raise QueryError(field, "no_words", "has no words to search for (only punctuation, symbols or emoji)")
    return Query(stripped[:max_chars].rstrip(), len(stripped))
