# Oceń Urząd — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
WIDGET_STAMP := widget/node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install widget run test bench lint clean

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

install: $(STAMP) ## Set up .venv with the app and test tools, and build the widget
	@if [ -f widget/package.json ]; then $(MAKE) --no-print-directory widget; fi

run: install ## Set up the demo and serve it: collector on :5000, demo city page on :5001
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(FLASK) ensure-demo-admin
	$(BIN)/python -m collector.devserver

# Two workers, each with its own databases; --dist loadscope keeps a module on one worker, so a
# dataset built once per module is built once.
test: install ## Run the test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/pytest -q -n 2 --dist loadscope

bench: install ## Run the benchmarks under bench/ and print their ratios
	$(BIN)/python -m bench

lint: install ## Check the code with ruff
	$(BIN)/ruff check .

clean: ## Remove the virtualenv, the widget build and local data
	rm -rf $(VENV) widget/node_modules widget/dist instance test-artifacts
