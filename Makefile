# Two entry points, both self-installing into .venv:
#   make serve   runs the service on the embedded default (SQLite, demo data on first start)
#   make test    installs everything the tests need and runs lint and the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: serve test install install-test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

serve: install
	$(BIN)/xinfang serve

lint: install-test
	$(BIN)/ruff format --check domain projections gateways tests
	$(BIN)/ruff check domain projections gateways tests

test: install-test lint
	$(BIN)/pytest -q
