# wirehouse: `make run` and `make test` are all a user needs; both set up .venv first.
PY      := .venv/bin/python
VENV_OK := .venv/.installed
INPUT   ?= samples
WAREHOUSE ?= out/wirehouse.duckdb
N       ?= 1000
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90
export GX_ANALYTICS_ENABLED := false
unexport PREFECT_API_URL

.DEFAULT_GOAL := help
.PHONY: help setup run test lint score bench deploy-test clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV_OK): requirements.lock pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q -r requirements.lock
	.venv/bin/pip install -q --no-deps -e .
	touch $@

setup: $(VENV_OK) ## create .venv with the pinned dependencies (requirements.lock)

run: $(VENV_OK) ## run the full flow on the bundled samples into out/wirehouse.duckdb
	.venv/bin/wirehouse run --input $(INPUT) --warehouse $(WAREHOUSE)

test: $(VENV_OK) ## run the test suite (what CI runs)
	$(PY) -m pytest

lint: $(VENV_OK) ## ruff check
	.venv/bin/ruff check .

score: run ## score the samples' warehouse against ../shared/gold
	$(PY) ../shared/eval/score.py --warehouse $(WAREHOUSE) --gold ../shared/gold

bench: $(VENV_OK) ## time the flow on a synthetic corpus (N=$(N), default 1000) against a read+regex floor
	.venv/bin/wirehouse bench --articles $(N)

deploy-test: $(VENV_OK) ## deploy prefect.yaml to a throwaway local Prefect server and run it once on a worker
	$(PY) -m pytest -m deployment -s tests/test_deployment.py

clean: ## remove the venv, Prefect home and outputs
	rm -rf .venv .prefect out
