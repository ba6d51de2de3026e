# Consorcia — `make run` starts the whole system; `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast bench lint format docs keys compose-check clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing Python dependencies into $(VENV) ..."
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## run: the embedded default — NATS and Redis from the wheels, SQLite, seeded; Ctrl-C stops it.
run: setup
	$(PY) -m deploy.embedded $(ARGS)

## test: every test, on SQLite and PostgreSQL (TEST_DATABASE_URL, default the local server).
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -x -q --ignore=tests/e2e $(PYTEST_ARGS)

## bench: every runnable module in bench/ (not part of the tests); figures go into the README.
## One of them: make bench BENCHES=event_pipeline ARGS="--rate 50"
BENCHES ?= $(basename $(notdir $(shell grep -l '^if __name__ == "__main__":' bench/*.py)))
bench: setup
	@status=0; for m in $(BENCHES); do echo "== bench.$$m"; $(PY) -m bench.$$m $(ARGS) || status=1; done; exit $$status

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## schema: publish the GraphQL schema as docs/schema.graphql (refuses unrecorded breaking changes).
schema: setup
	$(PY) -m gateway.sdl --write docs/schema.graphql

## schema-check: CI — the committed SDL is current; with BASE=<file> (a base branch's SDL) also checks it.
schema-check: setup
	$(PY) -m gateway.sdl --check docs/schema.graphql
	@if [ -n "$(BASE)" ]; then $(PY) -m gateway.sdl --check $(BASE) --against docs/schema.graphql; fi

## fuzz: schemathesis (GraphQL mode) against a running system: no 5xx, and (strict) no masked internal_error.
fuzz: setup
	$(PY) -m pytest -q tests/e2e/test_fuzz.py $(PYTEST_ARGS)

## docs: regenerate docs/events.md from the event catalog.
docs: setup
	$(PY) -m shared.events.docs > docs/events.md

## keys: the gateway's token signing keys for docker-compose (deploy/secrets/, not committed).
keys: setup
	$(PY) -m shared.keys deploy/secrets

compose-check:
	docker-compose -f docker-compose.yml config -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
