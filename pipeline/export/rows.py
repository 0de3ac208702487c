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
from pipeline.review.merge import ADJUDICATED, PULLED_AT, is_reviewed  # one rule for pull and export

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


def review_of(doc: Document) -> dict[str, Any]:
    """The record's review, with the field names of ``reviewed.jsonl``, so one filter works on both.

    ``state`` is doccano's (``confirmed`` or ``unconfirmed``), ``adjudicated`` (reviewers
    annotated it alone and a third person settled where they differ; ``by`` is that person),
    or ``prelabeled`` when no review is applied (never pushed, nobody touched it, or the
    review was of an older text); ``by`` who confirmed it; ``edited`` whether the spans differ from the
    pre-labels; ``pulled_at`` when it was pulled. ``reviewed`` is the export's own rule
    (``pipeline.review.merge.is_reviewed``: confirmed or edited), the one
    ``--reviewed-only`` and the test split use.
    """
    review = doc.review
    if not review:
        return {"state": "prelabeled", "by": [], "edited": False, "pulled_at": None, "reviewed": False}
    confirmed = review.get("state") == "confirmed" or review.get("confirmed") is True
    people = next((review[key] for key in ("by", "reviewers", "reviewer") if review.get(key)), None)
    state = ADJUDICATED if review.get("state") == ADJUDICATED else "confirmed" if confirmed else "unconfirmed"
    return {
        "state": state,
        "by": _reporters(people),
        "edited": review.get("edited") is True,
        "pulled_at": _text_or_none(review.get(PULLED_AT)),
        "reviewed": is_reviewed(review),
    }


HEADING_KINDS = ("headline", "subheadline", "byline")


def layout_blocks(doc: Document) -> list[dict[str, Any]]:
    """The article's layout blocks in reading order, each with its text; blocks outside the text are left out."""
    blocks = [block for block in doc.blocks if 0 <= block.start < block.end <= len(doc.text)]
    return [
        {"kind": block.kind, "start": block.start, "end": block.end, "text": doc.text[block.start : block.end]}
        for block in sorted(blocks, key=lambda block: (block.start, block.end))
    ]


def heading_text(blocks: Sequence[dict[str, Any]], kind: str, meta: dict[str, Any]) -> str | None:
    """The headline, sub-headline or byline: its blocks' text (one line each), else what repair put in ``meta``."""
    lines = [block["text"] for block in blocks if block["kind"] == kind]
    return "\n".join(lines) if lines else _text_or_none(meta.get(kind))


def document_row(doc: Document, schema: Schema) -> dict[str, Any]:
    meta = doc.meta
    blocks = layout_blocks(doc)
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
        **{kind: heading_text(blocks, kind, meta) for kind in HEADING_KINDS},
        "blocks": blocks,
        "meta": {
            "publication": _text_or_none(meta.get("publication")),
            "date": _text_or_none(meta.get("date")),
            "page": _text_or_none(meta.get("page")),
            "reporters": _reporters(meta.get("reporters")),
            "source": _source_name(meta.get("source") or meta.get("source_file") or meta.get("file")),
        },
        "entities": entities,
        "quotes": quotes,
        "review": review_of(doc),
    }


def ner_rows(doc: Document, schema: Schema) -> Iterator[dict[str, Any]]:
    """One row per sentence: character tokens (one per code point) and pkuseg words, BIO-tagged.

    Tags are given as ``ClassLabel`` ids (their index in ``schema.bio_names()``), which
    ``datasets`` stores without encoding each tag again.
    """
    ids = {name: index for index, name in enumerate(schema.bio_names())}
    spans = entity_spans(doc, schema)
    review = review_of(doc)
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
            "review": review,
        }


def _paragraph_bounds(text: str, start: int, end: int) -> Span:
    """The line-break-delimited paragraph(s) covering ``[start, end)``."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", max(end - 1, start))
    return first, len(text) if last == -1 else last


def quote_rows(doc: Document, schema: Schema) -> Iterator[dict[str, Any]]:
    """One row per attribution, with the paragraph(s) it spans as context."""
    review = review_of(doc)
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
            "review": review,
        }


ROW_BUILDERS = {
    "documents": lambda doc, schema: iter([document_row(doc, schema)]),
    "ner": ner_rows,
    "quotes": quote_rows,
}
