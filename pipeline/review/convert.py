"""Record <-> doccano relation-extraction JSONL, as pure functions.

Offsets: the record counts Python ``str`` indices (code points).  doccano 1.8.4
stores whatever integers it is given; its web UI reads them as JavaScript string
indices (UTF-16 code units) unless the project's grapheme mode is on.  So offsets
go to doccano in UTF-16 code units (``𠮷`` counts 2) and come back converted, which
keeps them right for characters outside the Basic Multilingual Plane.

Each line carries the document id, a stable document hash (id + text) that joins
reviews back to their records, and a hash of the pushed annotations, so pull and push can
tell whether a reviewer changed anything.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.review.client import ServerRelation, ServerSpan
from pipeline.stages.entities.dates import parse_issue_date
from pipeline.stages.entities.values import VALUED_LABELS, entity_values

OFFSET_UNIT = "utf-16"
META_ID, META_HASH, META_LABELS, META_UNIT, META_SOURCE = (
    "document_id",
    "document_hash",
    "labels_hash",
    "offset_unit",
    "source_meta",
)
QUOTE_ROLES = ("content", "speaker", "cue")  # record fields; their span labels are the upper-cased names
OPENING_QUOTES = "“‘「『\"'"

SpanKey = tuple[int, int, str]  # (start, end, label) in code points
RelationKey = tuple[SpanKey, SpanKey, str]


def document_hash(doc_id: str, text: str) -> str:
    """Stable across runs and machines: the same article text always gets the same hash."""
    return hashlib.sha256(f"{doc_id}\n{text}".encode()).hexdigest()


def labels_hash(spans: Iterable[SpanKey], relations: Iterable[RelationKey]) -> str:
    canonical = json.dumps([sorted(set(spans)), sorted(set(relations))], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- offsets -----------------------------------------------------------------------


class OffsetMap:
    """Code point <-> UTF-16 code unit offsets of one text."""

    def __init__(self, text: str) -> None:
        units = [0]
        for char in text:
            units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
        self.units = units

    def to_units(self, index: int) -> int:
        return self.units[index]

    def to_index(self, unit: int, *, end: bool = False) -> int:
        """A unit offset inside a surrogate pair widens the span to the whole character."""
        index = bisect_left(self.units, unit)
        if index < len(self.units) and self.units[index] == unit:
            return index
        return index if end else index - 1

    @property
    def length(self) -> int:
        return self.units[-1]


# --- record -> doccano ----------------------------------------------------------------


def role_label(role: str, schema: Schema) -> str:
    label = role.upper()
    if label not in schema.quote_role_labels:
        raise ValueError(f"label schema has no quote role {label!r} for the record field {role!r}")
    return label


def relation_label(role: str, schema: Schema) -> str:
    """SPEAKER_OF for the speaker, CUE_OF for the cue: from CONTENT to that role's span."""
    label = f"{role.upper()}_OF"
    if label not in schema.relation_labels:
        raise ValueError(f"label schema has no relation {label!r} for the quote field {role!r}")
    return label


def record_annotations(doc: Document, schema: Schema) -> tuple[list[SpanKey], list[RelationKey]]:
    """Entities and quote roles as (deduplicated) spans, quote links as relations."""
    spans: dict[SpanKey, None] = {}
    relations: dict[RelationKey, None] = {}
    for ent in doc.entities:
        spans[(int(ent["start"]), int(ent["end"]), str(ent["label"]))] = None
    for quote in doc.quotes:
        content = quote.get("content")
        if not content:
            continue
        content_key = (int(content["start"]), int(content["end"]), role_label("content", schema))
        spans[content_key] = None
        for role in ("speaker", "cue"):
            part = quote.get(role)
            if part:
                key = (int(part["start"]), int(part["end"]), role_label(role, schema))
                spans[key] = None
                relations[(content_key, key, relation_label(role, schema))] = None
    return list(spans), list(relations)


