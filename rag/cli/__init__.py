"""The `rag` command: a thin layer that parses flags, calls the pipeline and prints.

`--json` output is one JSON object per line and is a stable contract for scripts.
"""

from rag.cli.main import app

__all__ = ["app"]
