# SiKinerja — `make run` serves the demo, `make test` runs the suite. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app
FAB_DIR = $(shell $(BIN)/python -c 'import flask_appbuilder, os; print(os.path.dirname(flask_appbuilder.__file__))')

WORKERS ?= 4

.PHONY: run serve test install translations compile-translations db-upgrade seed clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed compile-translations

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

test: install
	$(BIN)/python -m pytest -q tests

clean:
	rm -rf $(VENV) instance
