# Two commands do everything: `make run` (install, set up, serve) and `make test` (install, lint, test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
PYTEST_WORKERS ?= auto

.PHONY: run setup test lint translations translations-update browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# The compiled catalogs (.mo) are build output, made from the .po files on every run.
translations: $(VENV)/.run-deps
	$(BIN)/pybabel compile --use-fuzzy -d survey/translations

translations-update: $(VENV)/.run-deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o survey/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations --no-fuzzy-matching --ignore-obsolete

setup: $(VENV)/.run-deps translations
	$(BIN)/flask --app wsgi setup

run: setup
	@echo ""
	@echo "民生工程调查抽查系统: http://$(HOST):$(PORT)/"
	@echo ""
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

browser-deps:
	@bash .ci/browser-deps.sh

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .

test: $(VENV)/.test-deps translations browser-deps lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

bench: $(VENV)/.test-deps
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
