"""The ledger of what ingest leaves out of the documents: every removed piece of text with
the rule that removed it, so that nothing is dropped silently (`rag inspect` shows it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removal:
    """A piece of a file's text that is in no document: `text` as it stood, `rule` the
    reason in a few words ("page chrome: navigation", "metadata: 发布时间", ...), `line`
    the 1-based line of the extracted text it starts on (0 when it never was a line of
    its own, e.g. HTML outside the article)."""

    text: str
    rule: str
    line: int = 0
