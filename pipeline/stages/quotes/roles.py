"""Attributions as labelled spans and relations, with the labels of ``annotation_schema/``.

Reviewers and exporters see quotes as spans (SPEAKER, CUE, CONTENT) joined by
relations from the content (SPEAKER_OF, CUE_OF); the names come from the schema,
so renaming a role there renames it everywhere.
"""

from __future__ import annotations

from typing import Any

from pipeline.core.schema import Schema, load_schema

ROLE_KEYS = ("speaker", "cue", "content")


def role_labels(schema: Schema | None = None) -> dict[str, str]:
    """Record key -> schema role label (``speaker`` -> ``SPEAKER``); fails loudly if the schema lacks one."""
    schema = schema or load_schema()
    by_name = {label.upper(): label for label in schema.quote_role_labels}
    missing = [key for key in ROLE_KEYS if key.upper() not in by_name]
    if missing:
        raise ValueError(f"annotation_schema lacks quote roles for {missing}: has {schema.quote_role_labels}")
    return {key: by_name[key.upper()] for key in ROLE_KEYS}


def relation_labels(schema: Schema | None = None) -> dict[str, str]:
    """Record key -> relation from the content to that role (``speaker`` -> ``SPEAKER_OF``)."""
    schema = schema or load_schema()
    roles = role_labels(schema)
    wanted = {key: f"{roles[key]}_OF" for key in ("speaker", "cue")}
    missing = [name for name in wanted.values() if name not in schema.relation_labels]
    if missing:
        raise ValueError(f"annotation_schema lacks relations {missing}: has {schema.relation_labels}")
    return wanted


def quote_spans(quotes: list[dict[str, Any]], schema: Schema | None = None) -> tuple[list[dict], list[dict]]:
    """``(spans, relations)``: spans ``{id, start, end, label}`` (shared spans listed once) and
    relations ``{from_id, to_id, type}`` from each content span to its speaker and cue."""
    roles, relations_of = role_labels(schema), relation_labels(schema)
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    relations: list[dict[str, Any]] = []

    def span_id(span: dict[str, Any], label: str) -> int:
        key = (span["start"], span["end"], label)
        if key not in spans:
            spans[key] = {"id": len(spans), "start": span["start"], "end": span["end"], "label": label}
        return spans[key]["id"]

    for quote in quotes:
        content_id = span_id(quote["content"], roles["content"])
        for key in ("speaker", "cue"):
            if quote.get(key):
                relations.append({"from_id": content_id, "to_id": span_id(quote[key], roles[key]), "type": relations_of[key]})
    return list(spans.values()), relations
