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

.PHONY: help setup setup-ray system-deps run run-ray test test-fast lint check-wheels eval eval-seg eval-ner eval-quotes eval-tagger eval-ocr eval-reading ocr-pages bench show clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: $(STAMP)  ## create .venv from the pinned requirements

# The ray extra (pyproject.toml), pinned with what it needs in requirements-ray.txt: for `--engine ray`.
RAY_STAMP := $(VENV)/.installed-ray
$(RAY_STAMP): $(STAMP) requirements-ray.txt
	$(BIN)/pip install -q -r requirements-ray.txt
	touch $@

setup-ray: $(RAY_STAMP)  ## add Ray (the ray extra, requirements-ray.txt) to .venv for `corpusprep run --engine ray`

# Debian packages the tests need: chromium renders `corpusprep show`'s page (tests/test_show.py);
# tesseract with its Simplified Chinese data and the Noto CJK fonts are for the OCR tests (and give
# chromium Chinese glyphs). Installs only what is missing, so a second run does nothing; needs root
# (CI runs as root), otherwise sudo.
SYSTEM_PACKAGES ?= chromium tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk
system-deps:  ## install the Debian packages the tests need (chromium, tesseract, CJK fonts), if missing
	@missing=$$(for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$package 2>/dev/null | grep -q '^install ok installed$$' || echo $$package; \
	done); \
	if [ -z "$$missing" ]; then echo "system packages already installed: $(SYSTEM_PACKAGES)"; exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then as_root=; else as_root=sudo; fi; \
	echo "installing:" $$missing; \
	$$as_root apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$as_root apt-get install -y -q --no-install-recommends $$missing

run: $(STAMP)  ## run the whole pipeline on seeds/ into corpus/ (and the dataset)
	$(BIN)/corpusprep run --input $(INPUT) --output $(OUTPUT) --workers $(WORKERS)

# On the cluster at RAY_ADDRESS (one actor per CPU of the cluster), else on a local Ray with WORKERS CPUs.
run-ray: $(RAY_STAMP)  ## the same run on Ray Data (local Ray, or the cluster at RAY_ADDRESS): shards in $(OUTPUT)/shards/
	$(BIN)/corpusprep run --engine ray --input $(INPUT) --output $(OUTPUT) $(if $(RAY_ADDRESS),,--workers $(WORKERS))

test: $(STAMP) $(DOCCANO_STAMP)  ## run the test suite (pytest's "no tests" exit 5 counts as failure)
	$(BIN)/python -m pytest -q tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-fast: $(STAMP)  ## the edit-test loop (about a minute): no doccano server, no whole chains, no training
	$(BIN)/python -m pytest -q tests -m "not doccano and not slow"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

lint: $(STAMP)  ## ruff on pipeline/ and tests/ (rules in pyproject.toml); CI runs it beside the tests
	$(BIN)/ruff check pipeline tests

check-wheels: | $(STAMP)  ## ask PyPI whether every pin in requirements.txt has a wheel for Python 3.10, 3.11 and 3.12 (not in `make test`: needs the network)
	$(BIN)/python tests/check_wheels.py

eval: eval-seg eval-ner eval-quotes eval-tagger  ## all quality figures on the development data

show: $(STAMP)  ## render $(OUTPUT)/prelabeled.jsonl as review pages: $(OUTPUT)/prelabeled.html and prelabeled_pages/
	$(BIN)/corpusprep show --input $(OUTPUT)/prelabeled.jsonl

