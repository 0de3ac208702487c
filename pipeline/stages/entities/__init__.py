"""Entity pre-labelling: statistical NER plus exact rules, with normalised DATE/PERCENT values.

``components`` registers the spaCy factories the prelabel config names and holds the
components behind them; ``rules`` merges the exact rules (``person_rules``,
``org_rules``, dates, percents) over the model's spans; ``features`` and ``tags`` are
the model's character features and BILUO decoding; ``dates``, ``percent`` and
``numbers`` normalise values; ``lexicon`` reads the word lists in ``data/``.
Training and evaluation live in :mod:`pipeline.train.ner` and :mod:`pipeline.eval.entities`.
"""
