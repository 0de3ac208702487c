"""The review list of disagreements, and the adjudicator's decisions taken into reviewed records.

Pure functions; reading and writing files happen in ``commands``.

The list is JSONL. For every document that two or more reviewers confirmed, one line
``{"kind": "document", ...}`` carries what they all marked (``agreed``), then one line
``{"kind": "disagreement", ...}`` per place they differ: the layer, what differs, the text
around it and, under ``said``, each reviewer's spans (or links) there. The adjudicator fills
in ``decision`` on each disagreement line:

* a reviewer's name: take what that reviewer marked there;
* ``"none"`` (or ``[]``): nothing there;
* a list of spans (``{"start", "end", "label"}``) or links (``{"type", "from", "to"}``, each end a
  span), in the shape of ``said``: exactly those.

A document whose disagreements are all decided becomes a reviewed record: the agreed items
plus the decided ones, with ``review.state`` ``adjudicated`` and ``review.by`` the adjudicator.
A document with an undecided line waits (it is counted, not written); a decision that cannot
be used (unknown reviewer, a span outside the text, a link whose span the decisions drop) is
reported with its line and the document waits too; the other documents go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.review.agreement import LINKS, DocumentComparison, Item
from pipeline.review.convert import (
    RelationKey,
    ServerAnnotations,
    SpanKey,
    document_hash,
    labels_hash,
    record_annotations,
    to_reviewed,
)
from pipeline.review.merge import ADJUDICATED, PULLED_AT

DOCUMENT, DISAGREEMENT = "document", "disagreement"
NOTHING = "none"
ADJUDICATION_FILE = "adjudication.jsonl"


# --- writing the list ------------------------------------------------------------------------


def _span_json(span: SpanKey, text: str) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "label": span[2], "text": text[span[0] : span[1]]}


def _item_json(item: Item, text: str) -> dict[str, Any]:
    if isinstance(item[0], tuple):
        return {"type": item[2], "from": _span_json(item[0], text), "to": _span_json(item[1], text)}
    return _span_json(item, text)


def review_list_lines(comparisons: Iterable[DocumentComparison], project: str) -> Iterator[dict[str, Any]]:
    """The list's lines: each document compared, then its disagreements (``decision`` left for the adjudicator)."""
    for comparison in comparisons:
        doc = comparison.document
        text = doc.text
        yield {
            "kind": DOCUMENT, "document_id": doc.doc_id, "document_hash": doc.document_hash,
            "example_id": doc.example_id, "project": project, "reviewers": list(comparison.reviewers),
            "agreed": {"spans": [_item_json(s, text) for s in sorted(comparison.agreed.spans)],
                       "links": [_item_json(r, text) for r in sorted(comparison.agreed.links)]},
            "disagreements": len(comparison.disagreements),
        }  # fmt: skip
        for d in comparison.disagreements:
            yield {
                "kind": DISAGREEMENT, "document_id": d.document_id, "item": d.item, "layer": d.layer,
                "what": d.what, "labels": list(d.labels), "start": d.start, "end": d.end,
                "text": text[d.start : d.end],
                "said": {reviewer: [_item_json(i, text) for i in items] for reviewer, items in d.said.items()},
                "decision": None,
            }  # fmt: skip


# --- reading decisions -----------------------------------------------------------------------


class DecisionError(ValueError):
    """A line of the review list that cannot be used; the message says what to fix."""


