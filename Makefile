# The quick start: `make demo` opens the station on demo data; `make test` runs every check.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# What Qt's desktop (xcb) plugin and its sounds need from the system on Debian/Ubuntu;
# the offscreen tests need none of it.
QT_DESKTOP_LIBS := libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 \
	libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
	libxcb-xkb1 libegl1 libgl1 libfontconfig1 libdbus-1-3 libpulse0
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: demo demo-down site-demo test soak bench lint screenshot clean desktop-libs postgres-server

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,demo,hub]'
	touch $(STAMP)

demo: $(STAMP) desktop-libs
	$(PY) -m app demo-data load
	$(PY) -m app erp-demo up
	$(PY) -m app sync --once
	$(PY) -m app

# The demo ERP outlives the window (a second `make demo` reuses it): this stops it.
demo-down:
	$(PY) -m app erp-demo down

# A site on this machine: PostgreSQL, the hub and two bench windows. Closing both windows
# (or Ctrl+C) stops it all.
site-demo: $(STAMP) desktop-libs postgres-server
	$(PY) -m app site-demo

desktop-libs:
	@if command -v dpkg >/dev/null 2>&1; then \
	  missing=$$(for lib in $(QT_DESKTOP_LIBS); do dpkg -s $$lib >/dev/null 2>&1 || echo $$lib; done); \
	  if [ -n "$$missing" ]; then \
	    echo "Installing what Qt needs to open a window:" $$missing; \
	    $(SUDO) apt-get install -y $$missing || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; }; \
	  fi; \
	fi

# The site's tests start PostgreSQL clusters of their own (hub/cluster.py): Debian's server.
postgres-server:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  echo "Installing PostgreSQL's server for the site's tests"; \
	  $(SUDO) apt-get install -y postgresql || { $(SUDO) apt-get update && $(SUDO) apt-get install -y postgresql; }; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check app station ui devices sync demo hub tests tools
	$(VENV)/bin/mypy

# The labels' tests render ZPL with a real ZPL renderer from npm (pinned in its lock file).
ZPL_RENDERER := tests/zpl/node_modules/.package-lock.json

$(ZPL_RENDERER): tests/zpl/package-lock.json
	npm ci --prefix tests/zpl --no-audit --no-fund

test: lint $(ZPL_RENDERER) postgres-server
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

# 10,000 bench events of every kind pushed to a live Tryton through the fault proxy, each
# checked to arrive exactly once; prints its figures as JSON. `make test` runs 300 of them.
soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -m soak -s tests/erp/test_soak.py

bench: $(STAMP) postgres-server
	$(PY) tests/benchmarks/scan_to_commit.py
	$(PY) tests/benchmarks/serial_scan.py
	$(PY) tests/benchmarks/labels.py
	$(PY) tests/benchmarks/receiving_scan.py
	$(PY) tests/benchmarks/erp_pull.py
	$(PY) tests/benchmarks/erp_push.py
	$(PY) tests/benchmarks/supervisor.py
	$(PY) tests/benchmarks/forecast.py
	$(PY) tests/benchmarks/backlog.py
	$(PY) tests/benchmarks/restock_inputs.py
	$(PY) tests/benchmarks/cold_start.py
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/scan_to_screen.py
	$(PY) tests/benchmarks/site_push.py
	$(PY) tests/benchmarks/site_catch_up.py
	$(PY) tests/benchmarks/site_supervisor.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshot.py docs/returns-screen.png
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshot.py docs/receiving-screen.png receiving
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshot.py docs/checkin-screen.png checkin
	QT_QPA_PLATFORM=offscreen $(PY) tools/screenshot.py docs/supervisor-screen.png supervisor

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
