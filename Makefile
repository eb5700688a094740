PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: set up and check the bundled example school
run: $(STAMP)
	$(BIN)/mandaat check --format text; status=$$?; [ $$status -le 1 ] || exit $$status

## make test: set up with the test extras and run the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest

## make bench: time load, check and JSON output (not part of make test)
bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
