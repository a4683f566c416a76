"""All configuration in one place: defaults, overridden by `RAG_*` environment variables
and then by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "docs" / "corpus"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "index"


def _env_paths(name: str, default: Path) -> tuple[Path, ...]:
    value = os.environ.get(name)
    if not value:
        return (default,)
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {value!r}") from None


class SettingsError(ValueError):
    """A setting has a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    """What the pipeline needs to know; see `Settings.from_env` for the variable names."""

    corpus: tuple[Path, ...] = (DEFAULT_CORPUS,)
    index_dir: Path = DEFAULT_INDEX_DIR
    # Chunk sizes in characters: short enough that one chunk holds one or two facts,
    # long enough to keep a sentence with its subject (see docs/architecture.md).
    chunk_size: int = 300
    chunk_overlap: int = 60

    def __post_init__(self) -> None:
        if self.chunk_size < 20:
            raise SettingsError(f"chunk_size must be at least 20 characters, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise SettingsError(
                f"chunk_overlap must be between 0 and chunk_size ({self.chunk_size}), got {self.chunk_overlap}"
            )

    @classmethod
    def from_env(cls) -> Settings:
        """Read `RAG_CORPUS` (paths joined by the OS path separator), `RAG_INDEX_DIR`,
        `RAG_CHUNK_SIZE` and `RAG_CHUNK_OVERLAP`."""
        defaults = cls()
        return cls(
            corpus=_env_paths("RAG_CORPUS", DEFAULT_CORPUS),
            index_dir=Path(os.environ.get("RAG_INDEX_DIR") or defaults.index_dir),
            chunk_size=_env_int("RAG_CHUNK_SIZE", defaults.chunk_size),
            chunk_overlap=_env_int("RAG_CHUNK_OVERLAP", defaults.chunk_overlap),
        )

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; `None` values (unset CLI flags) are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
