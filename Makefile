# SiKinerja — `make run` serves the demo, `make test` runs the suite. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app
FAB_DIR = $(shell $(BIN)/python -c 'import flask_appbuilder, os; print(os.path.dirname(flask_appbuilder.__file__))')

WORKERS ?= 4
# pytest-xdist workers for `make test` (0 runs the suite in one process)
TEST_WORKERS ?= $(shell nproc)
# Coverage of app/ that `make test` reports (the files not fully covered, then the total); COVERAGE= turns it off
COVERAGE ?= --cov=app --cov-report=term:skip-covered

.PHONY: run serve worker test smoke install system-packages test-packages translations compile-translations db-upgrade seed clean

# Debian libraries WeasyPrint loads at run time; HarfBuzz subsetting makes every PDF 2-4x faster.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Debian's Chromium for the Playwright journeys in tests/browser (never a downloaded browser).
TEST_SYSTEM_PACKAGES := chromium

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: system-packages $(VENV)/.installed compile-translations

# $(call debian_packages,PACKAGES,WHAT THEY ARE FOR): installs the missing ones when root with apt-get,
# otherwise says which are missing.
define debian_packages
	@missing=$$(for package in $(1); do dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
	if [ -z "$$missing" ] || ! command -v dpkg >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y --no-install-recommends $$missing || { apt-get update && apt-get install -y --no-install-recommends $$missing; }; \
	else echo "Missing system packages for $(2): $$missing — install them with: sudo apt-get install $$missing"; fi
endef

system-packages:
	$(call debian_packages,$(SYSTEM_PACKAGES),PDF documents)

test-packages:
	$(call debian_packages,$(TEST_SYSTEM_PACKAGES),the browser journeys (they skip without it))

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations

# Extract our strings and FAB's own into one catalogue, merge into id/en, compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k gettext -k ngettext:1,2 -k lazy_formatter_gettext:1 \
		--no-location --sort-output -o translations/messages.pot app "$(FAB_DIR)"
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python translations/fill_english.py translations/en/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -f --statistics -d translations

db-upgrade: install
	$(FLASK) db upgrade

seed: db-upgrade
	$(FLASK) seed

run: seed
	@echo "SiKinerja on http://127.0.0.1:$(PORT) — demo password: $$($(BIN)/python -c 'from config import Config; print(Config.DEMO_PASSWORD)')"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Production mode: gunicorn workers; set DATABASE_URL, REDIS_URL, SECRET_KEY (see README).
serve: db-upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) "app:create_app()"

# Celery worker for bulk documents (set CELERY_BROKER_URL; bulk signing reads INSTITUTION_CERT_PASSPHRASE).
WORKER_CONCURRENCY ?= $(shell nproc)
worker: db-upgrade
	$(BIN)/celery -A app.tasks worker --pool prefork --concurrency $(WORKER_CONCURRENCY) --loglevel INFO

test: install test-packages
	$(BIN)/python -m pytest -q -rs --durations=15 --numprocesses $(TEST_WORKERS) --dist loadfile $(COVERAGE) tests

# Production mode end to end: gunicorn + a Celery worker on PostgreSQL (database `smoke`) and Redis.
smoke: install
	$(BIN)/python bench/smoke_production.py

clean:
	rm -rf $(VENV) instance
