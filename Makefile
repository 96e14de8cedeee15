# Two commands: `make run` serves the app, `make test` runs the whole suite.
# Both set everything up first (system packages, .venv, front-end packages) and reuse it after.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portfolio
CSS := portfolio/static/build/app.css
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint test-sqlite test-postgres pg-start pg-stop clean

install: build/.system-packages $(BIN)/.installed node_modules/.installed $(CSS)

build/.system-packages: scripts/install-system-packages
	scripts/install-system-packages
	@mkdir -p build && touch build/.system-packages

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard portfolio/static/scss/*.scss)
	mkdir -p $(dir $(CSS))
	node_modules/.bin/sass --load-path=node_modules --quiet-deps --silence-deprecation=import \
		--no-source-map --style=compressed portfolio/static/scss/app.scss $(CSS)

# The task queue's worker (portfolio PDFs, archive bundles) runs beside the web server, in
# processes of its own, and stops when the server stops.
WORKER := $(BIN)/huey_consumer portfolio.tasks.huey -w 2 -k process -m 1

# The address links in mail and PDFs point to when PUBLIC_URL is not set (see README).
run: export PORTFOLIO_LOCAL_URL ?= http://$(HOST):$(PORT)
run: install
	$(FLASK) upgrade
	$(FLASK) demo --if-empty
	@$(WORKER) & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check portfolio tests benchmarks
	$(BIN)/ruff format --check portfolio tests benchmarks

test: install lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Both passes spread the tests over every core (pytest-xdist, a module's tests kept together on
# one worker); each worker has its own SQLite file, or its own database on the PostgreSQL server.
WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(WORKERS) --dist loadfile

test-sqlite:
	@echo "== test suite on SQLite =="
	$(PYTEST)

# The second pass runs every test that touches the database directly on PostgreSQL; the browser
# tests drive the same pages and services through Chromium, which the first pass already proves,
# so they run once (they are the slowest third of the suite).
test-postgres:
	@echo "== test suite on PostgreSQL (Debian's server on loopback), browser tests excepted =="
	@url=$$(scripts/test-postgres start) && \
		TEST_DATABASE_URL=$$url $(PYTEST) --ignore=tests/browser; status=$$?; \
		scripts/test-postgres stop; exit $$status

pg-start:
	@scripts/test-postgres start
pg-stop:
	@scripts/test-postgres stop

clean:
	scripts/test-postgres stop
	rm -rf $(VENV) node_modules build portfolio/static/build .pytest_cache .ruff_cache
