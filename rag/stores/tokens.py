"""jieba, the Chinese word segmenter: BM25's tokens, and the words (with their parts of
speech) that questions are read by. jieba is imported, and its log level set, on first use:
its dictionary takes about a second to load, and a process that never tokenises never pays."""

from __future__ import annotations

import logging
from functools import cache
from types import ModuleType

from rag import language


@cache
def _jieba() -> ModuleType:
    """jieba, imported once and kept quiet (it logs its dictionary loading at INFO level)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def load_tokenizer() -> None:
    """Load jieba's dictionary now (about a second) instead of on the first query."""
    _jieba().initialize()


def tokenize(text: str) -> list[str]:
    """Lower-cased jieba search-mode tokens (words and their parts), punctuation and
    stop words dropped."""
    words = _jieba().lcut_for_search(text.lower())
    return [w for w in words if w not in language.STOP_WORDS and language.HAS_WORD.search(w)]


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba's words of `text` with their part-of-speech tags ("ns" a place, "nt" an organisation)."""
    _jieba()
    import jieba.posseg

    return [(w, t) for w, t in jieba.posseg.lcut(text)]


def dictionary_count(word: str) -> int:
    """How often jieba's dictionary counts `word` in its corpus (0 for a word it does not list)."""
    _jieba()
    import jieba

    return int(jieba.dt.FREQ.get(word) or 0)


def dictionary_tag(word: str) -> str | None:
    """The part of speech jieba's dictionary gives `word` (None for a word it does not list)."""
    _jieba()
    import jieba.posseg

    tag = jieba.posseg.dt.word_tag_tab.get(word)
    return str(tag) if tag is not None else None


def word_bounds(text: str) -> set[int]:
    """The offsets in `text` where jieba's words begin or end: a name found in a question
    counts only on these ("教育部" is in "教育部门" but not one of its words)."""
    bounds, at = {0}, 0
    for word in _jieba().lcut(text):
        at += len(word)
        bounds.add(at)
    return bounds