def to_doccano_line(doc: Document, schema: Schema) -> dict[str, Any]:
    """One import line: text, spans with local ids, relations between them, and metadata."""
    spans, relations = record_annotations(doc, schema)
    offsets = OffsetMap(doc.text)
    ids = {key: number for number, key in enumerate(spans, start=1)}
    return {
        "text": doc.text,
        "entities": [
            {"id": ids[key], "start_offset": offsets.to_units(key[0]), "end_offset": offsets.to_units(key[1]),
             "label": key[2]}
            for key in spans
        ],  # fmt: skip
        "relations": [
            {"id": number, "from_id": ids[a], "to_id": ids[b], "type": kind}
            for number, (a, b, kind) in enumerate(relations, start=1)
        ],
        META_ID: doc.id,
        META_HASH: document_hash(doc.id, doc.text),
        META_LABELS: labels_hash(spans, relations),
        META_UNIT: OFFSET_UNIT,
        META_SOURCE: doc.meta,
    }


def validate_document(doc: Document, schema: Schema) -> list[str]:
    """Problems that would make doccano import a document wrongly (or four times)."""
    problems = []
    if not doc.text:
        problems.append("empty text")
    span_labels = set(schema.span_labels)
    for ent in doc.entities:
        label = ent.get("label")
        if label not in span_labels:
            problems.append(f"entity label {label!r} is not in the label schema")
    for number, quote in enumerate(doc.quotes):
        if not quote.get("content"):
            problems.append(f"quote {number} has no content span")
    try:
        spans, relations = record_annotations(doc, schema)
    except (KeyError, TypeError, ValueError) as exc:
        return problems + [f"malformed span ({exc})"]
    for start, end, label in spans:
        if not 0 <= start < end <= len(doc.text):
            problems.append(f"{label} span [{start}, {end}) is not inside the text (length {len(doc.text)})")
    known = set(spans)
    for a, b, kind in relations:
        if a not in known or b not in known:
            problems.append(f"{kind} relation points to a missing span")
    for part in [*doc.entities, *(q.get(r) for q in doc.quotes for r in QUOTE_ROLES)]:
        if part and "text" in part and doc.text[part["start"] : part["end"]] != part["text"]:
            problems.append(f"span [{part['start']}, {part['end']}) reads {doc.text[part['start']:part['end']]!r}, "
                            f"not its recorded text {part['text']!r}")  # fmt: skip
    return problems


def validate_line(line: dict[str, Any], schema: Schema) -> list[str]:
    """Check an import line as doccano will see it: ids unique, offsets in range, relation ends exist."""
    problems = []
    length = OffsetMap(line["text"]).length
    ids = [e["id"] for e in line["entities"]]
    if len(ids) != len(set(ids)):
        problems.append("duplicate span ids")
    for e in line["entities"]:
        if not 0 <= e["start_offset"] < e["end_offset"] <= length:
            problems.append(f"span {e['id']} [{e['start_offset']}, {e['end_offset']}) outside the text")
        if e["label"] not in schema.span_labels:
            problems.append(f"span {e['id']} has label {e['label']!r} not in the schema")
    for r in line["relations"]:
        if r["from_id"] not in ids or r["to_id"] not in ids:
            problems.append(f"relation {r['id']} points to a span id that is not in the line")
        if r["type"] not in schema.relation_labels:
            problems.append(f"relation {r['id']} has type {r['type']!r} not in the schema")
    return problems


# --- doccano -> record ----------------------------------------------------------------


@dataclass
class ServerAnnotations:
    """What doccano holds for one document, offsets already in code points."""

    spans: dict[int, SpanKey] = field(default_factory=dict)
    relations: list[tuple[int, int, str]] = field(default_factory=list)

    def keys(self) -> tuple[list[SpanKey], list[RelationKey]]:
        rels = [
            (self.spans[a], self.spans[b], kind) for a, b, kind in self.relations if a in self.spans and b in self.spans
        ]
        return list(self.spans.values()), rels


def from_server(text: str, spans: Sequence[ServerSpan], relations: Sequence[ServerRelation]) -> ServerAnnotations:
    offsets = OffsetMap(text)
    return ServerAnnotations(
        spans={s.id: (offsets.to_index(s.start), offsets.to_index(s.end, end=True), s.label) for s in spans},
        relations=[(r.from_id, r.to_id, r.type) for r in relations],
    )


def _part(text: str, key: SpanKey) -> dict[str, Any]:
    return {"start": key[0], "end": key[1], "text": text[key[0] : key[1]]}


def _guess_kind(text: str, start: int, end: int) -> str:
    """A new quote's kind: direct if its content sits in quote marks, else indirect."""
    before = text[start - 1] if start > 0 else ""
    first = text[start] if start < len(text) else ""
    return "direct" if (before and before in OPENING_QUOTES) or (first and first in OPENING_QUOTES) else "indirect"


