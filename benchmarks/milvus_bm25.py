"""Milvus's BM25 Function over its jieba analyzer, or sparse vectors we compute: which matches our BM25 better.

Over two corpora (the 13 real documents of /work/shared/realworld, README.md left out,
with the questions of benchmarks/gold/realworld.jsonl; the sample corpus docs/corpus with
/work/shared/eval/dev.jsonl), the index is built with the project's own pipeline
(`build_index` into a temporary `index_dir`, `MilvusBackend.publish` into a Milvus Lite
file, `open`), and every question is ranked by BM25 (top 10) in these ways:

- `ours`        the reference: the embedded `LexicalStore` (`open_index(...).lexical`),
                searched with `tokenize(question)` as retrieval does;
- `sparse`      our sparse vectors in Milvus (`MilvusBackend.open().lexical`): chunk weights
                `tf / (tf + norm)`, query weights idf, inner product;
- `fn-jieba`    Milvus's own BM25 Function: a separate collection whose VARCHAR field (the
                text our BM25 sees, `document_label(doc) + "\\n" + chunk.text`) has
                `analyzer_params={"tokenizer": "jieba"}`; a SPARSE_FLOAT_VECTOR output,
                SPARSE_INVERTED_INDEX with metric BM25; searched with the raw question;
- `fn-stop`     the same with the analyzer's only other option, a stop-word filter
                (`"filter": [{"type": "stop", "stop_words": [...]}]`), given our STOP_WORDS
                plus every punctuation token the analyzer produces on these texts and questions;
- `fn-stop-seg` `fn-stop` flushed after each file (as files are uploaded one at a time);
                Milvus Lite merges small segments once 4 of a size bucket exist, so a few
                are left, each scored with its own idf;
- `fn-stop-file` the same with compaction off (one segment per file): the extreme of what a
                library holds when segments stay apart (Milvus Lite never merges past its
                `MAX_SEGMENT_ROWS`, 100,000, nor across size buckets below 32 files).

Per way, against `ours`: top-10 overlap (mean |A ∩ B| / 10, or over the longer list when a
question has fewer than 10 chunks with a positive score), top-1 agreement, Spearman and
Kendall correlation of the ranks of the items both top 10s share (mean over questions with at
least 3 shared), and hit@1 / hit@10 of the gold evidence (a hit chunk that `covers` a gold
quote, rag/evaluation.py). Build time: `ours` tokenising the chunks and `LexicalStore.build`;
`sparse` the whole `publish` (it also inserts the chunk and sentence vectors and the
records; the BM25 weights' share is given apart); `fn-*` insert + flush + load of the
function collection (tokenising happens inside Milvus, at insert).

Result (docs/benchmarks.md, "Milvus backend", 2026-12-03): our sparse vectors match our BM25
better, in fact exactly: the same top 10 in the same order for all 74 + 30 questions, scores
equal to 3e-07 (float32), by construction (same tokens, document frequencies of the whole
library, same length norm; an inner product needs no statistics from Milvus). Milvus's own
Function falls short for two reasons:
- tokenizer and stop words: Milvus Lite's jieba analyzer is `cut_for_search` on the raw text,
  lower-cased per token afterwards, and it keeps punctuation and function words ("，", "的",
  "？", "是否"), which lengthen every chunk and, in a question, match almost every chunk:
  top-10 overlap 0.84 / 0.85, top-1 0.88 / 0.90, hit@1 0.73 against 0.77 (real documents) and
  0.79 against 0.82 (dev). Its only option, a stop-word list (no pattern), given our STOP_WORDS
  and every punctuation token of these texts, ranks exactly as ours, but only for the
  punctuation listed, and the list is fixed in the schema.
- segment-local idf: each segment is scored with its own document count, document frequencies
  and average length. Merged into one segment nothing changes; 2 segments (dev) cost 6 % of the
  top 10; one segment per file, the extreme (a library written file by file holds several
  until 4 small ones of a size bucket are merged, and one past 100,000 chunks always does:
  Milvus Lite caps segments at 100,000 rows), keeps 0.45 of the top 10 and hit@1 falls to
  0.44 (real documents).
- the Function's scores carry Lucene's (k1 + 1) factor: a constant, no change of ranking.
So rag/milvus.py computes the weights itself: exact on any Milvus (Lite or server), whatever
its analyzer and however it splits the rows into segments.

Usage: .venv/bin/python benchmarks/milvus_bm25.py [--corpora realworld dev] [--json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag import language
from rag.evaluation import covers, load_gold
from rag.stores import LexicalStore, tokenize

ROOT = Path(__file__).resolve().parents[1]

REALWORLD = ROOT.parent / "shared" / "realworld"
DEV_GOLD = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CORPORA = {
    "realworld": (REALWORLD, ROOT / "benchmarks" / "gold" / "realworld.jsonl"),
    "dev": (ROOT / "docs" / "corpus", DEV_GOLD),
}
K = 10
INSERT_BATCH = 1000
WAYS = ("ours", "sparse", "fn-jieba", "fn-stop", "fn-stop-seg", "fn-stop-file")

log = logging.getLogger("milvus_bm25")


@dataclass
class Ranking:
    """One way's top-K chunk keys for every question, and what building it took."""

    build_s: float
    hits: list[list[tuple[str, int]]] = field(default_factory=list)  # (doc_id, chunk start), best first
    scores: list[list[float]] = field(default_factory=list)
    note: str = ""


