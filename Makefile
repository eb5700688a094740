# The first supported Python on PATH (3.12, then 3.11); PYTHON=... overrides it.
SUPPORTED := import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c '$(SUPPORTED)' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench system-deps clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c '$(SUPPORTED)' >/dev/null 2>&1; then \
	  echo "mandaat needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)," >&2; \
	  echo "$(if $(PYTHON),and PYTHON=$(PYTHON) is neither.,and found neither on PATH.)" >&2; \
	  echo "Install one, or name it: make PYTHON=/path/to/python3.12 run" >&2; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: set up and check the bundled example school
run: $(STAMP)
	$(BIN)/mandaat check --format text; status=$$?; [ $$status -le 1 ] || exit $$status

## system-deps: the Debian packages the tests use: graphviz renders the DOT picture,
## chromium shows the HTML report in a real (headless) browser. Each is installed when
## missing and apt-get can be used; otherwise the tests that need it are skipped, each
## saying why.
system-deps:
	@for pair in dot:graphviz chromium:chromium; do \
	  cmd=$${pair%%:*}; pkg=$${pair#*:}; \
	  case $$pkg in graphviz) what="the DOT rendering test";; \
	                *) what="the browser test of the HTML report";; esac; \
	  if command -v $$cmd >/dev/null 2>&1; then continue; fi; \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing $$pkg (for $$what)"; \
	    { [ -n "$$updated" ] || { apt-get update -qq >/dev/null && updated=1; }; } && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null \
	    || echo "$$pkg could not be installed: $$what will be skipped" >&2; \
	  else \
	    echo "$$pkg is not installed and apt-get cannot be used here: $$what will be" \
	         "skipped (install $$pkg to run it)" >&2; \
	  fi; \
	done

## make test: set up with the test extras and system packages, and run the whole suite
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

## make bench: time load, check and JSON output and a board of 50 schools, count a check's
## instructions (callgrind, where valgrind is installed), and compare with the speed
## targets (not part of make test; a few minutes)
bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