def with_values(text: str, entities: Sequence[dict[str, Any]], meta: dict[str, Any]) -> None:
    """Give DATE and PERCENT entities without a value the one the pre-labeller gives (:func:`entity_values`).

    A span a reviewer added or moved in doccano comes back bare (doccano shows no values); kept
    spans keep theirs.  DATE values are resolved with every DATE of the text, as when pre-labelling
    (a year carried from earlier in the sentence), against the issue's date.  No value is written
    where the resolvers find none, as the pre-labeller does.
    """
    if all("value" in e for e in entities if e["label"] in VALUED_LABELS):
        return
    spans = [(e["start"], e["end"], e["label"]) for e in entities]
    for entity, value in zip(entities, entity_values(text, spans, parse_issue_date(meta.get("date"))), strict=True):
        if entity["label"] in VALUED_LABELS and "value" not in entity and value is not None:
            entity["value"] = value


def to_reviewed(
    doc: Document, annotations: ServerAnnotations, schema: Schema, review: dict[str, Any]
) -> Document:
    """The record as the reviewer left it: doccano's spans and relations become entities and quotes.

    What the reviewer kept keeps what doccano cannot show (an entity's normalised
    value, a quote's kind, a pronoun speaker's resolved name); new spans get their
    text, for DATE and PERCENT the value the pre-labeller would give them (``with_values``),
    and, for quotes, a kind read from the quote marks.  Speaker or cue spans
    linked to no content are listed in ``review["unattached"]`` rather than lost.
    """
    text = doc.text
    entity_labels = set(schema.entity_labels)
    content_label, speaker_label, cue_label = (role_label(r, schema) for r in QUOTE_ROLES)
    old_entities = {(e["start"], e["end"], e["label"]): e for e in doc.entities}
    old_quotes = {(q["content"]["start"], q["content"]["end"]): q for q in doc.quotes if q.get("content")}
    old_speaker_names = {
        (q["speaker"]["start"], q["speaker"]["end"]): q.get("speaker_name")
        for q in doc.quotes
        if q.get("speaker") and q.get("speaker_name")
    }

    entities = []
    for key in sorted(set(annotations.spans.values())):
        if key[2] in entity_labels:
            entity = dict(old_entities.get(key, {}))
            entity.update(start=key[0], end=key[1], label=key[2], text=text[key[0] : key[1]])
            entities.append(entity)
    with_values(text, entities, doc.meta)

    links: dict[SpanKey, dict[str, SpanKey]] = {}
    attached: set[SpanKey] = set()
    relation_roles = {relation_label(r, schema): r for r in ("speaker", "cue")}
    for a, b, kind in annotations.relations:
        if a not in annotations.spans or b not in annotations.spans or kind not in relation_roles:
            continue
        source, target = annotations.spans[a], annotations.spans[b]
        if source[2] != content_label:
            continue
        role = relation_roles[kind]
        current = links.setdefault(source, {})
        if role not in current or target < current[role]:
            current[role] = target
        attached.add(target)

    quotes = []
    for key in sorted({k for k in annotations.spans.values() if k[2] == content_label}):
        old = old_quotes.get((key[0], key[1]), {})
        quote = dict(old)
        roles = links.get(key, {})
        speaker, cue = roles.get("speaker"), roles.get("cue")
        quote["content"] = _part(text, key)
        quote["speaker"] = _part(text, speaker) if speaker else None
        quote["cue"] = _part(text, cue) if cue else None
        if speaker:
            quote["speaker_name"] = old_speaker_names.get((speaker[0], speaker[1])) or text[speaker[0] : speaker[1]]
        else:
            quote["speaker_name"] = None
        quote["kind"] = old.get("kind") or _guess_kind(text, key[0], key[1])
        quotes.append(quote)

    unattached = sorted(
        k for k in set(annotations.spans.values()) if k[2] in (speaker_label, cue_label) and k not in attached
    )
    review = dict(review)
    if unattached:
        review["unattached"] = [dict(_part(text, k), label=k[2]) for k in unattached]
    reviewed = Document.from_dict(doc.to_dict())
    reviewed.entities, reviewed.quotes, reviewed.review = entities, quotes, review
    return reviewed
