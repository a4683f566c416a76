"""The one error an index raises when it cannot be used, and the fix its messages name."""

from __future__ import annotations

REBUILD_HINT = "rebuild it with: rag index --rebuild"


class BadIndexError(RuntimeError):
    """The index is missing, broken or was built differently; the message says how to fix it."""
