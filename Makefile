# Everything a newcomer needs: `make run` serves the demo, `make test` runs the whole suite.
# Both create .venv and install the pinned dependencies when they are missing or have changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format assets lock migrate seed clean-venv help bench bench-import bench-load bench-pdf

help:
	@echo "make run     - set up, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test    - set up and run the whole test suite (SQLite here; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint    - ruff check and ruff format --check"
	@echo "make assets  - rebuild the GOV.UK Frontend CSS/JS in static/ from frontend/ (needs npm)"
	@echo "make lock    - re-pin requirements/*.txt from requirements/*.in"
	@echo "make bench   - import, load and PDF benchmarks on PostgreSQL (results in benchmarks/)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements/dev.txt requirements/base.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r accounts needs commissioning coproduction procurement contracts core dashboard config -x '*/tests/*,*/migrations/*' -lll

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

assets:
	cd frontend && npm ci && npm run build

lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --output-file requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --strip-extras --output-file requirements/dev.txt requirements/dev.in

clean-venv:
	rm -rf $(VENV)

# Benchmarks run on PostgreSQL and write their results under benchmarks/ (never part of `make test`).
# `make bench` runs all three; each can run alone. The load benchmark keeps its data set in its own
# database (`bench_load` beside BENCH_DATABASE_URL's) and reuses it while its version marker matches.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
BENCH_LOAD_ARGS ?=

bench-import: $(STAMP)
	psql -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'bench'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/bench_import.py

bench-load: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/bench_load.py $(BENCH_LOAD_ARGS)

bench-pdf: $(STAMP)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/bench_load.py --data-only
	DATABASE_URL=$(patsubst %/,%,$(dir $(BENCH_DATABASE_URL)))/$(notdir $(BENCH_DATABASE_URL))_load \
		$(BIN)/python benchmarks/bench_pdf.py

bench: bench-import bench-load bench-pdf
	@echo "Results: benchmarks/results.md (load and PDF) and benchmarks/results-import.md (import)"
