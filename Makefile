# Every target bootstraps .venv itself, so a fresh clone needs only `make run`
# or `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8000
WORKERS ?= 2
PYTHON  ?= python3

.PHONY: install run test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## run: install, migrate, load programs/, create the demo accounts, serve on PORT
run: install
	$(BIN)/kinetic db upgrade
	$(BIN)/kinetic programs load
	$(BIN)/kinetic demo --url http://127.0.0.1:$(PORT)
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) \
		--access-logfile - "kinetic:create_app()"

## test: lint, then the whole suite on SQLite and on PostgreSQL
test: lint test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest --db sqlite -q

test-postgres: install
	scripts/ensure-postgres
	$(BIN)/pytest --db postgres -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
