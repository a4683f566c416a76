"""Where an indexing run is: the page and the terminal show the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class IndexProgress:
    """Where an indexing run is; the page and the terminal show the same figures."""

    stage: str  # "reading", "embedding" or "writing"
    files_done: int
    files_total: int
    texts_done: int = 0
    texts_total: int = 0
    seconds_left: float | None = None  # known once embedding has measured its speed

    @property
    def fraction(self) -> float:
        """Reading is the first 10%, embedding runs to 90%, writing is the rest."""
        if self.stage == "reading":
            return 0.1 * self.files_done / max(self.files_total, 1)
        if self.stage == "embedding":
            return 0.1 + 0.8 * self.texts_done / max(self.texts_total, 1)
        return 0.9


Progress = Callable[[IndexProgress], None]


def no_progress(progress: IndexProgress) -> None:
    """The default `Progress`: the terminal already has tqdm's bars."""
