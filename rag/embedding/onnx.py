"""The ONNX Runtime path for embedding texts on a CPU: the same vectors, twice as fast.

A sentence-transformers model made of a Hugging Face encoder, mean or CLS pooling and an
optional normalisation is exported once with `torch.onnx` (encoder, pooling and
normalisation in one graph) into a folder beside it in the model cache, with its
`tokenizers` tokenizer. Running it needs only onnxruntime and tokenizers: no torch, no
sentence-transformers (seconds of imports). sentence-transformers' own `backend="onnx"`
needs optimum, whose only release here needs transformers < 4.58; this needs neither.

The export is checked before it is kept: its vectors of `PROBES` must have a cosine of at
least `MIN_COSINE` with the torch model's, or the folder is not written. An int8 variant
(dynamic quantization of the weights; onnxruntime picks its kernel for the CPU's
instruction set, VNNI where there is one) is optional: its cosine is recorded, not required.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import shutil
import string
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MIN_COSINE = 0.999
"""The ONNX model replaces torch only if every probe vector is at least this close."""

# Texts the export is checked on: short and long, Chinese policy prose with numbers and
# Latin letters, an English line, and one beyond the model's length (truncation).
PROBES = (
    "query: 教师培训每年多少学时？",
    "passage: 2025年，全市新建改扩建中小学校19所，新增公办学位2.4万个，义务教育巩固率达到99.6%。",
    (
        "passage: 各地要坚持把推进职业教育产教融合作为重要任务，建设一批市域产教联合体和行业产教融合共同体，"
        "推动学校专业设置与区域产业布局相匹配。"
    ),
    "passage: The plan sets targets for digital education (5G, AI) in 2026.",
    "passage: " + "全面贯彻党的教育方针，落实立德树人根本任务，办好人民满意的教育。" * 40,
)

MANIFEST = "embedder.json"
# A batch holds at most batch_size x this many tokens once padded (the length texts of a
# 300-character chunk have): long texts go in smaller batches.
BATCH_TOKENS = 192
# A text joins a batch only if it fills this share of the batch's width: padding is work.
MIN_FILL = 0.75
# What a name keeps in the folder name of its export; other characters become `-`.
FILE_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "._-")


class OnnxExportError(RuntimeError):
    """The model cannot be exported, or its export does not give the torch vectors."""


@dataclass(frozen=True)
class OnnxManifest:
    """What running the exported graph needs besides it, and how it was checked."""

    max_length: int  # tokens; longer texts are cut, as sentence-transformers cuts them
    pad_id: int
    dim: int
    quantize: str
    min_cosine: float  # the lowest cosine with the torch model over `PROBES`


def onnx_folder(cache_dir: Path, model_path: str, quantize: str) -> Path:
    """Where the export of `model_path` lives: beside it when it is in the cache, else in
    the cache under its name and a hash of its path."""
    path = Path(model_path)
    suffix = ".onnx" if quantize == "none" else f".onnx-{quantize}"
    if path.parent == cache_dir:
        return path.with_name(path.name + suffix)
    slug = _file_name_safe(path.name or model_path)[:60]
    return cache_dir / f"{slug}-{hashlib.sha1(model_path.encode()).hexdigest()[:8]}{suffix}"


def _file_name_safe(name: str) -> str:
    """`name` with each run of characters other than ASCII letters, digits, `.`, `_` and
    `-` made one `-` (a model id such as `org/model` becomes `org-model`)."""
    runs = itertools.groupby(name, lambda ch: ch in FILE_NAME_CHARACTERS)
    return "".join("".join(run) if safe else "-" for safe, run in runs)


def unexportable(model: SentenceTransformer) -> str | None:
    """Why this model cannot take the ONNX path (None: it can)."""
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"its modules are {'+'.join(names)}, not a Transformer, a Pooling and a Normalize"
    pooling = _pooling_mode(model[1])
    if pooling not in ("mean", "cls"):
        return f"its pooling is {pooling!r}, not mean or cls"
    if not getattr(model.tokenizer, "is_fast", False):
        return "its tokenizer is not a `tokenizers` (fast) tokenizer"
    return None


def _pooling_mode(pooling: Any) -> str:
    config = pooling.get_config_dict() if hasattr(pooling, "get_config_dict") else {}
    return str(config.get("pooling_mode") or ("mean" if config.get("pooling_mode_mean_tokens") else "other"))


def export(model: SentenceTransformer, folder: Path, quantize: str = "none") -> OnnxManifest:
    """Export `model` into `folder` and check it against `model` on `PROBES`; the folder
    appears whole, or not at all (built beside it, then renamed)."""
    reason = unexportable(model)
    if reason:
        raise OnnxExportError(f"cannot export to ONNX: {reason}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        log.info("exporting the embedding model to ONNX in %s (first use only)", folder)
        _write_graph(model, work / "model.onnx")
        _fuse(work / "model.onnx", cast(Any, model[0]).auto_model.config)
        if quantize == "int8":
            _quantize_int8(work / "model.onnx")
        model.tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
        pad_id = model.tokenizer.pad_token_id
        length, dim = int(model.max_seq_length or 512), int(model.get_embedding_dimension() or 0)
        manifest = OnnxManifest(length, int(pad_id or 0), dim, quantize, 0.0)
        (work / MANIFEST).write_text(json.dumps(asdict(manifest)))
        expected = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        got = OnnxEncoder(work).encode(list(PROBES), batch_size=len(PROBES))
        cosine = float((np.asarray(expected, np.float32) * got).sum(axis=1).min())
        manifest = OnnxManifest(manifest.max_length, manifest.pad_id, manifest.dim, quantize, round(cosine, 6))
        if quantize == "none" and cosine < MIN_COSINE:
            raise OnnxExportError(f"the ONNX export gives other vectors than torch (cosine {cosine:.4f} < {MIN_COSINE})")
        (work / MANIFEST).write_text(json.dumps(asdict(manifest)))
        try:
            os.replace(work, folder)
        except OSError:
            if not (folder / MANIFEST).exists():  # not a concurrent export that finished first
                raise
        log.info("ONNX export checked: cosine with torch %.6f over %d probe texts", cosine, len(PROBES))
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_graph(model: SentenceTransformer, path: Path) -> None:
    """The encoder, its pooling and normalisation as one ONNX graph with dynamic batch and length."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module, mode: str, normalize: bool) -> None:
            super().__init__()
            self.encoder, self.mode, self.normalize = encoder, mode, normalize

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if self.mode == "cls":
                pooled = tokens[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1) if self.normalize else pooled

    encoder = cast("torch.nn.Module", model[0].auto_model)
    config: Any = encoder.config
    wrapped = Pooled(encoder.float().eval(), _pooling_mode(model[1]), len(model) == 3)
    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}}
    # Plain attention exports as the MatMul/Softmax pattern onnxruntime fuses (`_fuse`).
    attention, config._attn_implementation = config._attn_implementation, "eager"
    with torch.no_grad():
        torch.onnx.export(
            wrapped,
            (ids, torch.ones_like(ids)),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the TorchScript exporter: the dynamo one needs onnxscript
        )
    config._attn_implementation = attention


