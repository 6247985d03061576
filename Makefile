# Resident Voice: the two commands a newcomer needs are `make run` and `make test`.
# Every target installs what it needs; nothing is assumed beyond python3 >= 3.11, node/npm and make.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
STATIC_BUILD := var/build/static
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="" runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test install install-dev frontend lint typecheck pytest bench requirements requirements-upgrade worker serve demo clean

run: install frontend
	$(BIN)/residentvoice migrate --no-input
	$(BIN)/residentvoice demo load
	$(BIN)/residentvoice collectstatic --no-input -v 0
	RESIDENTVOICE_DEMO=$${RESIDENTVOICE_DEMO:-1} $(BIN)/residentvoice serve --host $(HOST) --port $(PORT)

test: install-dev frontend
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev frontend
	$(BIN)/python -m bench

# uv itself, when the machine has none: kept in a private folder, not installed system-wide.
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(BIN)/python: | $(UV)
	$(UV) venv --quiet --python $(PYTHON) $(VENV)

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/python
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/base.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-dev
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: $(STATIC_BUILD)/residentvoice.css $(STATIC_BUILD)/govuk-frontend.min.js

$(STATIC_BUILD)/residentvoice.css: src/residentvoice/core/assets/residentvoice.scss node_modules/.package-lock.json
	@mkdir -p $(STATIC_BUILD)
	npx sass --quiet --quiet-deps --no-source-map --load-path=node_modules --style=compressed $< $@

$(STATIC_BUILD)/govuk-frontend.min.js: node_modules/.package-lock.json
	@mkdir -p $(STATIC_BUILD)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

# Regenerate the pinned, hashed requirement files after changing pyproject.toml: pins that still
# fit are kept. `make requirements-upgrade` moves every pin to the newest release pyproject.toml
# allows (the regular dependency review, docs/SECURITY.md).
requirements: | $(UV)
	$(UV) pip compile pyproject.toml --quiet $(COMPILE_UPGRADE) --generate-hashes --python-version 3.11 -o requirements/base.txt
	$(UV) pip compile pyproject.toml --quiet $(COMPILE_UPGRADE) --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.txt

requirements-upgrade:
	$(MAKE) requirements COMPILE_UPGRADE=--upgrade

worker: install
	$(BIN)/residentvoice db_worker

clean:
	rm -rf $(VENV) .tools var/build node_modules
