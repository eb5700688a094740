# Python: python3 when it is 3.11 or newer, else the first of python3.11, 3.12, 3.13 that
# runs (tools/find-python); PYTHON=... names another. Each Python gets a virtualenv of its
# own, .venv-X.Y, installed from the lock in requirements/ (make lock refreshes it).
PYTHON ?= $(shell tools/find-python)
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV   ?= .venv-$(PYVER)
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# uv resolves the lock for every supported Python at once (make lock); pinned like the rest
UV_VERSION := 0.13.9
# durable-rules 2.0.28 calls PyEval_CallObject, which Python 3.13 removed: from 3.13 on it
# is built with that name defined as its successor (its setup.py overwrites CFLAGS, not
# CPPFLAGS). mandaat says the same command when it finds a durable-rules built without it.
# pip's cache is not used there: a wheel built earlier without the define would be taken.
DURABLE_CPPFLAGS := $(shell $(PYTHON) -c 'import sys; print("-DPyEval_CallObject=PyObject_CallObject" if sys.version_info >= (3, 13) else "")' 2>/dev/null)
DURABLE_PIP := $(if $(DURABLE_CPPFLAGS),--no-cache-dir)
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2])

.PHONY: run test test-latest lock bench bench-serve system-deps clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c '$(SUPPORTED)' >/dev/null 2>&1; then \
	  echo "mandaat needs Python 3.11 or newer," >&2; \
	  echo "$(if $(PYTHON),and PYTHON=$(PYTHON) is not.,and found none on PATH.)" >&2; \
	  echo "Install one, or name it: make PYTHON=/path/to/python3.13 run" >&2; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)

# The build tools first (hatchling for mandaat itself, setuptools for durable-rules, which
# builds from source), then everything else against them: every package comes from the
# lock with its hashes, none from a build's own unpinned download.
$(STAMP): $(BIN)/python pyproject.toml requirements/build.txt requirements/lock.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/build.txt
	CPPFLAGS="$(DURABLE_CPPFLAGS) $$CPPFLAGS" $(BIN)/pip install --quiet --require-hashes \
	  --no-build-isolation $(DURABLE_PIP) -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
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
	@$(BIN)/python -c 'import platform, sys; print("mandaat: the suite on Python", platform.python_version(), "(" + sys.executable + ")")'
	$(BIN)/python -m pytest

## make test-latest: the suite against the newest releases pyproject.toml allows, in a
## virtualenv of its own (.venv-latest-X.Y), to see an upgrade before the lock takes it
test-latest: system-deps
	@$(PYTHON) -c '$(SUPPORTED)' || { echo "PYTHON=$(PYTHON) is not 3.11 or newer" >&2; exit 1; }
	rm -rf .venv-latest-$(PYVER)
	$(PYTHON) -m venv .venv-latest-$(PYVER)
	CPPFLAGS="$(DURABLE_CPPFLAGS) $$CPPFLAGS" .venv-latest-$(PYVER)/bin/pip install --quiet \
	  $(DURABLE_PIP) --upgrade --upgrade-strategy eager -e '.[test,serve]'
	.venv-latest-$(PYVER)/bin/pip freeze --exclude-editable | sed 's/^/  /'
	.venv-latest-$(PYVER)/bin/python -m pytest

## make lock: resolve the lock (requirements/lock.txt, and build.txt from it) again, for
## every supported Python, with hashes
lock:
	@[ -x .venv-lock/bin/uv ] || { $(PYTHON) -m venv .venv-lock && \
	  .venv-lock/bin/pip install --quiet uv==$(UV_VERSION); }
	.venv-lock/bin/uv pip compile --quiet --universal --python-version 3.11 \
	  --generate-hashes --upgrade pyproject.toml --extra test --extra serve requirements/build.in \
	  -o requirements/lock.txt
	.venv-lock/bin/uv pip compile --quiet --universal --python-version 3.11 \
	  --generate-hashes requirements/build.in -c requirements/lock.txt \
	  -o requirements/build.txt

## make bench: time load, check and JSON output and a board of 50 schools, count a check's
## instructions (callgrind, where valgrind is installed), and compare with the speed
## targets (not part of make test; a few minutes)
bench: $(STAMP)
	$(BIN)/python bench/bench.py

## make bench-serve: mandaat serve with 2 workers on a free port of 127.0.0.1: checks per
## second, p50/p99 latency at 1, 8 and 32 clients, errors, memory over 10,000 requests and a
## burst of 200, against the targets (bench/serve.py; a few minutes, bounded)
bench-serve: $(STAMP)
	$(BIN)/python bench/serve.py

clean:
	rm -rf .venv .venv-* .pytest_cache .hypothesis
