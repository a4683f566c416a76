"""Finding the sentences of a text: the spans the index embeds one by one, and that
retrieval and answers quote.

A sentence runs to a sentence-ending mark (with any closing quotes after it) or to the
end of its line; "…" alone does not end one, since it often stands inside a quote
(`language.SENTENCE`).
"""

from __future__ import annotations

from rag import language

# Fewer letters, digits or Chinese characters than this make a stray label, not a sentence.
MIN_SENTENCE_WORD_CHARS = 4


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, surrounding spaces excluded; fragments
    with fewer than 4 letters, digits or Chinese characters (stray labels) are skipped."""
    spans = []
    for match in language.SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if len(language.WORD_CHAR.findall(text[start:end])) >= MIN_SENTENCE_WORD_CHARS:
            spans.append((start, end))
    return spans
