"""Entity pre-labelling: statistical NER plus exact rules, with normalised DATE/PERCENT values.

Modules: ``text`` (width folding shared by training and inference), ``features``
(character-bigram feature for the model), ``tags`` (the BILUO character tagger's
well-formed decoding and tags -> entities), ``corpus`` (pd1998 JSONL -> spaCy DocBin),
``ship`` (model-best -> package), ``numbers``, ``dates`` and ``percent`` (value
normalisers), ``rules`` (patterns, gazetteer, bylines, enumerations, title contexts),
``components`` (the spaCy components behind the factories), ``evaluate`` (exact-span
P/R/F1 and the jieba baseline).
"""
