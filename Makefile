# Two commands, both self-contained: they create (or reuse) .venv and install jnrisk into it.
#   make demo   set up and run the main job on the bundled Jinan data (report in ./jnrisk-out);
#               installs only what the main job needs (jnrisk with its `report` extra)
#   make test   set up and run the lint and architecture checks and the test suite (the `dev`
#               extra: test tools and reference solvers)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.jnrisk-report-installed
DEV_STAMP := $(VENV)/.jnrisk-dev-installed

.PHONY: demo test bench lint clean setup

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[report]"
	touch $(DEMO_STAMP)

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(DEV_STAMP) $(DEMO_STAMP)

setup: $(DEV_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/jnrisk run --out jnrisk-out

# Lint (ruff: style, complexity, argument counts, numpy docstrings), the import-layer contract
# (import-linter: no upward import, no cycle), then the test suite.
test: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) jnrisk-out .pytest_cache