def _span_key(value: Any) -> SpanKey:
    try:
        return int(value["start"]), int(value["end"]), str(value["label"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DecisionError(f"a span needs start, end and label: {json.dumps(value, ensure_ascii=False)}") from exc


def _item_key(value: Any, layer: str) -> Item:
    if layer != LINKS:
        return _span_key(value)
    try:
        return _span_key(value["from"]), _span_key(value["to"]), str(value["type"])
    except (KeyError, TypeError) as exc:
        raise DecisionError(f"a link needs type, from and to: {json.dumps(value, ensure_ascii=False)}") from exc


def decided_items(line: Mapping[str, Any]) -> tuple[Item, ...] | None:
    """What a disagreement line's decision keeps; None while undecided."""
    decision = line.get("decision")
    layer = str(line.get("layer"))
    said = line.get("said") or {}
    if decision is None or decision == "":
        return None
    if decision == NOTHING:
        return ()
    if isinstance(decision, str):
        if decision not in said:
            raise DecisionError(
                f"decision {decision!r} is no reviewer of this document ({', '.join(sorted(said))}); "
                f"write one of them, {NOTHING!r}, or a list of {'links' if layer == LINKS else 'spans'}"
            )
        return tuple(_item_key(item, layer) for item in said[decision])
    if isinstance(decision, list):
        return tuple(_item_key(item, layer) for item in decision)
    raise DecisionError(f"decision must be a reviewer's name, {NOTHING!r} or a list, not {decision!r}")


@dataclass
class ListedDocument:
    """One document of the review list: its line, what was agreed and its disagreement lines."""

    line: int
    head: dict[str, Any]
    disagreements: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def group_lines(lines: Iterable[tuple[int, Any]]) -> tuple[dict[str, ListedDocument], list[tuple[int, str]]]:
    """The list's lines (``(line number, parsed JSON)``) by document; lines that fit no document are problems."""
    documents: dict[str, ListedDocument] = {}
    problems: list[tuple[int, str]] = []
    for number, line in lines:
        kind = line.get("kind") if isinstance(line, dict) else None
        doc_id = str(line.get("document_id")) if isinstance(line, dict) else ""
        if kind == DOCUMENT:
            if doc_id in documents:
                problems.append((number, f"document {doc_id} is listed twice: keep one of its blocks"))
                continue
            documents[doc_id] = ListedDocument(number, line)
        elif kind == DISAGREEMENT and doc_id in documents:
            documents[doc_id].disagreements.append((number, line))
        elif kind == DISAGREEMENT:
            problems.append((number, f"disagreement of document {doc_id}, whose document line is missing above it"))
        else:
            problems.append((number, f"kind must be {DOCUMENT!r} or {DISAGREEMENT!r}"))
    return documents, problems


# --- taking the decisions in -----------------------------------------------------------------


@dataclass
class Adjudication:
    """What taking a review list in gave: reviewed records, documents still waiting, and unusable lines."""

    records: list[Document] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)  # document id -> undecided disagreements
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    not_in_input: list[str] = field(default_factory=list)
    decided: int = 0  # disagreements decided in the records written


def _annotations(spans: Iterable[SpanKey], links: Iterable[RelationKey]) -> ServerAnnotations:
    """Spans and links in the shape ``to_reviewed`` reads (numbered as doccano would)."""
    ids = {span: number for number, span in enumerate(sorted(set(spans)), start=1)}
    return ServerAnnotations(
        spans={number: span for span, number in ids.items()},
        relations=[(ids[a], ids[b], kind) for a, b, kind in sorted(set(links))],
    )


def _check_spans(spans: Iterable[SpanKey], text: str, labels: set[str]) -> str | None:
    for start, end, label in spans:
        if not 0 <= start < end <= len(text):
            return f"span [{start}, {end}) {label} is not inside the text (length {len(text)})"
        if label not in labels:
            return f"label {label!r} is not in the label schema"
    return None


def adjudicate(
    listed: Mapping[str, ListedDocument],
    records: Mapping[str, Document],
    schema: Schema,
    adjudicator: str,
    when: datetime | None = None,
) -> Adjudication:
    """Reviewed records for every listed document whose disagreements are all decided (rules in the module doc)."""
    stamp = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    result = Adjudication()
    span_labels = set(schema.span_labels)
    for doc_id, entry in listed.items():
        record = records.get(doc_id)
        if record is None:
            result.not_in_input.append(doc_id)
            continue
        digest = document_hash(record.id, record.text)
        if entry.head.get("document_hash") != digest:
            result.problems.append((entry.line, f"document {doc_id}: its text differs from the input's: write the "
                                                "list again from the project the input was pushed to"))  # fmt: skip
            continue
        try:
            agreed = entry.head.get("agreed") or {}
            spans = {_span_key(s) for s in agreed.get("spans", [])}
            links = {_item_key(r, LINKS) for r in agreed.get("links", [])}
        except DecisionError as error:
            result.problems.append((entry.line, f"document {doc_id}: {error}"))
            continue
        undecided, failed = 0, False
        for number, line in entry.disagreements:
            try:
                kept = decided_items(line)
            except DecisionError as error:
                result.problems.append((number, f"document {doc_id}, item {line.get('item')}: {error}"))
                failed = True
                continue
            if kept is None:
                undecided += 1
            elif line.get("layer") == LINKS:
                links |= set(kept)
            else:
                spans |= set(kept)
        if undecided:
            result.waiting[doc_id] = undecided
        if undecided or failed:
            continue
        problem = _check_spans(spans | {end for link in links for end in link[:2]}, record.text, span_labels)
        dangling = sorted(link for link in links if link[0] not in spans or link[1] not in spans)
        if problem is None and dangling:
            problem = (f"link {dangling[0][2]} from [{dangling[0][0][0]}, {dangling[0][0][1]}) to "
                       f"[{dangling[0][1][0]}, {dangling[0][1][1]}) ends on a span the decisions drop: "
                       "keep the span or drop the link")  # fmt: skip
        if problem is None and any(link[2] not in schema.relation_labels for link in links):
            problem = "a link's type is not in the label schema"
        if problem is not None:
            result.problems.append((entry.line, f"document {doc_id}: {problem}"))
            continue
        pushed = labels_hash(*record_annotations(record, schema))
        review = {
            "state": ADJUDICATED,
            "by": [adjudicator],
            "reviewers": list(entry.head.get("reviewers") or []),
            "doccano_example_id": entry.head.get("example_id"),
            "doccano_project": entry.head.get("project"),
            "document_hash": digest,
            "edited": labels_hash(spans, links) != pushed,
            "disagreements": len(entry.disagreements),
            PULLED_AT: stamp,
        }
        result.records.append(to_reviewed(record, _annotations(spans, links), schema, review))
        result.decided += len(entry.disagreements)
    return result


def _decision_key(line: Mapping[str, Any]) -> str:
    """A disagreement as its place and what each reviewer said there: equal keys are the same question."""
    return json.dumps([line.get("document_id"), line.get("layer"), line.get("start"), line.get("end"), line.get("said")],
                      sort_keys=True, ensure_ascii=False)  # fmt: skip


def carry_decisions(new: list[dict[str, Any]], old: Iterable[Mapping[str, Any]]) -> int:
    """Copy into ``new`` the decisions ``old`` (an earlier list) made on the same questions; returns how many.

    A disagreement a reviewer changed since (another extent, another label) is a new question and starts undecided.
    """
    made = {_decision_key(line): line["decision"] for line in old
            if line.get("kind") == DISAGREEMENT and line.get("decision") not in (None, "")}  # fmt: skip
    carried = 0
    for line in new:
        if line.get("kind") == DISAGREEMENT and _decision_key(line) in made:
            line["decision"] = made[_decision_key(line)]
            carried += 1
    return carried
