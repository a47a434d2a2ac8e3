# One-command set-up: `make run` serves the app, `make test` runs the suite, `make bench` measures.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
# Placard QR codes point at the address actually served.
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

# A Python >= 3.12: first on PATH, then pyenv's versions.
PYTHON_312 := $(shell for p in python3.14 python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: venv run worker beat test lint bench migrate clean security loadtest

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON_312)" ]; then echo "需要 Python 3.12 或更新版本 (Python >= 3.12 is required): install one, e.g. 'pyenv install 3.12', and re-run." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON_312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py serve $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A zhifu_reopen worker -l info

beat: venv
	$(VENV)/bin/celery -A zhifu_reopen beat -l info

test: venv
	ZHIFU_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# issue 13: the security gate of .ci/run (bandit, semgrep's local rules, pip-audit) and the load test.
security: venv
	$(PY) .ci/security.py

# Locust headless against gunicorn (2 workers), PostgreSQL, Redis and a Celery worker: bench/load.json.
# LOAD_ARGS="--steps 5,10,20 --step-seconds 30"; SOAK=2h for the soak (by hand, not in CI).
loadtest: venv
	ZHIFU_TESTING=1 $(PY) -m bench.loadtest $(if $(SOAK),--soak $(SOAK)) $(LOAD_ARGS)

bench: venv
	ZHIFU_TESTING=1 $(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles artifacts
