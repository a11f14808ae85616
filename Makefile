# Every target bootstraps .venv itself, so a fresh clone needs only `make run`
# or `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PORT    ?= 8000
WORKERS ?= 2
PYTHON  ?= python3
# The address the app's links and FHIR identifiers are built from (config.py);
# set it when the app is opened elsewhere, e.g. through a tunnel.
PUBLIC_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test test-sqlite test-postgres lint lint-openapi format bench clean

NODE_STAMP := frontend/node_modules/.installed

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# The PWA's runtime libraries (uPlot, the QR code drawer) come from npm, and so
# does the OpenAPI linter (@redocly/cli, a devDependency).
$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed: install Node.js (Debian: apt-get install npm)"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

## run: install, migrate, load programs/, create the demo accounts, then serve on
## PORT with the reminder scheduler running beside the web server. The app answers
## a URL over MAX_URL_LENGTH (8000) with a JSON 414; gunicorn keeps its own cut at
## its maximum (8190), since its parser slows quadratically on longer lines.
run: export PUBLIC_URL := $(PUBLIC_URL)
run: install
	$(BIN)/kinetic db upgrade
	$(BIN)/kinetic programs load
	$(BIN)/kinetic demo --url $(PUBLIC_URL)
	@$(BIN)/kinetic scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) \
		--limit-request-line 8190 "kinetic:create_app()"

## test: lint, then the whole suite on SQLite and on PostgreSQL
test: lint test-sqlite test-postgres

test-sqlite: install
	scripts/ensure-chromium
	$(BIN)/pytest --db sqlite -q

test-postgres: install
	scripts/ensure-postgres
	$(BIN)/pytest --db postgres -q

lint: install lint-openapi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## lint-openapi: the OpenAPI document the app serves, written out by the app and
## read by `redocly lint` (its recommended rules, less those redocly.yaml switches
## off, each with its reason); nothing is sent anywhere.
lint-openapi: install
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(BIN)/kinetic openapi write "$$dir/openapi.json" && \
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		frontend/node_modules/.bin/redocly lint --config redocly.yaml \
		"$$dir/openapi.json"

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: every benchmark on SQLite and PostgreSQL; writes bench/RESULTS.md
bench: install
	scripts/ensure-chromium
	scripts/ensure-wrk
	scripts/ensure-postgres
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
