# The README's set-up: `make run` (install + materialize everything) and `make test` (install + the default suite).
# CI (.ci/run) runs `make test`, then `make test-shared`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 3000
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
DBT := $(VENV)/bin/dbt --no-use-colors

export DO_NOT_TRACK := 1
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# The project's own tools first (dagster dev prepares the dbt manifest with the `dbt` it finds on the PATH).
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test test-shared lint site ui setup docs report clean bench ducklake-env

run: setup ## install, then materialize every asset into the warehouse and print a summary
	$(VENV)/bin/aimetrics run

test: setup ## install, then the default suite: everything but the shared engine's tests (two processes, then the serial tests)
	$(VENV)/bin/pytest -n 2 --dist loadgroup -m "not serial and not shared_engine"
	$(VENV)/bin/pytest -m "serial and not shared_engine"

test-shared: setup ducklake-env ## the shared engine's tests (DuckLake, Celery, the Postgres and S3 deployment and its faults): minutes of waiting
	$(VENV)/bin/pytest -n 2 --dist loadgroup -m shared_engine

lint: setup ## ruff over the Python, sqlfluff (dbt templater) over the dbt SQL; both configured in pyproject.toml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/sqlfluff lint --nocolor dbt_project/models dbt_project/tests

site: setup ## the documentation (docs/) as a site in site/, warnings as errors (mkdocs-material)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

ui: setup ## the Dagster UI on 127.0.0.1:$(PORT) (Ctrl-C stops it)
	env --default-signal=INT,TERM $(VENV)/bin/dg dev --host 127.0.0.1 --port $(PORT)

docs: setup ## dbt docs for every table of the published version, served on 127.0.0.1:8080
	cd dbt_project && ../$(DBT) docs generate --profiles-dir . --target published && ../$(DBT) docs serve --profiles-dir . --host 127.0.0.1 --port 8080

REPORT ?= reports/aimetrics.html
report: setup ## write the HTML report from the warehouse to $(REPORT) (make report REPORT=/tmp/report.html)
	$(VENV)/bin/aimetrics report --output $(REPORT)

setup: $(UV) $(DAGSTER_HOME)/dagster.yaml
	$(UV) sync --locked --compile-bytecode --quiet --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')"
	@# parsed for the warehouse a run builds (its absolute path, as runs give it to dbt): dbt parses the whole project
	@# again, 3 s of the first run, when its saved parse state was made with another warehouse path
	cd dbt_project && AIMETRICS_DUCKDB_PATH="$$(../$(VENV)/bin/python -c 'from warehouse.db import warehouse_path; print(warehouse_path())')" \
		../$(DBT) --quiet parse --profiles-dir .

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

bench: setup ducklake-env ## benchmarks against raw DuckDB and the local file (minutes; not part of `make test`)
	$(VENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

# DuckLake cannot be loaded by DuckDB 2.0 here (its extension cannot be downloaded on this network, and PyPI's
# duckdb-ext-* packages are built for DuckDB 1.4.4 only): a second environment pins DuckDB 1.4.4 with that package.
DUCKLAKE_VENV := .venv-ducklake
ducklake-env: setup ## a second environment with DuckDB 1.4.4 and its DuckLake, Postgres and S3 (httpfs) extensions (the shared engine)
	$(UV) venv --quiet --allow-existing --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(DUCKLAKE_VENV)
	$(UV) export --quiet --frozen --no-hashes --no-emit-project --no-default-groups --group scale | grep -v '^duckdb==' > $(DUCKLAKE_VENV)/requirements.txt
	$(UV) pip install --quiet --compile-bytecode --python $(DUCKLAKE_VENV)/bin/python -r $(DUCKLAKE_VENV)/requirements.txt \
		duckdb==1.4.4 duckdb-ext-ducklake==1.4.4.20260205 duckdb-ext-postgres==1.4.4.20260205 duckdb-ext-httpfs==1.4.4.20260205

clean: ## remove the virtualenv, dbt build files and the Dagster home (the warehouse file is kept)
	rm -rf $(VENV) $(DUCKLAKE_VENV) .tools .dagster_home dbt_project/target dbt_project/logs bench-results site
