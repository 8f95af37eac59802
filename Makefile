# Two commands for a newcomer: `make demo` runs the product, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev browser migrate bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --scale small
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian packages the tests need, installed once by `make browser` (which `make test` depends on; CI
# runs it alone before its parallel passes, since two apt-get runs would fight over dpkg's lock).
# Chromium and a CJK font for browser tests (never `playwright install`).
# chromium-l10n: without it Chromium draws native widgets in English even in a zh-CN context.
BROWSER_PACKAGES := chromium chromium-l10n fonts-wqy-microhei
# LibreOffice without a GUI renders the Word bulletin to PDF in its layout test; poppler's pdftoppm draws
# page 1 as a PNG for people to look at (var/test-output/).
DOC_PACKAGES := libreoffice-writer-nogui poppler-utils
TEST_PACKAGES := $(BROWSER_PACKAGES) $(DOC_PACKAGES)
browser:
	@installed=$$(dpkg-query -W -f='$${db:Status-Status}\n' $(TEST_PACKAGES) 2>/dev/null | grep -c '^installed$$'); \
	[ "$$installed" -eq $(words $(TEST_PACKAGES)) ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES))

# var/ holds the embedded database and test media; a fresh clone has none.
test: install-dev browser
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf var .pytest_cache

# Province-scale benchmark (see README "Benchmarks"); use PostgreSQL and Redis for real figures.
# BENCH_SMALL_DATABASE_URL (optional): a second database, seeded at --scale small, for the queries-per-request figure.
bench: install-dev
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --scale province --history 5
	@if [ -n "$(BENCH_SMALL_DATABASE_URL)" ]; then \
		DATABASE_URL=$(BENCH_SMALL_DATABASE_URL) $(PY) manage.py migrate --noinput && \
		DATABASE_URL=$(BENCH_SMALL_DATABASE_URL) $(PY) manage.py seed_demo --scale small; fi
	$(PY) -m bench.run $(BENCH_ARGS)
