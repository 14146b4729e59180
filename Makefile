# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run migrate catalog test test-postgres lint build-catalog

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

catalog: migrate
	$(DEV_ENV) $(PY) manage.py import_catalog fixtures/catalog.csv

run: catalog
	@echo "Serving at http://$(HOST):$(PORT)/"
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(DEV_ENV) $(PY) -m pytest

lint: install
	$(PY) -m ruff check .

# Rebuild fixtures/catalog.csv from ../shared/data/raw (needs the raw sources).
build-catalog: install
	$(DEV_ENV) $(PY) manage.py build_catalog
