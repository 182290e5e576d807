# Zhaoshang — the commands in the README. Everything installs into .venv and node_modules.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := zhaoshang/web/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-pg lint bench assets clean

install: $(BIN)/.installed $(VENDOR)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Front-end assets come from npm (package-lock.json) and are served by the app itself.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(VENDOR)/bootstrap/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/echarts/LICENSE $(VENDOR)/echarts/LICENSE.txt
	touch $@

assets: $(VENDOR)/.installed

run: install
	$(BIN)/zhaoshang init
	$(BIN)/zhaoshang demo --if-empty
	$(BIN)/zhaoshang manage collectstatic --noinput --verbosity 0
	$(BIN)/zhaoshang serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check zhaoshang bench scripts conftest.py
	$(BIN)/ruff format --check zhaoshang bench scripts conftest.py
	$(BIN)/mypy zhaoshang

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
