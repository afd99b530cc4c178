# remarket — the two commands of the quickstart, and a few helpers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test test-postgres install browser gettext demo worker bench clean openapi lint format messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

## make run: install, migrate var/remarket.sqlite3, build the demo if there is none, serve on 127.0.0.1:$(PORT)
run: install
	mkdir -p var
	$(BIN)/remarket migrate --no-input -v0
	$(BIN)/remarket demo
	$(BIN)/remarket serve

## make test: the whole suite on SQLite, browser tests included (installs Debian's chromium, and gettext for the
## catalogue check, when they are missing);
## the PostgreSQL-only race tests run in `make test-postgres`, which .ci/run calls
test: install browser gettext
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 --dist loadfile -m "not postgres"

## the database suite again on PostgreSQL (CI runs it when PostgreSQL answers)
test-postgres: install gettext
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/remarket} $(BIN)/python -m pytest -p no:cacheprovider -m "not e2e"

## make lint: ruff (lint and format), the import contracts in .importlinter, mypy against its baseline
## (tools/mypy_check.py: none in the domains and core); CI runs it
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/mypy_check.py

## make messages: extract the catalogue of every shipped language (settings' LANGUAGES but English, the source)
## from the code and templates, then compile them (needs gettext)
messages: install
	cd remarket && langs="$$(DJANGO_SETTINGS_MODULE=remarket.settings.test ../$(BIN)/python -c 'from django.conf import settings as s; print(" ".join("-l " + c for c, _ in s.LANGUAGES if c != s.LANGUAGE_CODE))')" \
	  && ../$(BIN)/python -m django makemessages $$langs --settings=remarket.settings.test \
	  && ../$(BIN)/python -m django compilemessages $$langs --settings=remarket.settings.test

## make format: apply the formatter and ruff's safe fixes
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "chromium is missing: installing Debian's package (needs root and the package registry)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || { echo "ERROR: could not install chromium; the browser tests cannot run." >&2; exit 1; }; }

gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
	  echo "gettext is missing: installing Debian's package (needs root and the package registry)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) \
	  || { echo "ERROR: could not install gettext; the translation check cannot run." >&2; exit 1; }; }

demo: install
	$(BIN)/remarket demo

worker: install
	$(BIN)/remarket worker

openapi: install
	mkdir -p docs && DJANGO_SETTINGS_MODULE=remarket.settings.test $(BIN)/remarket openapi > docs/openapi.json

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/test*.sqlite3*
