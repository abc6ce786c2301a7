# Two commands for a fresh machine (Python 3.11+): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test fuzz scale lint typecheck migrate catalogs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

migrate: $(STAMP)
	$(BIN)/interview-bot migrate

run: $(STAMP) migrate
	$(BIN)/interview-bot run

test: $(DEV_STAMP)
	bash scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# 10,000 generated bodies per inbound route against the real service; prints the counts per
# route and the statuses seen (`make test` runs the same test with 150 per route).
fuzz: $(DEV_STAMP)
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q -s -p no:cacheprovider \
		tests/e2e/test_fuzz_routes.py

# Issue 15's full size on the local PostgreSQL: 200 candidates' whole interviews through the
# fake Telegram webhook, 3 web replicas + 2 workers (and one more of each SIGKILLed mid-way).
# Takes many minutes; prints the wall time (`make test` runs it with 2 candidates, 1 + 1).
scale: $(DEV_STAMP)
	SCALE_CANDIDATES=200 SCALE_WEB=3 SCALE_WORKERS=2 SCALE_LEASE_SECONDS=20 \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/e2e/test_scale_out_postgres.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
