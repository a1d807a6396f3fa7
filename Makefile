# Everyday commands. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.make-install-stamp
# Extra pytest arguments for `make test`, e.g. make test ARGS="-k login -x"
ARGS ?=

.PHONY: help serve test lock lint fmt migrate seed pg-start pg-stop es-start es-stop os-start os-stop ci docker

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(wildcard requirements/*.txt)
	bash -c 'source scripts/lib/python-env.sh && ensure_venv var/logs/pip-install.log'
	@touch $@

serve: ## set up, migrate, seed the demo data and serve on 127.0.0.1:8000
	./scripts/serve.sh

test: ## the whole suite: lint, SQLite run, PostgreSQL + Elasticsearch run
	./scripts/test.sh $(ARGS)

lock: ## pin the dependencies again after a change to pyproject.toml (requirements/)
	./scripts/lock-requirements.sh

lint: $(STAMP) ## ruff, formatting, mypy, import direction, shellcheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/linters/import_direction.py
	@if command -v shellcheck >/dev/null; then shellcheck scripts/*.sh .ci/run; \
	else echo "shellcheck not installed: skipped"; fi

fmt: $(STAMP) ## format and apply safe lint fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP) ## bring the database schema up to date
	$(BIN)/kechuang migrate

seed: $(STAMP) ## load the demo data
	$(BIN)/kechuang seed-demo

pg-start: ## start the test PostgreSQL cluster and print its URL
	./scripts/postgres.sh start

pg-stop: ## stop the test PostgreSQL cluster
	./scripts/postgres.sh stop

es-start: ## start the Elasticsearch test node
	./scripts/es-node.sh start

es-stop: ## stop the Elasticsearch test node
	./scripts/es-node.sh stop

os-start: ## start the OpenSearch test node (port 9250)
	./scripts/os-node.sh start

os-stop: ## stop the OpenSearch test node
	./scripts/os-node.sh stop

ci: ## what CI runs: system packages, then the suite with CI=true
	bash .ci/run

docker: ## build the container image (needs a Docker engine)
	docker build -t kechuang .
