# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEV_ENV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000

WEB_CONCURRENCY ?= 2

.PHONY: install run migrate catalog test lint build-catalog serve worker redis backup restore bench vendor screenshots

# The task queue's worker (residency_planner/celery.py): both queues, two processes. Each upload
# is read in a child process with its own limits (TRACKER_READ_SECONDS, TRACKER_READ_MEMORY_MB).
WORKER := $(PY) -m celery -A residency_planner worker -Q celery,uploads --concurrency 2 \
	--loglevel WARNING

$(STAMP): pyproject.toml
	@echo "== 1/4 Creating the virtual environment and installing the dependencies (the first time: about a minute) =="
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@echo "== 2/4 Creating or updating the database =="
	$(DEV_ENV) $(PY) manage.py migrate --noinput

catalog: migrate
	@echo "== 3/4 Loading the shipped catalog (5,216 programs) =="
	$(DEV_ENV) $(PY) manage.py import_catalog fixtures/catalog.csv

# The server and, beside it, a task worker (uploads, e-mail); Ctrl-C stops both.
run: catalog redis
	@echo "== 4/4 Serving at http://$(HOST):$(PORT)/ with a task worker (Ctrl-C stops both) =="
	$(DEV_ENV) $(WORKER) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The broker: the Redis of this machine (CELERY_BROKER_URL, default redis://127.0.0.1:6379/1).
# When none answers on 127.0.0.1:6379, one is started, memory-bounded and keeping nothing on
# disk (apt-get install redis-server); a Redis already running is left as it is.
redis:
	@if [ -z "$${CELERY_BROKER_URL:-}" ] && command -v redis-server >/dev/null \
		&& ! (redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1); then \
		echo "== Starting Redis on 127.0.0.1:6379 for the task queue (256 MB, noeviction) =="; \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
			--maxmemory 256mb --maxmemory-policy noeviction; \
	fi

# A task worker alone, e.g. on another machine (docs/deploy.md): the same settings as the site.
worker: install
	$(WORKER)

test: install
	$(DEV_ENV) $(PY) -m pytest

lint: install
	$(PY) -m ruff check .

# Rebuild fixtures/catalog.csv from ../shared/data/raw (needs the raw sources).
build-catalog: install
	$(DEV_ENV) $(PY) manage.py build_catalog

# Production-style serving: gunicorn behind whitenoise, settings from the environment
# (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL, ...; see docs/deploy.md), with a
# task worker beside it (SERVE_WORKER=0 when workers run elsewhere). It migrates and collects
# static files but does not re-import the shipped catalog over advisors' edits.
SERVE_WORKER ?= 1
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	if [ "$(SERVE_WORKER)" = 1 ]; then $(WORKER) & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; fi; \
	$(PY) -m gunicorn residency_planner.wsgi --workers $(WEB_CONCURRENCY) \
		--bind $(HOST):$(PORT) --access-logfile - --timeout 60

# make backup FILE=backups/2026-11-26.json.gz ; make restore FILE=...
backup: install
	$(PY) manage.py backup_user_data $(FILE)

restore: install
	$(PY) manage.py restore_user_data $(FILE)

# Every benchmark (scoring, pages on SQLite and PostgreSQL, export, bounded 50-user load tests
# on PostgreSQL, the targets against the home page's rate) -> benchmarks/RESULTS.md. Needs the
# local PostgreSQL server; BENCH_CACHE_URL=redis://127.0.0.1:6379/N for the shared cache.
bench: install
	$(PY) -m pip install --quiet ".[bench]"
	$(PY) benchmarks/run_all.py

# Refresh the README's screenshots (docs/screenshots/) of the main pages, desktop and phone
# width. Needs Chromium (apt-get install chromium).
screenshots: install
	REFRESH_SCREENSHOTS=1 $(DEV_ENV) $(PY) -m pytest tests/browser/test_screenshots.py -q

# Refresh the vendored front-end files from the npm registry (versions in package.json).
vendor:
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cd .vendor-tmp && npm pack --silent bootstrap@5.3.9 axe-core@4.14.1 tom-select@2.6.2 >/dev/null
	cd .vendor-tmp && tar xzf bootstrap-5.3.9.tgz && mv package bootstrap && tar xzf axe-core-4.14.1.tgz && mv package axe
	cd .vendor-tmp && tar xzf tom-select-2.6.2.tgz && mv package tom-select
	cp .vendor-tmp/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/css/
	cp .vendor-tmp/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/js/
	cp .vendor-tmp/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
	cp .vendor-tmp/axe/axe.min.js .vendor-tmp/axe/LICENSE tests/browser/vendor/axe-core/
	mkdir -p static/vendor/tom-select/js static/vendor/tom-select/css
	cp .vendor-tmp/tom-select/dist/js/tom-select.complete.min.js* static/vendor/tom-select/js/
	cp .vendor-tmp/tom-select/dist/css/tom-select.bootstrap5.min.css* static/vendor/tom-select/css/
	cp .vendor-tmp/tom-select/LICENSE static/vendor/tom-select/LICENSE
	rm -rf .vendor-tmp
