"""The spaCy components behind the ``entity_rules`` and ``entity_values`` factories.

``span._.rule`` says what made each entity (``Entity.rule``: ``model``, a rule's name, or
``model+adjustment``); a span no rule component saw is the model's.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span

from pipeline.core.schema import load_schema
from pipeline.core.text import doc_text
from pipeline.stages.entities.dates import parse_issue_date
from pipeline.stages.entities.lexicon import Entity
from pipeline.stages.entities.rules import merge_entities
from pipeline.stages.entities.values import VALUED_LABELS, entity_values

if not Span.has_extension("rule"):
    Span.set_extension("rule", default="model")


class EntityRules:
    """Replace ``doc.ents`` by the merge of exact rules and the model's entities.

    ``persons`` and ``orgs``: names reviewers taught (a learnt model's lexicon), found as rules;
    ``rejected``: per label, names reviewers took away, never labelled so.
    """

    def __init__(
        self, labels: Sequence[str] | None = None, persons: frozenset[str] = frozenset(), orgs: frozenset[str] = frozenset(),
        rejected: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.labels = list(labels) if labels else load_schema().entity_labels
        self.persons, self.orgs, self.rejected = persons, orgs, rejected or {}

    def __call__(self, doc: Doc) -> Doc:
        model = [Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]
        merged = merge_entities(
            doc_text(doc), model, doc._.meta, self.labels, doc._.word_spans, self.persons, self.orgs, self.rejected
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
    """Set ``span._.value`` on DATE and PERCENT entities (:func:`pipeline.stages.entities.values.entity_values`)."""

    def __call__(self, doc: Doc) -> Doc:
        issue_date = parse_issue_date((doc._.meta or {}).get("date"))
        spans = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        for ent, value in zip(doc.ents, entity_values(doc_text(doc), spans, issue_date), strict=True):
            if ent.label_ in VALUED_LABELS:
                ent._.value = value
        return doc
