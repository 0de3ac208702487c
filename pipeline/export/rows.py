"""Pure row builders: one ``Document`` in, the rows of each configuration out.

No I/O here; ``pipeline.export.build`` streams documents through these into
``Dataset.from_generator``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any

from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.export.sentences import split_sentences

Span = tuple[int, int]
LabelledSpan = tuple[int, int, str]


def valid_entities(doc: Document, schema: Schema) -> list[dict[str, Any]]:
    """The document's entities whose label is in the schema and whose span lies inside the text."""
    labels = set(schema.entity_labels)
    return [
        entity
        for entity in doc.entities
        if str(entity["label"]) in labels and 0 <= int(entity["start"]) < int(entity["end"]) <= len(doc.text)
    ]


def entity_spans(doc: Document, schema: Schema) -> list[LabelledSpan]:
    return [(int(e["start"]), int(e["end"]), str(e["label"])) for e in valid_entities(doc, schema)]


def bio_tags(tokens: Sequence[Span], spans: Sequence[LabelledSpan]) -> list[str]:
    """BIO tags for tokens given as ``(start, end)`` offsets: a token overlapping a span takes its label.

    Spans are placed longest-first among those starting together, left to right; a
    span that would overlap tokens already tagged is left out, so the tags are flat
    and every I- follows a B- or I- of the same label.
    """
    tags = ["O"] * len(tokens)
    for start, end, label in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        covered = [i for i, (t_start, t_end) in enumerate(tokens) if t_start < end and start < t_end]
        if not covered or any(tags[i] != "O" for i in covered):
            continue
        tags[covered[0]] = f"B-{label}"
        for i in covered[1:]:
            tags[i] = f"I-{label}"
    return tags


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _source_name(value: Any) -> str | None:
    """The source file's name only: local folders mean nothing to the dataset's users."""
    text = _text_or_none(value)
    if text is None or "://" in text:
        return text
    return PurePosixPath(text.replace("\\", "/")).name


def _reporters(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def _span(span: dict[str, Any] | None, text: str, shift: int = 0) -> dict[str, Any] | None:
    if not span:
        return None
    start, end = int(span["start"]), int(span["end"])
    return {"start": start - shift, "end": end - shift, "text": text[start:end]}


def review_state(doc: Document) -> dict[str, Any]:
    """``prelabeled`` or ``reviewed``; whether a reviewer confirmed or edited it, and who."""
    review = doc.review
    if review is None:
        return {"status": "prelabeled", "confirmed": False, "edited": False, "reviewers": []}
    people = next((review[key] for key in ("by", "reviewers", "reviewer") if review.get(key)), None)
    return {
        "status": "reviewed",
        "confirmed": review.get("state") == "confirmed" or review.get("confirmed") is True,
        "edited": bool(review.get("edited")),
        "reviewers": _reporters(people),
    }


def document_row(doc: Document, schema: Schema) -> dict[str, Any]:
    meta = doc.meta
    entities = [
        {
            "start": start,
            "end": end,
            "label": label,
            "text": doc.text[start:end],
            "value": _text_or_none(entity.get("value")),
        }
        for entity, (start, end, label) in zip(valid_entities(doc, schema), entity_spans(doc, schema))
    ]
    entities.sort(key=lambda entity: (entity["start"], entity["end"]))
    quotes = [
        {
            "speaker": _span(quote.get("speaker"), doc.text),
            "speaker_name": _text_or_none(quote.get("speaker_name")),
            "cue": _span(quote.get("cue"), doc.text),
            "content": _span(quote.get("content"), doc.text),
            "kind": _text_or_none(quote.get("kind")),
        }
        for quote in doc.quotes
    ]
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": {
            "publication": _text_or_none(meta.get("publication")),
            "date": _text_or_none(meta.get("date")),
            "page": _text_or_none(meta.get("page")),
            "reporters": _reporters(meta.get("reporters")),
            "source": _source_name(meta.get("source") or meta.get("source_file") or meta.get("file")),
        },
        "entities": entities,
        "quotes": quotes,
        "review": review_state(doc),
    }


def ner_rows(doc: Document, schema: Schema) -> Iterator[dict[str, Any]]:
    """One row per sentence: character tokens (one per code point) and pkuseg words, BIO-tagged.

    Tags are given as ``ClassLabel`` ids (their index in ``schema.bio_names()``), which
    ``datasets`` stores without encoding each tag again.
    """
    ids = {name: index for index, name in enumerate(schema.bio_names())}
    spans = entity_spans(doc, schema)
    words = [(int(start), int(end)) for start, end in doc.tokens]
    word_starts = [w_start for w_start, _ in words]
    ordered = all(a <= b for a, b in zip(word_starts, word_starts[1:]))
    for number, (start, end) in enumerate(split_sentences(doc.text, [(s, e) for s, e, _ in spans])):
        inside = [(s, e, label) for s, e, label in spans if s < end and start < e]
        chars = [(i, i + 1) for i in range(start, end)]
        # Words in file order are sorted, so a sentence's words are one slice (found by bisection, not a scan).
        candidates = words[bisect_left(word_starts, start) : bisect_left(word_starts, end)] if ordered else words
        sentence_words = [(w_start, min(w_end, end)) for w_start, w_end in candidates if start <= w_start < end]
        sentence_words = [(s, e) for s, e in sentence_words if s < e]
        yield {
            "id": f"{doc.id}-{number:04d}",
            "document_id": doc.id,
            "start": start,
            "end": end,
            "tokens": list(doc.text[start:end]),
            "ner_tags": [ids[tag] for tag in bio_tags(chars, inside)],
            "words": [doc.text[s:e] for s, e in sentence_words],
            "word_ner_tags": [ids[tag] for tag in bio_tags(sentence_words, inside)],
        }


def _paragraph_bounds(text: str, start: int, end: int) -> Span:
    """The line-break-delimited paragraph(s) covering ``[start, end)``."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", max(end - 1, start))
    return first, len(text) if last == -1 else last


def quote_rows(doc: Document, schema: Schema) -> Iterator[dict[str, Any]]:
    """One row per attribution, with the paragraph(s) it spans as context."""
    for number, quote in enumerate(doc.quotes):
        parts = {role: quote.get(role) for role in ("speaker", "cue", "content")}
        present = [span for span in parts.values() if span]
        if not present:
            continue
        start = min(int(span["start"]) for span in present)
        end = max(int(span["end"]) for span in present)
        context_start, context_end = _paragraph_bounds(doc.text, start, end)
        roles = [
            {
                "start": int(span["start"]) - context_start,
                "end": int(span["end"]) - context_start,
                "label": label,
            }
            for label in schema.quote_role_labels
            if (span := quote.get(label.lower()))
        ]
        yield {
            "id": f"{doc.id}-q{number:03d}",
            "document_id": doc.id,
            "context": doc.text[context_start:context_end],
            "context_start": context_start,
            "speaker": _span(parts["speaker"], doc.text, context_start),
            "speaker_name": _text_or_none(quote.get("speaker_name")),
            "cue": _span(parts["cue"], doc.text, context_start),
            "content": _span(parts["content"], doc.text, context_start),
            "kind": _text_or_none(quote.get("kind")),
            "roles": sorted(roles, key=lambda r: (r["start"], r["end"])),
        }


ROW_BUILDERS = {
    "documents": lambda doc, schema: iter([document_row(doc, schema)]),
    "ner": ner_rows,
    "quotes": quote_rows,
}
