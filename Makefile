# Expo Portal: `make run` serves the portal with demo data; `make test` runs the tests.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format e2e demo clean bench messages

$(VENV)/.installed: pyproject.toml
	@command -v python$(PYTHON_VERSION) >/dev/null 2>&1 || python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "Expo Portal needs Python $(PYTHON_VERSION) or at least 3.12 (Django 6.1)."; \
	  echo "Install it (e.g. 'pyenv install $(PYTHON_VERSION)' or your system's python$(PYTHON_VERSION) package) and retry."; exit 1; }
	@PYBIN=$$(command -v python$(PYTHON_VERSION) || command -v python3); \
	  $$PYBIN -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "$$PYBIN is older than 3.12; install Python $(PYTHON_VERSION)."; exit 1; }; \
	  test -x $(PY) || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo

test: install
	$(PY) -m pytest -q

# Browser tests: Playwright drives the system's Chromium (playwright cannot download browsers here);
# axe-core comes from npm; fonts-noto-cjk draws the Chinese pages. Screenshots land in artifacts/screenshots/, axe results in artifacts/axe/.
CHROMIUM ?= /usr/bin/chromium
$(VENV)/.installed-e2e: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,e2e]"
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Without a CJK font Chromium draws Chinese as boxes, so the Chinese screenshots would show nothing.
E2E_PACKAGES := chromium fonts-noto-cjk
e2e: $(VENV)/.installed-e2e node_modules/.package-lock.json
	@{ test -x $(CHROMIUM) && fc-list :lang=zh family | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y $(E2E_PACKAGES) >/dev/null || { apt-get update >/dev/null && apt-get install -y $(E2E_PACKAGES) >/dev/null; }; \
	  else echo "Chromium or a Chinese font is missing: run 'sudo apt-get install -y $(E2E_PACKAGES)' (or set CHROMIUM=/path/to/chromium)."; exit 1; fi; }
	rm -rf artifacts/screenshots artifacts/axe
	E2E_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -rxsR --reruns 1 -m e2e tests/e2e --output artifacts/playwright --screenshot only-on-failure

# The long fuzzing run (thousands of hostile requests per test); the short one runs in `make test`.
.PHONY: fuzz
fuzz: install
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q tests/expoportal/test_fuzz.py

# The portal behind nginx proxy_cache on two gunicorn servers sharing PostgreSQL and Redis database 11
# (tests/expoportal/test_reverse_proxy.py, deploy/nginx.conf.example): needs nginx, PostgreSQL and Redis.
REVERSE_PROXY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/expoportal
.PHONY: test-reverse-proxy
test-reverse-proxy: install
	DATABASE_URL=$(REVERSE_PROXY_DATABASE_URL) $(PY) -m pytest -q -rs -m reverse_proxy tests/expoportal/test_reverse_proxy.py

# Translations: refresh the catalog from the code and templates, then compile it. Fill in the new
# msgstr lines of locale/zh_Hans/LC_MESSAGES/django.po and run it again; commit the .po and the .mo.
MESSAGE_FLAGS := --ignore='tests/*' --ignore='bench/*' --ignore='staticfiles/*' --ignore='$(VENV)/*'
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --add-location=file --no-obsolete $(MESSAGE_FLAGS)
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans $(MESSAGE_FLAGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmark (bench/README.md): make bench, make bench N=1000000, make bench DB=both BENCH_ARGS="--duration 10"
N ?= 100000
DB ?= sqlite
bench: install
	$(PY) -m bench --sizes $(N) --database $(DB) $(BENCH_ARGS)

# Bounded load test (bench/README.md): CLIENTS concurrent clients for DURATION seconds across the public
# pages, gunicorn with production settings on loopback; fails if any request fails.
CLIENTS ?= 16
DURATION ?= 30
.PHONY: loadtest
loadtest: install
	$(PY) -m bench.loadtest --n $(N) --clients $(CLIENTS) --duration $(DURATION) $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules artifacts