def copy_corpus(source: Path, target: Path) -> Path:
    """The corpus files (README.md left out) copied into `target` (with their times: a
    `--keep` folder's local index is then reused, not embedded again)."""
    target.mkdir(parents=True, exist_ok=True)
    for file in sorted(source.iterdir()):
        if file.is_file() and file.name != "README.md" and not (target / file.name).exists():
            shutil.copy2(file, target / file.name)
    return target


@contextmanager
def no_compaction() -> Iterator[None]:
    """Milvus Lite (in this process) not merging segments: what a library holds whose
    segments are past `MAX_SEGMENT_ROWS` or in different size buckets."""
    from milvus_lite.engine import compaction

    saved = compaction.COMPACTION_MIN_FILES_PER_BUCKET, compaction.MAX_DATA_FILES
    compaction.COMPACTION_MIN_FILES_PER_BUCKET = compaction.MAX_DATA_FILES = 10**9
    try:
        yield
    finally:
        compaction.COMPACTION_MIN_FILES_PER_BUCKET, compaction.MAX_DATA_FILES = saved


def function_collection(client: Any, name: str, analyzer: dict[str, Any]) -> None:
    """A collection whose `sparse` field is Milvus's BM25 Function of its `text` field."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params=analyzer)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]
        )
    )
    indexes = client.prepare_index_params()
    indexes.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    client.drop_collection(name)
    client.create_collection(name, schema=schema, index_params=indexes, consistency_level="Strong")


def data_files(db: Path, name: str) -> int:
    """How many data segments (Parquet files) Milvus Lite holds for collection `name`."""
    folders = [p for p in db.rglob("*") if p.is_dir() and p.name == name]
    return sum(1 for f in folders for _ in f.rglob("data_*.parquet"))


def run_function(
    uri: str, db: Path, name: str, analyzer: dict[str, Any], texts: list[str], files: list[int], questions: list[str],
    keys: list[tuple[str, int]], per_file: bool,
) -> Ranking:  # fmt: skip
    """Build the function collection (one flush, or one per file), reopen it in a fresh
    client and rank every question."""
    from pymilvus import MilvusClient

    client = MilvusClient(uri=uri)
    function_collection(client, name, analyzer)
    started = time.perf_counter()
    rows = [{"pk": i, "text": t} for i, t in enumerate(texts)]
    if per_file:
        for f in sorted(set(files)):
            mine = [r for r, owner in zip(rows, files) if owner == f]
            for at in range(0, len(mine), INSERT_BATCH):
                client.insert(name, mine[at : at + INSERT_BATCH])
            client.flush(name)
    else:
        for at in range(0, len(rows), INSERT_BATCH):
            client.insert(name, rows[at : at + INSERT_BATCH])
        client.flush(name)
    client.load_collection(name)
    built = time.perf_counter() - started
    ranking = Ranking(built, note=f"{data_files(db, name)} segments")
    for question in questions:
        found = client.search(
            name,
            data=[question],
            anns_field="sparse",
            limit=K,
            output_fields=["pk"],
            search_params={"metric_type": "BM25"},
        )
        ranking.hits.append([keys[int(h["pk"])] for h in found[0]])
        ranking.scores.append([float(h["distance"]) for h in found[0]])
    client.close()
    return ranking


def punctuation_tokens(texts: list[str]) -> list[str]:
    """Every token Milvus Lite's jieba analyzer makes of `texts` that our `tokenize` would
    drop for holding no letter, digit or CJK character."""
    from milvus_lite.analyzer.jieba_analyzer import JiebaAnalyzer

    analyzer = JiebaAnalyzer()
    return sorted({t for text in texts for t in analyzer.tokenize(text) if not language.HAS_WORD.search(t)})


def compare(reference: Ranking, other: Ranking) -> dict[str, float]:
    """Top-10 overlap, top-1 agreement, Spearman and Kendall of the shared items' ranks."""
    from scipy.stats import kendalltau, spearmanr

    overlap, top1, rho, tau = [], [], [], []
    for a, b in zip(reference.hits, other.hits):
        overlap.append(len(set(a) & set(b)) / max(len(a), len(b)) if a or b else 1.0)
        top1.append(float(bool(a) and bool(b) and a[0] == b[0]))
        shared = [x for x in a if x in b]
        if len(shared) >= 3:
            ra, rb = [a.index(x) for x in shared], [b.index(x) for x in shared]
            rho.append(spearmanr(ra, rb).statistic)
            tau.append(kendalltau(ra, rb).statistic)
    return {
        "overlap@10": float(np.mean(overlap)),
        "top1_agree": float(np.mean(top1)),
        "spearman": float(np.nanmean(rho)) if rho else float("nan"),
        "kendall": float(np.nanmean(tau)) if tau else float("nan"),
    }


