# speechkit: the two commands the README promises, plus helpers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SK     := $(BIN)/speechkit

.PHONY: demo test lint format templates bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Runtime install; re-done when pyproject.toml changes.
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Runtime plus the test extras.
$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.stamp-run

demo: $(VENV)/.stamp-run
	$(SK) profiles validate profiles
	$(SK) batch --check --merge --report output/检查报告.html

test: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest -q

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

templates: $(VENV)/.stamp-run
	$(BIN)/python templates/build.py

bench: $(VENV)/.stamp-test
	$(BIN)/python bench/render.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/pdf.py

clean:
	rm -rf output .pytest_cache .ruff_cache build src/*.egg-info
