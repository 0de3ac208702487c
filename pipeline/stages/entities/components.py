"""The spaCy components behind the ``entity_rules`` and ``entity_values`` factories.

``span._.rule`` says what made each entity (``Entity.rule``: ``model``, a rule's name, or
``model+adjustment``); a span no rule component saw is the model's.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span

from pipeline.core.schema import load_schema
from pipeline.core.text import doc_text
from pipeline.stages.entities.dates import date_values_in_text, parse_issue_date
from pipeline.stages.entities.lexicon import Entity
from pipeline.stages.entities.percent import percent_value
from pipeline.stages.entities.rules import merge_entities

if not Span.has_extension("rule"):
    Span.set_extension("rule", default="model")


class EntityRules:
    """Replace ``doc.ents`` by the merge of exact rules and the model's entities.

    ``persons`` and ``orgs``: names reviewers taught (a learnt model's lexicon), found as rules.
    """

    def __init__(
        self, labels: Sequence[str] | None = None, persons: frozenset[str] = frozenset(), orgs: frozenset[str] = frozenset()
    ) -> None:
        self.labels = list(labels) if labels else load_schema().entity_labels
        self.persons, self.orgs = persons, orgs

    def __call__(self, doc: Doc) -> Doc:
        model = [Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]
        merged = merge_entities(
            doc_text(doc), model, doc._.meta, self.labels, doc._.word_spans, self.persons, self.orgs
        )
        spans = [(doc.char_span(e.start, e.end, label=e.label, alignment_mode="expand"), e.rule) for e in merged]
        kept, last_end = [], -1
        for span, rule in spans:  # expansion to token bounds can make neighbours touch: keep the first
            if span is not None and span.start >= last_end:
                span._.rule = rule
                kept.append(span)
                last_end = span.end
        doc.ents = kept
        return doc


class EntityValues:
    """Set ``span._.value`` on DATE and PERCENT entities.

    DATE values are read together, each in its sentence: 11月 after 1997年8月 is 1997-11,
    a month inside 《…》 is part of a title.
    """

    def __call__(self, doc: Doc) -> Doc:
        issue_date = parse_issue_date((doc._.meta or {}).get("date"))
        dates = [ent for ent in doc.ents if ent.label_ == "DATE"]
        spans = [(ent.start_char, ent.end_char) for ent in dates]
        for ent, value in zip(dates, date_values_in_text(doc_text(doc), spans, issue_date), strict=True):
            ent._.value = value
        for ent in doc.ents:
            if ent.label_ == "PERCENT":
                ent._.value = percent_value(ent.text)
        return doc
