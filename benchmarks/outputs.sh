#!/usr/bin/env bash
# Every answer the CLI gives on a gold set's questions, as JSON lines, so that two versions of
# the code can be compared byte for byte on the same index (`diff -r OUT1 OUT2`):
#   rag eval --json, and rag search / ask / similar / quote --json with every question on stdin.
# usage: benchmarks/outputs.sh GOLD.jsonl OUT_DIR   (RAG_INDEX_DIR etc. select the index)
set -euo pipefail
gold=$1 out=$2
read -r -a rag <<< "${RAG_BIN:-.venv/bin/rag}"
py=${PYTHON_BIN:-.venv/bin/python}
# Ties (equal scores) are ordered by set iteration in places, which follows the string hash seed.
export PYTHONHASHSEED=${PYTHONHASHSEED:-0}
mkdir -p "$out"
"$py" -c 'import json,sys; [print(json.loads(l)["question"].replace("\n", " ")) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]' "$gold" > "$out/questions.txt"
"${rag[@]}" eval "$gold" --json > "$out/eval.jsonl"
for command in search ask similar quote; do
  "${rag[@]}" "$command" --json < "$out/questions.txt" > "$out/$command.jsonl"
done
wc -l "$out"/*.jsonl
