"""Review in doccano: push pre-annotations, let people correct them, pull the reviews back.

Layers, from the outside in: ``server`` (start/stop a local doccano), ``settings``
(where to connect, with which credentials), ``client`` (our own typed, time-bounded
client for doccano's REST API), ``convert`` (record <-> doccano JSONL, pure), ``push``,
``pull`` and ``status`` (the use cases the CLI calls); ``double`` (a sample two or more reviewers
annotate alone), ``agreement`` (how far they agree, pure) and ``adjudicate`` (their differences as a
review list, and the adjudicator's decisions as reviewed records, pure).
"""