def _fuse(path: Path, config: Any) -> None:
    """Fuse attention, layer norms and GELU into onnxruntime's kernels for encoders it
    knows (BERT and its kin); another graph is left as exported."""
    from onnxruntime.transformers.optimizer import optimize_model

    try:
        fused = optimize_model(str(path), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size, opt_level=0)
    except Exception as exc:  # noqa: BLE001 - the optimizer raises anything on a graph it does not know
        log.info("left the ONNX graph unfused: %s", exc)
        return
    fused.save_model_to_file(str(path))


def _quantize_int8(path: Path) -> None:
    """Replace the float graph at `path` by its dynamically quantized int8 variant."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = path.with_name("fp32.onnx")
    path.rename(fp32)
    # Weights to int8, activations quantized on the fly (u8 x s8: the VNNI kernels where present).
    quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    fp32.unlink()


def exported(folder: Path) -> bool:
    """Whether `folder` holds a finished export (an export appears whole, renamed into place)."""
    return (folder / MANIFEST).exists()


class OnnxEncoder:
    """An exported model run by onnxruntime: texts in (prompts already added), unit vectors out."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.manifest = OnnxManifest(**json.loads((folder / MANIFEST).read_text()))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.manifest.max_length)
        self._eos = self.tokenizer.encode("").ids[-1]  # the closing special token (</s>, [SEP])
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        self.session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False, max_tokens: int | None = None) -> np.ndarray:
        """Vectors of `texts` (each cut to `max_tokens`, at most the model's length). Texts
        go longest first in batches of at most `batch_size` whose padded size stays within
        `batch_size` x BATCH_TOKENS, each text filling MIN_FILL of its batch's width: a few
        long texts do not pad many short ones."""
        from tqdm import tqdm

        limit = min(max_tokens or self.manifest.max_length, self.manifest.max_length)
        ids = [e.ids[:limit] for e in self.tokenizer.encode_batch(texts)]
        if limit < self.manifest.max_length:  # keep the closing token that truncation would keep
            ids = [row if len(row) < limit else [*row[: limit - 1], self._eos] for row in ids]
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
        batches: list[list[int]] = []
        for i in order:
            last = batches[-1] if batches else None
            if last and len(last) < batch_size and (len(last) + 1) * len(ids[last[0]]) <= batch_size * BATCH_TOKENS and len(ids[i]) >= len(ids[last[0]]) * MIN_FILL:  # fmt: skip
                last.append(i)
            else:
                batches.append([i])
        out = np.zeros((len(texts), self.manifest.dim), np.float32)
        for rows in tqdm(batches, desc="Batches", disable=not progress):
            width = len(ids[rows[0]])
            tokens = np.full((len(rows), width), self.manifest.pad_id, np.int64)
            mask = np.zeros((len(rows), width), np.int64)
            for n, i in enumerate(rows):
                tokens[n, : len(ids[i])], mask[n, : len(ids[i])] = ids[i], 1
            out[rows] = self.session.run(None, {"input_ids": tokens, "attention_mask": mask})[0]
        return out
