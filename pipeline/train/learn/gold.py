"""What a review teaches: the gold each reviewed record gives the entity tagger.

A confirmed (or adjudicated) document is gold whole: the reviewer's spans are the entities and every other
character is ``O``.  An unconfirmed document was maybe reviewed half-way, so nothing in it is
known unless the reviewer changed it: the spans the reviewer added (or moved, or relabelled),
found by comparing with the record as it was pre-labelled, are entities; a pre-labelled span
the reviewer deleted is "not that tag" there (the tagger's ``!`` tags); every other character
has no tag (no loss).  So an unreviewed pre-label is never learnt as truth.  Without the
pre-labelled record nothing tells the reviewer's spans from the machine's, and an
unconfirmed document is left out.

Records here are plain dicts (``{"id", "text", "entities": [[start, end, label]], "missing":
[[start, end]], "not": [[start, end, label]]}``), as :mod:`pipeline.train.ner.corpus` reads them,
with ``not`` added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.eval.entities import labelled_spans
from pipeline.review.merge import is_confirmed

Span = tuple[int, int, str]

CONFIRMED = "confirmed"
EDITED = "edited (unconfirmed: only the edits)"
LEFT_OUT_UNEDITED = "unconfirmed and unedited: nothing known"
LEFT_OUT_NO_PRELABELS = "unconfirmed, and its pre-labels are not available to tell the edits apart"
LEFT_OUT_TEXT_CHANGED = "unconfirmed, and its pre-labelled text differs"
LEFT_OUT_NO_REVIEW = "not reviewed"


def _overlaps(span: tuple[int, int], others: Iterable[tuple[int, ...]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e, *_ in others)


def _unknown_outside(length: int, known: Iterable[tuple[int, ...]]) -> list[list[int]]:
    """The stretches of ``[0, length)`` outside every ``known`` span, as ``[start, end]``."""
    missing: list[list[int]] = []
    position = 0
    for start, end, *_ in sorted(known):
        if start > position:
            missing.append([position, start])
        position = max(position, end)
    if position < length:
        missing.append([position, length])
    return missing


def review_gold(
    reviewed: dict[str, Any], prelabeled: dict[str, Any] | None, labels: Sequence[str]
) -> tuple[dict[str, Any] | None, str]:
    """The training record a reviewed record gives (or None), and which kind it is (or why it is left out)."""
    review = reviewed.get("review") or {}
    text = reviewed["text"]
    gold = labelled_spans(reviewed.get("entities", []), labels)
    record_id = reviewed.get("id")
    if is_confirmed(review):
        entities = [list(span) for span in sorted(gold)]
        return {"id": record_id, "text": text, "entities": entities, "missing": [], "not": []}, CONFIRMED
    if not review.get("edited"):
        return None, LEFT_OUT_UNEDITED if review else LEFT_OUT_NO_REVIEW
    if prelabeled is None:
        return None, LEFT_OUT_NO_PRELABELS
    if prelabeled.get("text") != text:
        return None, LEFT_OUT_TEXT_CHANGED
    before = labelled_spans(prelabeled.get("entities", []), labels)
    added = sorted(gold - before)
    removed = sorted(span for span in before - gold if not _overlaps(span[:2], gold))
    if not added and not removed:
        return None, LEFT_OUT_UNEDITED  # the edits were to quotes, not to entities
    record = {
        "id": record_id,
        "text": text,
        "entities": [list(span) for span in added],
        "missing": _unknown_outside(len(text), [*added, *removed]),
        "not": [list(span) for span in removed],
    }
    return record, EDITED


@dataclass
class ReviewGold:
    """The training records of a set of reviews, and what happened to each reviewed record."""

    records: list[dict[str, Any]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # record id -> CONFIRMED, EDITED or why left out

    def counts(self) -> Counter:
        return Counter(self.kinds.values())

    def confirmed_ids(self) -> list[str]:
        return [record_id for record_id, kind in self.kinds.items() if kind == CONFIRMED]


def reviews_gold(
    reviewed: Iterable[dict[str, Any]], prelabeled: dict[str, dict[str, Any]] | None, labels: Sequence[str]
) -> ReviewGold:
    """:func:`review_gold` of every reviewed record; ``prelabeled``: the pre-labelled records by id, if available."""
    result = ReviewGold()
    for record in reviewed:
        before = None if prelabeled is None else prelabeled.get(record["id"])
        gold, kind = review_gold(record, before, labels)
        result.kinds[record["id"]] = kind
        if gold is not None:
            result.records.append(gold)
    return result
