"""Where the app keeps its files: Gradio's copy of every upload and the answers offered for
download, both inside the data directory (never in /tmp), and how long they are kept."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from rag.settings import Settings

# Gradio's upload cache, inside the data directory; copies older than an hour are removed.
GRADIO_CACHE = ".gradio"
CACHE_CLEANUP = (3600, 3600)
# Answers offered for download, under the cache folder.
EXPORTS = "answers"


def gradio_cache(settings: Settings) -> Path:
    """The folder Gradio keeps its copies of uploads in."""
    return settings.library_dir / GRADIO_CACHE


def exports_dir(settings: Settings) -> Path:
    """The folder of the answers offered for download."""
    return gradio_cache(settings) / EXPORTS


def markdown_file(markdown: str, folder: Path) -> str:
    """The answer as a .md file for the download button, named by its content: asking the
    same question again reuses the file instead of adding one. Files older than Gradio's
    cache age are removed as new ones are written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answer-{hashlib.sha1(markdown.encode()).hexdigest()[:12]}.md"
    if not path.exists():
        path.write_text(markdown, encoding="utf-8")
    oldest = time.time() - CACHE_CLEANUP[1]
    for old in folder.glob("answer-*.md"):
        try:
            if old.stat().st_mtime < oldest:
                old.unlink()
        except FileNotFoundError:  # another request removed it first
            continue
    return str(path)
