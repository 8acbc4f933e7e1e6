# Everything a fresh machine needs is installed from here: `make run`, `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3
# The OCR engine for scanned reports, with its PP-OCR models in the wheel; its dependencies
# are in pyproject.toml (see the note there on why not its own).
OCR    := rapidocr-onnxruntime==1.4.4

# A DuckDB client of the 1.4 LTS line, apart: the suite checks that it opens the warehouse.
OLD_DUCKDB := .venv-duckdb14
OLD_DUCKDB_PIN := duckdb==1.4.5

.PHONY: setup run test test-tools lint bench fuzz corpus corpus-tools clean old-duckdb

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps $(OCR)
	touch $(STAMP)

# The project's own modules byte-compiled, as pip compiles what it installs: where
# PYTHONDONTWRITEBYTECODE is set (containers, CI), every command compiled them again (~0.5 s).
setup: $(STAMP)
	$(PY) -m compileall -q cli flows extract expectations warehouse nianbao

## run: set up, then ingest the bundled sample portal into data/warehouse.duckdb
run: setup
	$(VENV)/bin/nianbao run

## test: set up, then lint, type-check and run the whole test suite
test: setup lint old-duckdb test-tools
	$(VENV)/bin/pytest

# The suite looks at the pages nianbao writes (the run report, Data Docs) in headless Chromium,
# and reads OFD reports, drawn for the PDF readers in a CJK font (extract/ofd.py).
TEST_DEBS := chromium fonts-wqy-zenhei
test-tools:
	@dpkg -s $(TEST_DEBS) >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_DEBS))

old-duckdb: $(OLD_DUCKDB)/.installed-stamp

$(OLD_DUCKDB)/.installed-stamp:
	$(PYTHON) -m venv $(OLD_DUCKDB)
	$(OLD_DUCKDB)/bin/pip install --quiet $(OLD_DUCKDB_PIN)
	touch $@

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## bench: accuracy and speed against plain camelot on the same files, and the corpus score
bench: setup fuzz
	$(PY) bench/extract.py
	$(PY) bench/score_corpus.py
	$(PY) bench/speed.py
	$(PY) bench/incremental.py
	$(PY) bench/validation.py

## fuzz: extraction scored on fuzzed layouts, seeds tuned on and seeds never looked at
fuzz: setup corpus-tools
	$(PY) bench/fuzz.py

## corpus: regenerate data/sample_portal and data/sample_truth from their seed
corpus: setup corpus-tools
	$(PY) -m corpus

# The corpus is drawn with TrueType (WenQuanYi Zen Hei, AR PL UMing) and OpenType/CFF (Noto CJK)
# fonts, half of it printed from .docx by LibreOffice; the fuzzer also prints HTML with headless
# Chromium and typesets longtables with XeLaTeX (xeCJK). Only `make corpus` and `make fuzz`
# need these.
CORPUS_DEBS := fonts-wqy-zenhei fonts-arphic-uming fonts-noto-cjk libreoffice-writer-nogui chromium \
               texlive-xetex texlive-lang-chinese
corpus-tools:
	@dpkg -s $(CORPUS_DEBS) >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CORPUS_DEBS))

clean:
	rm -rf $(VENV) $(OLD_DUCKDB) data/raw data/warehouse.duckdb data/warehouse.duckdb.wal
