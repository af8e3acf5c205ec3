# The quick start: `make demo` opens the station on demo data; `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint screenshot clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m station demo-data load
	$(PY) -m station

lint: $(STAMP)
	$(VENV)/bin/ruff check station ui devices sync tests tools
	$(VENV)/bin/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) tests/benchmarks/scan_to_commit.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshot.py docs/returns-screen.png

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
