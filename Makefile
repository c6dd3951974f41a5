# Two commands on a fresh machine: `make run` and `make test`. Everything else is bootstrapped.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := assets/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test bootstrap assets browser migrate seed lint bench clean

bootstrap: $(STAMP) $(ASSETS)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@# The single-scenario market solver is compiled by numba once per machine (~10 s, then cached).
	$(BIN)/python -c "import etsatlas.market.compiled"
	touch $@

# Map geometry and the TopoJSON decoder come from npm packages, installed at build time only.
$(ASSETS): assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium for the real-browser tests (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; fi; }

migrate: bootstrap
	$(BIN)/etsatlas migrate

seed: migrate
	$(BIN)/etsatlas seed

run: seed
	$(BIN)/etsatlas serve --host $(HOST) --port $(PORT)

test: bootstrap browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: bootstrap
	$(BIN)/ruff check src tests bench

bench: bootstrap
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) assets/node_modules var staticfiles
