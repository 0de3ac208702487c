"""Entity pre-labelling: statistical NER plus exact rules, with normalised DATE/PERCENT values.

Modules: ``text`` (width folding shared by training and inference), ``corpus``
(pd1998 JSONL -> spaCy DocBin), ``dates`` and ``percent`` (value normalisers),
``rules`` (patterns, gazetteer, bylines, enumerations, title contexts),
``evaluate`` (exact-span P/R/F1 and the jieba baseline).
"""
