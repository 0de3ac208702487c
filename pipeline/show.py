"""Render pre-labelled records as one HTML page with spaCy's displaCy, for a person to look at.

Entities (and quote roles, when present) are shown as displaCy "manual" spans in the
schema's colours; DATE and PERCENT values appear in the label (DATE 2013-04-27).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from spacy import displacy

from pipeline.core.jsonl import atomic_writer, read_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema


def _label(entity: dict[str, Any]) -> str:
    value = entity.get("value")
    return f"{entity['label']} {value}" if value is not None else str(entity["label"])


def document_example(document: Document) -> dict[str, Any]:
    """displaCy's manual format for one record: its text and non-overlapping entity spans."""
    ents, last_end = [], 0
    for entity in sorted(document.entities, key=lambda e: (e["start"], -e["end"])):
        if entity["start"] >= last_end and entity["end"] > entity["start"]:
            ents.append({"start": entity["start"], "end": entity["end"], "label": _label(entity)})
            last_end = entity["end"]
    return {"text": document.text, "ents": ents, "title": document.id}


def colours(examples: list[dict[str, Any]]) -> dict[str, str]:
    """Schema colours for every label shown, values included (DATE 2013-04-27 gets DATE's colour)."""
    base = {label.name: label.color for label in load_schema().entities}
    shown = {ent["label"] for example in examples for ent in example["ents"]}
    return {label: base.get(label.split(" ", 1)[0], "#dddddd") for label in shown}


def render_html(input: Path, output: Path, *, limit: int) -> int:
    """Write an HTML page of at most ``limit`` records from ``input``; returns how many were rendered."""
    examples = [document_example(doc) for doc in islice(read_documents(input), max(limit, 0))]
    html = displacy.render(
        examples, style="ent", manual=True, page=True, options={"colors": colours(examples)}, jupyter=False
    )
    with atomic_writer(output) as handle:
        handle.write(html)
    return len(examples)
