# The one command runner. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run; .ci/run starts one when none listens.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atlas

.PHONY: run setup install install-dev fonts system-deps test test-sqlite test-postgres test-browser lint fmt typecheck messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	npm ci --no-audit --no-fund

setup: install fonts
	$(BIN)/atlas setup

run: setup
	$(BIN)/atlas serve --host $(HOST) --port $(PORT)

# Pango and the fonts the PDF reports use (atlas/static/atlas/print.css names them): Noto
# for Latin, Cyrillic, Arabic and Persian, DejaVu as the fallback. Installed only as root
# with apt; otherwise it says what is missing.
REPORT_PACKAGES := fonts-noto-core fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
fonts:
	@if ! command -v dpkg >/dev/null; then \
	  echo "not Debian: PDF reports need Pango and the Noto and DejaVu fonts"; exit 0; fi; \
	missing=""; \
	for p in $(REPORT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "PDF reports need these Debian packages (install them as root):$$missing"; fi

# Debian packages the tests need (Chromium for browser tests, gettext for the
# catalogue checks, PostgreSQL when none is running, poppler-utils to read the PDF
# reports back, and the report fonts above). Installed only as root.
system-deps: fonts
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; \
	  for p in chromium gettext postgresql poppler-utils; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	else echo "not root: assuming chromium, gettext, postgresql and poppler-utils are installed"; fi
	@scripts/ensure_postgres.sh

test: install-dev system-deps lint typecheck test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -p no:cacheprovider

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -p no:cacheprovider -m "not browser"

lint:
	$(BIN)/ruff check atlas tests benchmarks scripts
	$(BIN)/ruff format --check atlas tests benchmarks scripts

fmt:
	$(BIN)/ruff format atlas tests benchmarks scripts
	$(BIN)/ruff check --fix atlas tests benchmarks scripts

typecheck:
	$(BIN)/mypy atlas

messages:
	cd atlas && ../$(BIN)/django-admin makemessages -l en -l es -l fr -l ar -l pt -l ru -l uk -l fa --no-obsolete --no-location --ignore 'core/*' --settings atlas.settings --pythonpath ..
	cd atlas && ../$(BIN)/django-admin compilemessages --settings atlas.settings --pythonpath ..

bench: install-dev
	$(BIN)/pip install --quiet -r requirements-bench.lock
	$(BIN)/python benchmarks/search.py --database both
	$(BIN)/python benchmarks/entitlements.py --database both
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/finder.py
	$(BIN)/python benchmarks/stats.py --reuse

clean:
	rm -rf $(VENV) var
