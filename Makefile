# Two commands do everything on a fresh machine with Python 3.11:
#   make run    venv, install, translations, migrate, reference + demo data, serve on :5000
#   make test   the whole suite (unit, web, end-to-end in Chromium, accessibility)
# DATABASE_URL picks the database (default: SQLite under instance/).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-pure test-quick lint audit install install-dev translations translations-extract chromium java nginx redis pango node db seed bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.stamp-runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.stamp-runtime

install: $(VENV)/.stamp-runtime translations
install-dev: $(VENV)/.stamp-dev translations node chromium java nginx redis pango

# Compile the German (and English) catalogs; .mo files are build output, not committed.
translations: $(VENV)/.stamp-runtime
	$(BIN)/pybabel compile --statistics -d app/translations

# Re-extract msgids after changing UI text, then translate the new entries in app/translations/de.
translations-extract: $(VENV)/.stamp-runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --no-location --sort-output --width 120 .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --width 120

db: install
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed reference
	$(BIN)/flask seed demo

# The background worker (mail) runs next to the development server and stops with it.
run: seed
	@$(BIN)/flask worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Debian's Chromium for the browser tests; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (needs root and apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Java for the Nu HTML Checker (vnu-jar from npm), which the browser tests run on every page they check.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java runtime for the HTML checker (needs root and apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# Redis for the Redis-backed tests: they use the one at 127.0.0.1:6379, or start a throwaway
# redis-server of their own when none answers there (tests/factories.py: redis_port); never skipped.
redis:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || { \
	  echo "Installing Debian's redis-server (needs root and apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# Pango for WeasyPrint, which writes the report's PDF (app/reports/pdf.py); usually there already.
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  echo "Installing Debian's Pango (needs root and apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# nginx for the tests of deploy/nginx/ (and the benchmark's two-instance run).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx-light (needs root and apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

# axe-core and vnu-jar for the accessibility and markup checks (test-only, never served).
node: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# pytest-xdist: one worker per core, each with its own database and Redis databases (tests/conftest.py).
TEST_WORKERS ?= auto

test: install-dev lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=15 $(PYTEST_ARGS)

# ruff, mypy (mypy.ini), bandit for medium and high severity (every `# nosec` names its rule and says
# why), the import contracts between the areas (.importlinter) and the conventions (tests/conventions/).
lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/mypy
	$(BIN)/bandit --quiet --recursive app --severity-level medium
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/conventions

# Known vulnerabilities in the pinned requirements (pip-audit, needs the network). Not part of
# `make test`, so a new advisory does not block unrelated work: run it before every release and weekly.
audit: $(VENV)/.stamp-dev
	$(BIN)/pip-audit --requirement requirements.txt --requirement requirements-dev.txt --progress-spinner off --strict

# The tests that need neither app nor database, and the source conventions: a loop of seconds.
test-pure: $(VENV)/.stamp-dev
	$(BIN)/python -m pytest -m "pure and not e2e" -p no:xdist $(PYTEST_ARGS)

# Everything but the browser: a quick loop while developing.
test-quick: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

# Benchmarks (not part of the suite): needs Debian's wrk; PostgreSQL is used when reachable.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules instance/outbox tests/screenshots
