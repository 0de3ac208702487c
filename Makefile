# corpusprep: every target creates the environment it needs on first use.
# `make run` and `make test` are the two commands a new user needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCCANO_VENV := .venv-doccano
DOCCANO_STAMP := $(DOCCANO_VENV)/.installed
DATA ?= ../shared/data/pd1998
INPUT ?= seeds
OUTPUT ?= corpus
WORKERS ?= 1

.PHONY: help setup run test eval eval-seg eval-ner eval-quotes bench show clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: $(STAMP)  ## create .venv from the pinned requirements

run: $(STAMP)  ## run the whole pipeline on seeds/ into corpus/ (and the dataset)
	$(BIN)/corpusprep run --input $(INPUT) --output $(OUTPUT) --workers $(WORKERS)

test: $(STAMP) $(DOCCANO_STAMP)  ## run the test suite (pytest's "no tests" exit 5 counts as failure)
	$(BIN)/python -m pytest -q tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

show: $(STAMP)  ## render corpus/prelabeled.jsonl as HTML with displaCy
	$(BIN)/corpusprep show --input $(OUTPUT)/prelabeled.jsonl --output $(OUTPUT)/prelabeled.html

clean:  ## remove generated corpus artefacts (keeps the environments)
	rm -rf $(OUTPUT)/*.jsonl $(OUTPUT)/*.json $(OUTPUT)/dataset $(OUTPUT)/quarantine

# doccano review: the server lives in its own environment (pydantic 2), created on first use.
DOCCANO_PORT ?= 8000
.PHONY: doccano-up doccano-down
$(DOCCANO_STAMP): requirements-doccano.txt
	test -x $(DOCCANO_VENV)/bin/python || $(PYTHON) -m venv $(DOCCANO_VENV)
	$(DOCCANO_VENV)/bin/pip install -q -r requirements-doccano.txt
	touch $@

doccano-up: $(STAMP) $(DOCCANO_STAMP)  ## start a local doccano on 127.0.0.1:$(DOCCANO_PORT), data in .doccano/
	$(BIN)/corpusprep doccano up --port $(DOCCANO_PORT)

doccano-down: $(STAMP)  ## stop the local doccano (by PID)
	$(BIN)/corpusprep doccano down

.PHONY: export publish
export: $(STAMP)  ## export $(OUTPUT)/prelabeled.jsonl (+ reviewed.jsonl) as a Hugging Face dataset in $(OUTPUT)/dataset
	$(BIN)/corpusprep export --corpus $(OUTPUT) --output $(OUTPUT)/dataset

publish: $(STAMP)  ## push $(OUTPUT)/dataset to the Hub: make publish REPO_ID=you/name (token in HF_TOKEN)
	@test -n "$(REPO_ID)" || { echo "set REPO_ID, e.g. make publish REPO_ID=you/zh-news-quotes"; exit 2; }
	$(BIN)/corpusprep publish --repo-id $(REPO_ID) --dataset $(OUTPUT)/dataset
