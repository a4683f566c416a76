"""The library: which files make the index (corpus, uploads, deletions), the `Librarian`
that changes it, and the background jobs its changes run as."""

from rag.library.jobs import Job, JobQueue
from rag.library.librarian import Librarian, LibraryChange, build_library, index_corpus
from rag.library.library import Library, LibraryError, LibraryState, Upload, UploadError

__all__ = [
    "Job",
    "JobQueue",
    "Librarian",
    "Library",
    "LibraryChange",
    "LibraryError",
    "LibraryState",
    "Upload",
    "UploadError",
    "build_library",
    "index_corpus",
]
