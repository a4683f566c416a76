"""Where the index is served from: one interface, two backends (`Settings.backend`).

- `EmbeddedBackend` (default): the segment files in `index_dir`, searched in this process.
- `MilvusBackend` (rag/stores/milvus/): Milvus collections that several app processes, on
  several machines, serve together, each seeing the others' uploads.

Either way a change is built the same way first: `build_index` into `index_dir` (read,
chunk, embed only what is new). `publish` then brings the backend up to that local index,
and `open` gives the `Index` that retrieval and answering search, through the stores'
interfaces (`VectorSearch`, `TextSearch`), never knowing which backend holds them.
"""

from __future__ import annotations

from typing import Protocol

from rag.index import Index, current_name, open_index
from rag.settings import Settings


class Backend(Protocol):
    """What the engine asks of the place the index is served from: a storage engine's
    work only. Which files a library may change is the library's policy, decided over
    what the loaded `Index` says (`Index.foreign_owner`, `Index.clashing_owner`)."""

    def describe(self) -> str:
        """Where the index is, for messages ("index/", "Milvus collection rag at …")."""
        ...

    def version(self) -> str | None:
        """The name of the version served now (None: nothing built yet); cheap, so that a
        process can check often whether another one changed the library."""
        ...

    def open(self, reuse: Index | None = None) -> Index:
        """The current version; what `reuse` (the version served until now) holds for
        unchanged segments is taken from it. Raises `BadIndexError` naming the fix."""
        ...

    def publish(self, rebuild: bool = False) -> None:
        """Bring the backend up to the local index in `index_dir` (just built)."""
        ...


class EmbeddedBackend:
    """The local index is what is served: publishing is done by `build_index` itself."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def describe(self) -> str:
        return str(self.settings.index_dir)

    def version(self) -> str | None:
        return current_name(self.settings.index_dir)

    def open(self, reuse: Index | None = None) -> Index:
        return open_index(self.settings.index_dir, model=self.settings.model, reuse=reuse)

    def publish(self, rebuild: bool = False) -> None:
        """Nothing to do: `build_index` published the version already."""


def open_backend(settings: Settings) -> Backend:
    """The backend `settings.backend` names."""
    if settings.backend == "milvus":
        from rag.stores.milvus import MilvusBackend  # here: the embedded backend never imports pymilvus

        return MilvusBackend(settings)
    return EmbeddedBackend(settings)
