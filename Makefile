# tracking-service — every target creates .venv and installs on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# `make run` serves the sandbox carrier and a demo shop unless told otherwise.
export TRACKING_SANDBOX ?= true
export TRACKING_DEMO ?= true
export TRACKING_DEMO_KEY ?= demo-agent-key
export TRACKING_BOOTSTRAP_ADMIN_KEY ?= demo-admin-key
# Development and tests: webhook and desk peers on localhost over http (production keeps the URL guard).
export TRACKING_ALLOW_PRIVATE_URLS ?= true

.PHONY: install run test lint format bench clean chromium wrk

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m tracking_service serve

# The console's browser tests drive Debian's chromium (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "make: installing Debian's chromium for the console browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; } \
		|| { echo "make: ERROR: chromium is missing and could not be installed (apt-get install chromium)"; exit 1; }
	@test -n "$$(fc-list :lang=zh 2>/dev/null)" || { \
		echo "make: installing a CJK font so console screenshots show Chinese text"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 \
		|| echo "make: warning: no CJK font (apt-get install fonts-wqy-zenhei); screenshots will show boxes"; }

test: $(STAMP) chromium
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(PY) -m ruff check schemas carriers tracking_service tests benchmarks
	$(PY) -m ruff format --check schemas carriers tracking_service tests benchmarks
	$(PY) -m mypy schemas carriers tracking_service benchmarks

format: $(STAMP)
	$(PY) -m ruff format schemas carriers tracking_service tests benchmarks
	$(PY) -m ruff check --fix schemas carriers tracking_service tests benchmarks

# The API benchmark prefers Debian's wrk; without it, it falls back to benchmarks/loadgen.py.
wrk:
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null 2>&1 \
		|| echo "make: wrk could not be installed; the API benchmark uses benchmarks/loadgen.py"

bench: $(STAMP) wrk
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .tracking-data
