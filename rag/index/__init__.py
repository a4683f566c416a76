"""The index: what is embedded and tokenised for each chunk (recipe), one segment per
source file (segment), the manifest of a version and the `CURRENT` pointer (manifest),
building a version (build) and opening one (loaded).

Callers outside the package import from here: `from rag.index import build_index, open_index`.
"""

from rag.index.build import IndexReport, build_index
from rag.index.errors import REBUILD_HINT, BadIndexError
from rag.index.loaded import Index, open_index
from rag.index.manifest import Manifest, SourceEntry, current_manifest, current_name, current_version
from rag.index.progress import IndexProgress, Progress
from rag.index.recipe import document_label, document_sentences, embedding_text, lexical_tokens

__all__ = [
    "REBUILD_HINT",
    "BadIndexError",
    "Index",
    "IndexProgress",
    "IndexReport",
    "Manifest",
    "Progress",
    "SourceEntry",
    "build_index",
    "current_manifest",
    "current_name",
    "current_version",
    "document_label",
    "document_sentences",
    "embedding_text",
    "lexical_tokens",
    "open_index",
]
