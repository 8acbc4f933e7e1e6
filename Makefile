# Everything a fresh machine needs is installed from here: `make run`, `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: setup run test lint bench sample fonts clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, then ingest the bundled sample portal into data/warehouse.duckdb
run: setup
	$(VENV)/bin/nianbao run

## test: set up, then lint, type-check and run the whole test suite
test: setup lint
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## bench: accuracy and speed against plain camelot on the same files
bench: setup
	$(PY) bench/extract.py

## sample: regenerate data/sample_portal and data/sample_truth from their seed
sample: setup fonts
	$(PY) data/generate_sample_portal.py

# The sample generator draws with WenQuanYi Zen Hei (TrueType CJK, embedded like WPS does).
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei)

clean:
	rm -rf $(VENV) data/raw data/warehouse.duckdb data/warehouse.duckdb.wal
