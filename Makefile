# Two commands for a newcomer: `make run` (dashboard on the embedded data) and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
STAMP := .venv/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DB := data/meetings.duckdb
RAW := $(shell find data/raw -type f 2>/dev/null)
PORT ?= 8501

.PHONY: setup system-deps run test lint bench demo clean

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@rm -f .venv/.installed-* && touch $@

setup: $(STAMP)

# Debian packages the tests need: a browser for the real-browser test, a Khmer font for rendering
# checks, LibreOffice to render the weekly deck. Installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

$(DB): $(STAMP) $(RAW) $(wildcard data/corrections.csv)
	$(PY) -m etl ingest data/raw --db $(DB)
	@touch $(DB)

run: setup $(DB)
	@echo "Dashboard: http://127.0.0.1:$(PORT)"
	$(PY) -m streamlit run dashboard.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

lint: setup
	$(PY) -m ruff check .

test: setup system-deps lint
	$(PY) -m pytest -n 2 --dist loadgroup -q

bench: setup
	$(PY) -m bench

demo: setup
	$(PY) -m etl synth --n 3000 --seed 7 --out data/demo/raw
	$(PY) -m etl ingest data/demo/raw --db data/demo.duckdb --dataset demo
	@echo "Demo dashboard (synthetic data): http://127.0.0.1:$(PORT)"
	KM_DB=data/demo.duckdb $(PY) -m streamlit run dashboard.py --server.address 127.0.0.1 \
		--server.port $(PORT) --server.headless true --browser.gatherUsageStats false

clean:
	rm -rf .venv data/*.duckdb data/demo .pytest_cache .ruff_cache