clean:  ## remove generated corpus artefacts (keeps the environments)
	rm -rf $(OUTPUT)/*.jsonl $(OUTPUT)/*.json $(OUTPUT)/*.html $(OUTPUT)/*_pages $(OUTPUT)/dataset $(OUTPUT)/quarantine

BENCH_SCALE ?= 1
BENCH_REPEATS ?= 3
bench: $(STAMP)  ## measure stages, chain (1 worker: median of BENCH_REPEATS runs) and baselines into corpus/bench.json (BENCH_SCALE=10: 10x workload)
	$(BIN)/corpusprep bench --data $(DATA) --scale $(BENCH_SCALE) --repeats $(BENCH_REPEATS) --output $(OUTPUT)/bench.json

.PHONY: export publish
export: $(STAMP)  ## export $(OUTPUT)/prelabeled.jsonl (+ reviewed.jsonl) as a Hugging Face dataset in $(OUTPUT)/dataset
	$(BIN)/corpusprep export --corpus $(OUTPUT) --output $(OUTPUT)/dataset

publish: $(STAMP)  ## push $(OUTPUT)/dataset to the Hub: make publish REPO_ID=you/name (token: HF_TOKEN or `hf auth login`)
	@test -n "$(REPO_ID)" || { echo "set REPO_ID, e.g. make publish REPO_ID=you/zh-news-quotes"; exit 2; }
	$(BIN)/corpusprep publish --repo-id $(REPO_ID) --dataset $(OUTPUT)/dataset

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

# --- entities ---------------------------------------------------------------------------
NER_WORK ?= /tmp/corpusprep-ner
NER_MODEL := pipeline/models/ner
NER_STEPS ?= 6000
.PHONY: train-ner entity-lists learning-curve eval-ner-jackknife

NER_RENAMED_COPIES ?= 1

# Training paragraphs with their people renamed (pipeline/train/ner/augment.py).
$(NER_WORK)/renamed.jsonl: $(DATA)/train.jsonl pipeline/train/ner/augment.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.augment $(DATA)/train.jsonl $@ --copies $(NER_RENAMED_COPIES)

# Train and dev as whole articles, as corpusprep run reads them (pipeline/train/ner/articles.py).
$(NER_WORK)/train_articles.jsonl: $(DATA)/train.jsonl $(NER_WORK)/renamed.jsonl pipeline/train/ner/articles.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.articles $(DATA)/train.jsonl $(NER_WORK)/renamed.jsonl $@

$(NER_WORK)/dev_articles.jsonl: $(DATA)/dev.jsonl pipeline/train/ner/articles.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.articles $(DATA)/dev.jsonl $@

# Other labelled corpora, as our guidelines would label them, with what they leave unannotated marked unknown
# (pipeline/train/ner/external.py); NER_EXTERNAL= (empty) trains on pd1998 alone. The DATE and PERCENT spans
# marked unknown include what the model shipped at the time finds (the 2026-12-06 model was trained with
# the pd1998-only model doing this; NER_UNKNOWN_MODEL=DIR to use another).
NER_UNKNOWN_MODEL ?= $(NER_MODEL)
NER_EXTERNAL ?= msra cluener boson
$(NER_WORK)/external.jsonl: pipeline/train/ner/external.py $(foreach c,$(NER_EXTERNAL),$(DATA)/../$(c)/train.jsonl) | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.external --unknown-from-model $(NER_UNKNOWN_MODEL) $@ $(foreach c,$(NER_EXTERNAL),$(c)=$(DATA)/../$(c)/train.jsonl)

$(NER_WORK)/pd1998.spacy $(NER_WORK)/dev.spacy &: $(NER_WORK)/train_articles.jsonl $(NER_WORK)/dev_articles.jsonl pipeline/train/ner/corpus.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.corpus $(NER_WORK)/train_articles.jsonl $(NER_WORK)/pd1998.spacy $(NER_WORK)/dev_articles.jsonl $(NER_WORK)/dev.spacy

$(NER_WORK)/external.spacy: $(NER_WORK)/external.jsonl pipeline/train/ner/corpus.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.corpus $< $@

NER_TRAIN_DOCBINS = $(NER_WORK)/pd1998.spacy $(if $(strip $(NER_EXTERNAL)),$(NER_WORK)/external.spacy) \
  $(if $(filter-out 0,$(NER_SILVER_ARTICLES)),$(NER_WORK)/silver-$(NER_SILVER_ARTICLES).spacy)

$(NER_WORK)/jackknife/cuts.jsonl: $(DATA)/train.jsonl $(DATA)/train_seg.txt $(NER_WORK)/train_articles.jsonl pipeline/train/ner/jackknife.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.jackknife $(DATA)/train.jsonl $(DATA)/train_seg.txt $(DATA)/dev_seg.txt $(NER_WORK)/jackknife $(NER_WORK)/train_articles.jsonl

# Pretraining the encoder on unlabelled modern news (pipeline/train/ner/pretrain.py, which also registers the
# components: ner_train.cfg names its reader and objective, so it is the --code of every spacy command on that
# config): the texts of modern_news_more (never the 4,000-article sample the modern development sets come from)
# in sentence pieces with the shipped segmenter's words, then `spacy pretrain` (hidden characters predicted from
# their context). `make train-ner NER_INIT_TOK2VEC=$(NER_WORK)/pretrain/model-last.bin` starts from those weights.
NER_PRETRAIN_TEXT ?= $(DATA)/../modern_news/modern_news_more.jsonl.xz
NER_PRETRAIN_EPOCHS ?= 1
NER_INIT_TOK2VEC ?=
.PHONY: pretrain-ner
$(NER_WORK)/pretrain_text.jsonl: $(NER_PRETRAIN_TEXT) pipeline/train/ner/pretrain.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.pretrain $@ $(NER_PRETRAIN_TEXT)

pretrain-ner: $(NER_WORK)/pretrain_text.jsonl  ## pretrain the NER encoder on unlabelled modern news (spacy pretrain, characters); a training input, never shipped
	rm -rf $(NER_WORK)/pretrain
	$(BIN)/python -m spacy pretrain pipeline/configs/ner_train.cfg $(NER_WORK)/pretrain --code pipeline/train/ner/pretrain.py \
	  --paths.raw_text $< --pretraining.max_epochs $(NER_PRETRAIN_EPOCHS)

# Self-training (pipeline/train/ner/silver.py): NER_SILVER_ARTICLES articles of NER_SILVER_TEXT (by default
# modern_news_more, never the 4,000-article sample the modern gold sets come from; or a user's own archive),
# labelled by the shipped pre-labeller, model and rules (NER_SILVER_MODEL=DIR for another model), trained on as
# one more corpus; 0 (the default, how the shipped model was trained) trains without them. Measured in
# pipeline/models/ner/MODEL_CARD.md, "Self-training on modern news": a gain on news of the silver's own
# time, a loss on CLUENER's, so not shipped.
NER_SILVER_ARTICLES ?= 0
NER_SILVER_MODEL ?= $(NER_MODEL)
NER_SILVER_TEXT ?= $(NER_PRETRAIN_TEXT)
$(NER_WORK)/silver-$(NER_SILVER_ARTICLES).jsonl: $(NER_SILVER_TEXT) pipeline/train/ner/silver.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.silver $@ $(NER_SILVER_TEXT) --articles $(NER_SILVER_ARTICLES) --model $(NER_SILVER_MODEL)

$(NER_WORK)/silver-$(NER_SILVER_ARTICLES).spacy: $(NER_WORK)/silver-$(NER_SILVER_ARTICLES).jsonl pipeline/train/ner/corpus.py | $(STAMP)
	$(BIN)/python -m pipeline.train.ner.corpus $< $@

train-ner: $(NER_TRAIN_DOCBINS) $(NER_WORK)/dev.spacy $(NER_WORK)/jackknife/cuts.jsonl  ## train the NER tagger on pd1998 articles + renamed copies and MSRA/CLUENER/Boson (jackknifed pkuseg cuts, spacy train) and ship model-best
	rm -rf $(NER_WORK)/train && mkdir -p $(NER_WORK)/train && ln -s $(abspath $(NER_TRAIN_DOCBINS)) $(NER_WORK)/train/
	$(BIN)/python -m spacy train pipeline/configs/ner_train.cfg --code pipeline/train/ner/pretrain.py \
	  --output $(NER_WORK)/output --paths.train $(NER_WORK)/train --paths.dev $(NER_WORK)/dev.spacy \
	  --paths.cuts $(NER_WORK)/jackknife/cuts.jsonl --training.max_steps $(NER_STEPS) \
	  $(if $(NER_INIT_TOK2VEC),--paths.init_tok2vec $(NER_INIT_TOK2VEC))
	$(BIN)/python -m pipeline.train.ner.ship $(NER_WORK)/output/model-best $(NER_MODEL)

entity-lists: $(STAMP)  ## derive the entity rules' word lists from pd1998 train (transliteration characters, common words, time words)
	$(BIN)/python -m pipeline.train.word_lists.transliteration $(DATA)/train.jsonl
	$(BIN)/python -m pipeline.train.word_lists.common_words $(DATA)/train_seg.txt $(DATA)/train.jsonl \
	  --named-in $(foreach c,$(NER_EXTERNAL),$(DATA)/../$(c)/train.jsonl)
	$(BIN)/python -m pipeline.train.word_lists.time_words $(DATA)/train.jsonl

# The entity rules on text they were not written from: pd1998 train, each half (issue days 1-7, 8-15)
# labelled by a model trained as train-ner trains, on the other half and the other corpora, for
# NER_JACKKNIFE_STEPS steps (pipeline/train/ner/halves.py). Once built, eval-ner puts their per-rule
# precision beside the other sets'.
NER_JACKKNIFE_STEPS ?= 4000
NER_JK := $(NER_WORK)/jackknife-ner
# Each half is also cut by the pkuseg model trained on the other half (made for the NER's training cuts): the
# shipped segmenter learnt all of train and cuts it almost perfectly, which would flatter rules that read words.
NER_JK_SEG = $(NER_WORK)/jackknife/pkuseg_
NER_JK_PAIRS = $(if $(wildcard $(NER_JK)/.built),--jackknife $(NER_JK)/train_a.jsonl=$(NER_JK)/model_without_a$(if $(wildcard $(NER_JK_SEG)b/meta.json),=$(NER_JK_SEG)b) \
  --jackknife $(NER_JK)/train_b.jsonl=$(NER_JK)/model_without_b$(if $(wildcard $(NER_JK_SEG)a/meta.json),=$(NER_JK_SEG)a))

$(NER_JK)/.built: $(NER_WORK)/train_articles.jsonl $(NER_TRAIN_DOCBINS) $(NER_WORK)/dev.spacy $(NER_WORK)/jackknife/cuts.jsonl pipeline/train/ner/halves.py
	$(BIN)/python -m pipeline.train.ner.halves $(NER_WORK)/train_articles.jsonl $(DATA)/train.jsonl $(NER_JK)
	$(BIN)/python -m pipeline.train.ner.corpus $(NER_JK)/articles_a.jsonl $(NER_JK)/a.spacy $(NER_JK)/articles_b.jsonl $(NER_JK)/b.spacy
	for half in a b; do other=$$( [ $$half = a ] && echo b || echo a ); \
	  rm -rf $(NER_JK)/train_without_$$half && mkdir -p $(NER_JK)/train_without_$$half && \
	  ln -s $(abspath $(NER_JK))/$$other.spacy $(if $(strip $(NER_EXTERNAL)),$(abspath $(NER_WORK)/external.spacy)) $(NER_JK)/train_without_$$half/ && \
	  $(BIN)/python -m spacy train pipeline/configs/ner_train.cfg --code pipeline/train/ner/pretrain.py \
	    --output $(NER_JK)/output_without_$$half --paths.train $(NER_JK)/train_without_$$half --paths.dev $(NER_WORK)/dev.spacy \
	    --paths.cuts $(NER_WORK)/jackknife/cuts.jsonl --training.max_steps $(NER_JACKKNIFE_STEPS) && \
	  $(BIN)/python -m pipeline.train.ner.ship $(NER_JK)/output_without_$$half/model-best $(NER_JK)/model_without_$$half || exit 1; done
	touch $@

# The modern gold sets with their texts joined from modern_news.jsonl (stand-off gold; hashes checked).
MODERN_GOLD := build/gold/modern_dev/ner_modern_dev.jsonl build/gold/modern_dev/ner_modern_more.jsonl
build/gold/modern_dev/ner_modern_%.jsonl: annotation_schema/gold/ner_modern_%.jsonl $(DATA)/../modern_news/modern_news.jsonl pipeline/eval/modern_gold.py | $(STAMP)
	mkdir -p $(@D)
	$(BIN)/python -m pipeline.eval.modern_gold materialise $< $(DATA)/../modern_news/modern_news.jsonl $@

eval-ner: $(STAMP) $(MODERN_GOLD) build/gold/modern_dev/ner_modern_sports.jsonl  ## P/R/F1 per label (prelabel, model only, jieba baseline) on pd1998 dev, the seed, the three modern sets (42 + 30 + 72 sports articles) and CLUENER dev, side by side; precision per rule on each (and on pd1998 train once eval-ner-jackknife has run)
	$(BIN)/python -m pipeline.eval.entities $(NER_JK_PAIRS) $(DATA)/dev.jsonl annotation_schema/gold/ner_modern.jsonl \
	  build/gold/modern_dev/ner_modern_dev.jsonl build/gold/modern_dev/ner_modern_more.jsonl \
	  build/gold/modern_dev/ner_modern_sports.jsonl $(DATA)/../cluener/dev.jsonl:PERSON,ORG

eval-ner-jackknife: $(NER_JK)/.built  ## train the two half models (pd1998 train days 1-7 / 8-15; 40 min for both on 2 busy cores), then eval-ner with the rules' precision on pd1998 train
	$(MAKE) eval-ner

# Learning from reviews, simulated: F1 after learning from 0, 10, 25 and 50 gold modern articles,
# 4-fold over 72 articles annotated by hand, so that a fold can learn from 50 (pipeline/train/learn/curve.py):
# the 42 of the modern development set with 30 more (annotation_schema/gold/modern_more/), then the
# 72 sports articles (annotation_schema/gold/modern_sports/).
LEARN_SIZES ?= 0,10,25,50
LEARN_FOLDS ?= 4
LEARN_REHEARSAL ?= gold
# What learns: learn (what `corpusprep learn` writes, its keep-if-better choice included), both (new weights
# and lexicon always), model (the model alone) or lexicon (the rules' learnt word lists alone).
LEARN_WHAT ?= learn
# Other learning settings, passed through: e.g. LEARN_ARGS="--epochs 2 --rehearsal-ratio 2".
LEARN_ARGS ?=
# The curve is measured twice: on the 72 articles drawn across all six channels, and on 72 articles of one
# section (sports, the same weeks of 2018; annotation_schema/gold/modern_sports/), where, as in a user's own
# paper, the people of one review come back in the next.
LEARN_SETS ?= build/gold/modern_dev/ner_modern_72.jsonl build/gold/modern_dev/ner_modern_sports.jsonl
learning-curve: $(STAMP) $(MODERN_GOLD) build/gold/modern_dev/ner_modern_sports.jsonl  ## micro and per-label F1 after learning from 0/10/25/50 reviewed modern articles (k-fold, simulated reviews), on the mixed and the sports set
	cat $(MODERN_GOLD) > build/gold/modern_dev/ner_modern_72.jsonl
	for gold in $(LEARN_SETS); do echo "== $$gold"; \
	  $(BIN)/python -m pipeline.train.learn.curve $$gold --sizes $(LEARN_SIZES) \
	  --folds $(LEARN_FOLDS) --rehearsal $(LEARN_REHEARSAL) --rehearsal-data $(DATA)/train.jsonl \
	  --unlabelled $(DATA)/../modern_news/modern_news.jsonl --learn $(LEARN_WHAT) $(LEARN_ARGS) || exit 1; done

# Real OCR pages: articles from pd1998 dev and the modern news sample typeset in CJK fonts and read back
# by Tesseract (--psm 3 and 6), NAME.txt + NAME.json each (tests/fixtures/ocr/make_ocr_fixtures.py).
# The development set (seed 1) is what the page reading is tuned on; the held-out set (seed 2, other
# articles, fonts and papers) is only scored. Needs Pillow, tesseract-ocr(-chi-sim) and the fonts
# (fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk).
OCR_DEV ?= build/ocr_dev
OCR_HELDOUT ?= build/ocr_heldout
OCR_GENERATOR := tests/fixtures/ocr/make_ocr_fixtures.py
.PHONY: ocr-pages eval-ocr
$(OCR_DEV)/.built: $(OCR_GENERATOR) | $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python $(OCR_GENERATOR) --set dev --out $(OCR_DEV) --data $(DATA)/..
	touch $@

$(OCR_HELDOUT)/.built: $(OCR_GENERATOR) | $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python $(OCR_GENERATOR) --set heldout --out $(OCR_HELDOUT) --data $(DATA)/..
	touch $@

ocr-pages: $(OCR_DEV)/.built $(OCR_HELDOUT)/.built  ## typeset and OCR the development (64 pages, each read with --psm 3 and 6) and held-out (20 pages) sets into build/

eval-ocr: ocr-pages  ## page reading on the OCR page sets: paragraph-boundary P/R/F1, text similarity, metadata, furniture leaks, fragments
	$(BIN)/python -m pipeline.eval.ocr $(OCR_DEV) $(OCR_HELDOUT)

eval-reading: $(STAMP)  ## the page reading on the benchmark's synthetic scans (2,012 pd1998 articles typeset in 1-3 columns) against the paragraphs they were typeset from
	$(BIN)/python -c "from pathlib import Path; from pipeline.eval.bench.workload import build_workload; build_workload(Path('$(DATA)'), Path('build/bench/scale-1'))"
	$(BIN)/python -m pipeline.eval.synthetic_reading build/bench/scale-1/scans --data $(DATA)

eval-quotes: $(STAMP)  ## quote attribution P/R/F1, slogans taken for speech and precision per rule: quote development set (1998 and modern halves), old gold, seed
	mkdir -p build/gold
	$(BIN)/python -m pipeline.eval.quote_gold materialise annotation_schema/gold/quotes_dev.jsonl \
	  $(DATA)/dev.jsonl $(DATA)/../modern_news/modern_news.jsonl build/gold/quotes_dev.jsonl
	$(BIN)/python -m pipeline.eval.quotes build/gold/quotes_dev.jsonl annotation_schema/gold/quotes_gold.jsonl

# Word segmentation model (pkuseg, trained here on People's Daily 1998; see pipeline/models/pkuseg/MODEL_CARD.md).
SEG_MODEL ?= pipeline/models/pkuseg
SEG_ITERATIONS ?= 20
SEG_MIN_WEIGHT ?= 0.02
SEG_QUANTISE ?= int8
SEG_MERGE_MIN_COUNT ?= 1
.PHONY: train-segmenter
train-segmenter: $(STAMP)  ## train the shipped pkuseg model on $(DATA)/train_seg.txt (tens of minutes), score on dev
	$(BIN)/corpusprep segmenter train --train $(DATA)/train_seg.txt --dev $(DATA)/dev_seg.txt --out $(SEG_MODEL) \
		--iterations $(SEG_ITERATIONS) --min-weight $(SEG_MIN_WEIGHT) --quantise $(SEG_QUANTISE) \
		--merge-min-count $(SEG_MERGE_MIN_COUNT)

eval-seg: $(STAMP)  ## word P/R/F1 (SIGHAN) and chars/s of the shipped segmenter on $(DATA)/dev_seg.txt
	$(BIN)/corpusprep segmenter evaluate $(DATA)/dev_seg.txt

# Part-of-speech tagger (spaCy tok2vec + tagger over words already cut, PKU tags; used on demand through
# pipeline/core/pos.py, never on every word of the chain; see pipeline/models/tagger/MODEL_CARD.md).
TAGGER_WORK ?= /tmp/corpusprep-tagger
TAGGER_MODEL := pipeline/models/tagger
TAGGER_STEPS ?= 8000
.PHONY: train-tagger

$(TAGGER_WORK)/train.spacy $(TAGGER_WORK)/dev.spacy &: $(DATA)/train_pos.txt $(DATA)/dev_pos.txt pipeline/train/pos.py | $(STAMP)
	$(BIN)/python -m pipeline.train.pos convert $(DATA)/train_pos.txt $(TAGGER_WORK)/train.spacy $(DATA)/dev_pos.txt $(TAGGER_WORK)/dev.spacy

train-tagger: $(TAGGER_WORK)/train.spacy $(TAGGER_WORK)/dev.spacy  ## train the part-of-speech tagger on $(DATA)/train_pos.txt (gold words, spacy train, best by dev accuracy) and ship model-best
	$(BIN)/python -m spacy train pipeline/configs/tagger_train.cfg --code pipeline/core/pos.py \
	  --output $(TAGGER_WORK)/output --paths.train $(TAGGER_WORK)/train.spacy --paths.dev $(TAGGER_WORK)/dev.spacy \
	  --training.max_steps $(TAGGER_STEPS)
	$(BIN)/python -m pipeline.train.pos ship $(TAGGER_WORK)/output/model-best $(TAGGER_MODEL)

eval-tagger: $(STAMP)  ## part-of-speech accuracy on $(DATA)/dev_pos.txt (gold words and the segmenter's words; overall and the quote attributor's tags) and words/CPU-s
	$(BIN)/python -m pipeline.eval.pos $(DATA)/dev_pos.txt