def gold_hits(ranking: Ranking, items: list[Any], text_of: dict[tuple[str, int], str]) -> dict[str, float]:
    """hit@1 and hit@10: the first / any of the top 10 covers a gold quote."""
    h1, h10, n = 0, 0, 0
    for item, hits in zip(items, ranking.hits):
        if not item.quotes:
            continue
        n += 1
        good = [any(covers(text_of[h], q) for q in item.quotes) for h in hits]
        h1 += bool(good) and good[0]
        h10 += any(good)
    return {"hit@1": h1 / max(n, 1), "hit@10": h10 / max(n, 1), "answerable": n}


def measure_corpus(corpus: str, folder: Path, gold: Path, work: Path) -> dict[str, Any]:
    from rag.embedding import load_embedder
    from rag.index import build_index, document_label, open_index
    from rag.index.manifest import SEGMENTS
    from rag.index.segment import Segment
    from rag.settings import Settings
    from rag.stores.backends import open_backend
    from rag.stores.milvus.layout import term_weights

    files = copy_corpus(folder, work / "corpus")
    db = work / "milvus.db"
    for old in (db, work / "function.db"):  # publish afresh, even into a `--keep` folder
        shutil.rmtree(old, ignore_errors=True)
    settings = Settings(
        corpus=(files,), index_dir=work / "index", backend="milvus", milvus_uri=str(db), milvus_collection="bench"
    )
    embedder = load_embedder(settings)
    started = time.perf_counter()
    report = build_index(settings, embedder, [files])
    build_s = time.perf_counter() - started
    log.info("%s: built the local index in %.1f s (%d chunks)", corpus, build_s, report.chunks)
    backend = open_backend(settings)
    started = time.perf_counter()
    backend.publish()
    publish_s = time.perf_counter() - started
    embedded = open_index(settings.index_dir, model=settings.model)
    manifest = embedded.manifest
    segments = [
        Segment.load(settings.index_dir / SEGMENTS / e.segment, e.segment_sha256) for e in manifest.sources
    ]
    average = sum(float(s.terms.counts.sum()) for s in segments) / max(sum(len(s.chunks) for s in segments), 1)
    started = time.perf_counter()
    for s in segments:
        term_weights(s.terms, average)
    weights_s = time.perf_counter() - started
    started = time.perf_counter()
    served = backend.open()
    open_s = time.perf_counter() - started
    log.info("%s: published in %.1f s, opened in %.1f s", corpus, publish_s, open_s)

    items = load_gold(gold)
    questions = [i.question for i in items]
    keys = [(c.doc_id, c.start) for c in embedded.chunks]
    text_of = {(c.doc_id, c.start): c.text for c in embedded.chunks}
    served_keys = [(c.doc_id, c.start) for c in served.chunks]
    assert sorted(keys) == sorted(served_keys), "the two backends hold different chunks"
    texts = [f"{document_label(embedded.documents[c.doc_id])}\n{c.text}" for c in embedded.chunks]
    file_of = {d: i for i, e in enumerate(manifest.sources) for d in e.doc_ids}
    files_of_rows = [file_of[c.doc_id] for c in embedded.chunks]

    rankings: dict[str, Ranking] = {}
    started = time.perf_counter()
    LexicalStore.build([tokenize(t) for t in texts])
    ours = Ranking(time.perf_counter() - started, note="tokenize + LexicalStore.build")
    for q in questions:
        rows, scores = embedded.lexical.search(tokenize(q), K)
        ours.hits.append([keys[r] for r in rows.tolist()])
        ours.scores.append(scores.tolist())
    rankings["ours"] = ours
    sparse = Ranking(publish_s, note=f"whole publish; BM25 weights {weights_s:.2f} s")
    for q in questions:
        rows, scores = served.lexical.search(tokenize(q), K)
        sparse.hits.append([served_keys[r] for r in rows.tolist()])
        sparse.scores.append(scores.tolist())
    rankings["sparse"] = sparse

    stops = sorted(language.STOP_WORDS | set(punctuation_tokens(texts + questions)))
    uri = str(work / "function.db")
    plain = {"tokenizer": "jieba"}
    stopped = {"tokenizer": "jieba", "filter": [{"type": "stop", "stop_words": stops}]}
    for way, analyzer, per_file in (("fn-jieba", plain, False), ("fn-stop", stopped, False), ("fn-stop-seg", stopped, True), ("fn-stop-file", stopped, True)):  # fmt: skip
        name = way.replace("-", "_")
        with no_compaction() if way == "fn-stop-file" else nullcontext():
            rankings[way] = run_function(
                uri, Path(uri), name, analyzer, texts, files_of_rows, questions, keys, per_file
            )
        log.info("%s: %s built in %.1f s (%s)", corpus, way, rankings[way].build_s, rankings[way].note)

    # Same scores, not only the same ranks: the largest relative difference of `sparse`.
    worst = 0.0
    for a, b, sa, sb in zip(ours.hits, sparse.hits, ours.scores, sparse.scores):
        by_key = dict(zip(b, sb))
        for key, score in zip(a, sa):
            if key in by_key:
                worst = max(worst, abs(by_key[key] - score) / max(abs(score), 1e-9))
    table = []
    for way in WAYS:
        r = rankings[way]
        row = {"corpus": corpus, "way": way, "questions": len(questions), "chunks": len(keys), "build_s": r.build_s}
        row |= compare(ours, r) | gold_hits(r, items, text_of)
        row["note"] = r.note
        table.append(row)
    return {
        "corpus": corpus,
        "files": len(manifest.sources),
        "chunks": len(keys),
        "index_build_s": build_s,
        "publish_s": publish_s,
        "open_s": open_s,
        "sparse_max_rel_score_diff": worst,
        "stop_words": len(stops),
        "rows": table,
    }


