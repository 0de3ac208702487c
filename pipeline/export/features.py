"""The declared features of each dataset configuration.

Declared once, here, so Parquet files, the dataset card and ``load_dataset`` agree
on column types; every label list is taken from ``annotation_schema/``.
"""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from pipeline.core.schema import Schema, load_schema

CONFIGS = ("documents", "ner", "quotes")


def _span() -> dict:
    """A character span; offsets are Python ``str`` indices, end exclusive."""
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def _review() -> dict:
    """A record's review, named as in ``reviewed.jsonl`` (see ``pipeline.export.rows.review_of``)."""
    return {
        "state": Value("string"),
        "by": List(Value("string")),
        "edited": Value("bool"),
        "pulled_at": Value("string"),
        "reviewed": Value("bool"),
    }


def document_features(schema: Schema | None = None) -> Features:
    """One row per article: text, its layout (headline, sub-headline, byline, blocks), metadata, annotations, review."""
    schema = schema or load_schema()
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "headline": Value("string"),
            "subheadline": Value("string"),
            "byline": Value("string"),
            # kind: headline, subheadline, byline, body (a paragraph), crosshead, pull_quote, attribution
            "blocks": List({"kind": Value("string"), **_span()}),
            "meta": {
                "publication": Value("string"),
                "date": Value("string"),
                "page": Value("string"),
                "reporters": List(Value("string")),
                "source": Value("string"),
            },
            "entities": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": ClassLabel(names=schema.entity_labels),
                    "text": Value("string"),
                    "value": Value("string"),
                }
            ),
            "quotes": List(
                {
                    "speaker": _span(),
                    "speaker_name": Value("string"),
                    "cue": _span(),
                    "content": _span(),
                    "kind": Value("string"),
                }
            ),
            "review": _review(),
        }
    )


def ner_features(schema: Schema | None = None) -> Features:
    """One row per sentence: characters and pkuseg words, each with BIO tags."""
    schema = schema or load_schema()
    tags = ClassLabel(names=schema.bio_names())
    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "start": Value("int32"),
            "end": Value("int32"),
            "tokens": List(Value("string")),
            "ner_tags": List(tags),
            "words": List(Value("string")),
            "word_ner_tags": List(tags),
            "review": _review(),
        }
    )


def quote_features(schema: Schema | None = None) -> Features:
    """One row per attribution with its context paragraph(s); offsets relative to the context."""
    schema = schema or load_schema()
    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "context": Value("string"),
            "context_start": Value("int32"),
            "speaker": _span(),
            "speaker_name": Value("string"),
            "cue": _span(),
            "content": _span(),
            "kind": Value("string"),
            "roles": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": ClassLabel(names=schema.quote_role_labels),
                }
            ),
            "review": _review(),
        }
    )


def features_for(config: str, schema: Schema | None = None) -> Features:
    builders = {"documents": document_features, "ner": ner_features, "quotes": quote_features}
    return builders[config](schema)
