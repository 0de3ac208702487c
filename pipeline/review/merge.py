"""Merge a pull into the reviewed records already on disk, so that a pull never loses a review.

Pure functions (old records, pulled records -> merged records and counts); reading the
old file, keeping its backup and writing the result happen in ``commands``.

A document's identity is its id.  Which of two reviews of one document wins:

* the same doccano example pulled again (same project, example id and document hash):
  the later pull, as it is the example's current state (a reviewer may have taken a
  confirmation back);
* two different examples (another project, a re-uploaded copy, a changed text): an
  adjudicated review (reviewers who worked alone, their disagreements settled by a
  third person, see ``adjudicate``) outranks one person's review (confirmed or
  edited), which outranks one nobody touched; between equals the later one wins.

"Later" reads ``review["pulled_at"]`` (ISO 8601, added by ``pull``).  A review
without it (files written before pulls were dated) counts as older than any dated
one; when neither can be told apart, the pulled record wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline.core.record import Document

PULLED_AT = "pulled_at"
ADJUDICATED = "adjudicated"  # review state of a double-reviewed document whose disagreements were settled
EXAMPLE_KEYS = ("doccano_project", "doccano_example_id", "document_hash")


def is_confirmed(review: dict[str, Any] | None) -> bool:
    """Did a person confirm the whole record (or settle it after two reviews)?"""
    review = review or {}
    return review.get("state") in ("confirmed", ADJUDICATED) or review.get("confirmed") is True


def is_reviewed(review: dict[str, Any] | None) -> bool:
    """Did a person confirm or change the record? (A review state without those facts counts as yes.)"""
    if not review:
        return False
    if not any(key in review for key in ("state", "confirmed", "edited")):
        return True
    return is_confirmed(review) or review.get("edited") is True


def review_rank(review: dict[str, Any] | None) -> int:
    """How much review stands behind a record: 2 adjudicated, 1 a person's review, 0 none."""
    if (review or {}).get("state") == ADJUDICATED:
        return 2
    return int(is_reviewed(review))


def pulled_at(review: dict[str, Any] | None) -> datetime | None:
    """When the review was pulled, or None if it does not say (or says it unreadably)."""
    raw = (review or {}).get(PULLED_AT)
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None  # naive times cannot be ordered against aware ones


def same_example(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Both reviews come from one doccano example of one document text."""
    a, b = a or {}, b or {}
    return all(a.get(key) is not None and a.get(key) == b.get(key) for key in EXAMPLE_KEYS)


def is_newer(old: dict[str, Any] | None, pulled: dict[str, Any] | None) -> bool:
    """Whether the ``pulled`` review replaces the ``old`` one of the same document (rules in the module doc)."""
    if not same_example(old, pulled) and review_rank(old) != review_rank(pulled):
        return review_rank(pulled) > review_rank(old)
    old_time, pulled_time = pulled_at(old), pulled_at(pulled)
    if old_time is None or pulled_time is None:
        return old_time is None  # an undated old review yields; an undated pulled one yields to a dated one
    return pulled_time >= old_time


def without_pull_time(doc: Document) -> dict[str, Any]:
    """The record as a dict minus its pull time: two pulls of an unchanged review compare equal."""
    plain = doc.to_dict()
    if plain["review"]:
        plain["review"].pop(PULLED_AT, None)
    return plain


@dataclass(frozen=True)
class MergeCounts:
    """What a merge did, per document."""

    new: int = 0  # pulled documents the old file did not hold
    replaced: int = 0  # old records replaced by a newer review that differs from them
    refreshed: int = 0  # old records pulled again unchanged (only the pull time moves on)
    kept: int = 0  # old records the pull did not bring back, kept as they were
    outranked: int = 0  # pulled reviews left out: the old file's review of that document outranks them


@dataclass(frozen=True)
class MergedReviews:
    records: list[Document]
    counts: MergeCounts
    reviewed_before: int  # documents a person reviewed in the old records
    reviewed_after: int  # ... and in the merged records

    @property
    def loses_reviews(self) -> bool:
        return self.reviewed_after < self.reviewed_before


def _by_id(records: Iterable[Document]) -> dict[str, Document]:
    """One record per id, in first-seen order; a later line of the same id wins (as export reads the file)."""
    found: dict[str, Document] = {}
    for doc in records:
        found[doc.id] = doc
    return found


def merge_reviews(old: Sequence[Document], pulled: Sequence[Document]) -> MergedReviews:
    """The old records with the pulled ones merged in: old order first, new documents after, in pull order."""
    before = _by_id(old)
    merged = dict(before)
    for doc in pulled:
        current = merged.get(doc.id)
        if current is None or is_newer(current.review, doc.review):
            merged[doc.id] = doc
    pulled_ids = {doc.id for doc in pulled}
    new = replaced = refreshed = kept = outranked = 0
    for doc_id, doc in merged.items():
        previous = before.get(doc_id)
        if previous is None:
            new += 1
        elif doc is previous:
            kept += doc_id not in pulled_ids
            outranked += doc_id in pulled_ids
        elif without_pull_time(doc) == without_pull_time(previous):
            refreshed += 1
        else:
            replaced += 1
    records = list(merged.values())
    return MergedReviews(
        records,
        MergeCounts(new=new, replaced=replaced, refreshed=refreshed, kept=kept, outranked=outranked),
        reviewed_before=sum(is_reviewed(doc.review) for doc in before.values()),
        reviewed_after=sum(is_reviewed(doc.review) for doc in records),
    )
