"""Indexing on a GPU: end-to-end chunks/s of `build_index`, and the encoder alone.

Writes a corpus of distinct made-up reports (the sample corpus's sentences shuffled into
new documents, so no two chunks are alike and every text is embedded), then:
- encoder: `model.encode` of the chunk texts in half precision, batches sorted by length;
- end to end: `build_index` of the corpus into a fresh folder (reading, cleaning, chunking,
  BM25 and every chunk and sentence embedded), reported as chunks/s and texts/s.
With no GPU it says so and measures nothing.

Usage: .venv/bin/python benchmarks/gpu.py [--reports 400] [--batch-size 256]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import tempfile
import time
from pathlib import Path

from rag.chunking import sentence_spans
from rag.embedding import load_embedder
from rag.index import build_index, embedding_text, open_index
from rag.ingest import load_documents
from rag.settings import DEFAULT_CORPUS, Settings

log = logging.getLogger("gpu")


def write_reports(folder: Path, reports: int, seed: int = 3) -> Path:
    """`reports` made-up reports of 40 sentences each, drawn from the sample corpus."""
    sentences = [d.text[s:e] for d in load_documents([DEFAULT_CORPUS]) for s, e in sentence_spans(d.text)]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(reports):
        body = "\n".join("".join(rng.sample(sentences, 4)) for _ in range(10))
        (folder / f"report-{n:05d}.txt").write_text(f"第{n}号工作报告\n2025年{n % 12 + 1}月1日\n{body}\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import torch

    if not torch.cuda.is_available():
        print("no GPU here (torch.cuda.is_available() is False): nothing measured")
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_reports(Path(tmp) / "corpus", args.reports)
        settings = Settings.from_env().with_overrides(
            corpus=(corpus,), index_dir=Path(tmp) / "index", device="cuda", batch_size=args.batch_size
        )
        embedder = load_embedder(settings)
        embedder.embed_documents(["预热"] * args.batch_size)  # load and warm the model
        torch.cuda.synchronize()
        started = time.perf_counter()
        report = build_index(settings, embedder, [corpus])
        torch.cuda.synchronize()
        build_s = time.perf_counter() - started
        index = open_index(settings.index_dir)
        texts = [embedding_text(index.documents[c.doc_id], c, settings.embed_context) for c in index.chunks]
        started = time.perf_counter()
        embedder.embed_documents(texts)
        torch.cuda.synchronize()
        encode_s = time.perf_counter() - started
        result = {
            "gpu": torch.cuda.get_device_name(0),
            "runtime": embedder.runtime_used,
            "precision": str(next(embedder.torch.model.parameters()).dtype),
            "batch_size": args.batch_size,
            "chunks": report.chunks,
            "texts_embedded": report.texts_embedded,
            "end_to_end_s": round(build_s, 2),
            "end_to_end_chunks_per_s": round(report.chunks / build_s, 1),
            "end_to_end_texts_per_s": round(report.texts_embedded / build_s, 1),
            "encoder_chunks_per_s": round(len(texts) / encode_s, 1),
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