COLUMNS = ("corpus", "way", "build_s", "overlap@10", "top1_agree", "spearman", "kendall", "hit@1", "hit@10", "note")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per corpus instead of a table")
    parser.add_argument("--corpora", nargs="+", choices=sorted(CORPORA), default=list(CORPORA))
    parser.add_argument(
        "--keep", type=Path, default=None, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    for name in ("pymilvus", "milvus_lite", "grpc._server"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    log.info("load average %.2f %.2f %.2f on %d cores", *os.getloadavg(), os.cpu_count())
    root = args.keep or Path(tempfile.mkdtemp(prefix="milvus-bm25-"))
    results = []
    try:
        for corpus in args.corpora:
            folder, gold = CORPORA[corpus]
            results.append(measure_corpus(corpus, folder, gold, root / corpus))
            log.info("load average %.2f %.2f %.2f after %s", *os.getloadavg(), corpus)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        for result in results:
            print(json.dumps(result, ensure_ascii=False))
        return
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for result in results:
        for row in result["rows"]:
            print("| " + " | ".join(_cell(row[c]) for c in COLUMNS) + " |")
    for result in results:
        print(
            f"{result['corpus']}: {result['files']} files, {result['chunks']} chunks; local index {result['index_build_s']:.1f} s, "
            f"publish {result['publish_s']:.1f} s, open {result['open_s']:.1f} s; sparse vs ours: largest relative score "
            f"difference {result['sparse_max_rel_score_diff']:.1e}; {result['stop_words']} stop words for fn-stop"
        )


if __name__ == "__main__":
    main()
