# mailtls — the two commands a newcomer needs are `make demo` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
MAILTLS := $(VENV)/bin/mailtls
LAKE    ?= mailtls-demo-lake
STAMP   := $(VENV)/.installed

.PHONY: install test lint e2e screenshot demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,app,dask,report,fuzz]'
	touch $(STAMP)

## test: the full offline suite (no network, no root, no servers), one worker per core
test: install
	$(PY) -m pytest -n auto

## lint: ruff (format + check) and mypy strict on parsers/ and pipeline/
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## e2e: system tiers — real Postfix/Dovecot/OpenSMTPD on loopback, a real browser, and a
## coverage-guided fuzz run of the parsers (atheris, ATHERIS_SECONDS per target, default 60).
## Installs Debian packages and builds OpenSMTPD from Debian's source (cached) when run as root.
e2e: install
	@if [ "$$(id -u)" = 0 ]; then bash .ci/e2e-deps.sh chromium && bash lab/opensmtpd.sh build; else echo "not root: using the Debian packages already installed"; fi
	$(PY) -m pytest -m "e2e or slow" -p no:cacheprovider

## screenshot: refresh docs/dashboard.png for the README (the browser test, saving its image)
screenshot: install
	MAILTLS_SCREENSHOT=$(CURDIR)/docs/dashboard.png $(PY) -m pytest -m e2e -p no:cacheprovider tests/e2e/test_dashboard_browser.py

## demo: ingest sample_data/, print the report, start the dashboard (Ctrl-C stops it)
demo: install
	$(MAILTLS) demo --lake $(LAKE)

## bench: throughput and memory figures (prints them; never a pass/fail timing)
bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) $(LAKE) .pytest_cache .mypy_cache .ruff_cache
