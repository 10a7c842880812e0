# Oceń Urząd — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
WIDGET_STAMP := widget/node_modules/.installed
# The staff side's gettext catalogs (collector/catalog.py): .po in git, .mo compiled here.
CATALOGS := collector/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(CATALOGS)/*/LC_MESSAGES/messages.po))

.DEFAULT_GOAL := help
.PHONY: help install widget catalogs messages run test bench lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(WIDGET_STAMP): widget/package.json widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund
	touch $(WIDGET_STAMP)

widget: $(WIDGET_STAMP) ## Build the widget bundle (esbuild)
	@if [ -f widget/package.json ]; then cd widget && npm run --silent build; fi

$(CATALOGS)/%/LC_MESSAGES/messages.mo: $(CATALOGS)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

catalogs: $(MO_FILES) ## Compile the staff catalogs (.po to .mo)

# -k _l: lazy_gettext's name in our code; babel.cfg maps the files and names the text tables.
messages: $(STAMP) ## Extract the staff texts into the catalogs (translate what is new, then make catalogs)
	PYTHONPATH=. $(BIN)/pybabel --quiet extract -F babel.cfg -k _l --ignore-dirs '.* _* node_modules instance' \
		--add-location file --project ocen-urzad -o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel --quiet update --ignore-obsolete --no-fuzzy-matching -i $(CATALOGS)/messages.pot -d $(CATALOGS)

install: $(STAMP) $(MO_FILES) ## Set up .venv with the app and test tools, compile the catalogs, build the widget
	@if [ -f widget/package.json ]; then $(MAKE) --no-print-directory widget; fi

run: install ## Set up the demo and serve it: collector on :5000, demo city page on :5001
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(FLASK) ensure-demo-admin
	$(BIN)/python -m devserver

# Two workers, each with its own databases. --dist worksteal balances the two to the end (an idle
# worker takes tests from the busy one's queue); a dataset built once per module is then built at
# most once per worker. Measured on this 2-core machine: 3:14 (worksteal) against 3:38 (loadscope).
test: install ## Run the test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/pytest -q -n 2 --dist worksteal

bench: install ## Run the benchmarks under bench/ and print their ratios
	$(BIN)/python -m bench

lint: install ## Check the code: ruff (lint and format), mypy (collector, reports), ESLint (widget)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd widget && npx --no-install eslint .

clean: ## Remove the virtualenv, the widget build and local data
	rm -rf $(VENV) widget/node_modules widget/dist instance test-artifacts $(CATALOGS)/*/LC_MESSAGES/*.mo
