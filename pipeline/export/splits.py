"""Deterministic train/validation/test assignment by document.

A document's split depends on its id alone (a hash), so adding documents never
moves an existing one, and every sentence and quote of a document lands in the
same split as the document.  Which documents an export keeps is a second,
separate question (``placement``): with ``--reviewed-only`` only reviewed ones,
and once enough reviewed documents hash into test, test keeps only reviewed ones.
A document is therefore always in its hash split or not in the export at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

SPLITS: tuple[tuple[str, int], ...] = (("train", 80), ("validation", 10), ("test", 10))
SPLIT_NAMES = tuple(name for name, _ in SPLITS)


def split_of(document_id: str) -> str:
    """The split of a document: a SHA-256 bucket in 0..99 of its id, cut 80/10/10."""
    bucket = int.from_bytes(hashlib.sha256(document_id.encode("utf-8")).digest()[:8], "big") % 100
    for name, share in SPLITS:
        if bucket < share:
            return name
        bucket -= share
    raise AssertionError("split shares must add up to 100")


# The test split holds reviewed documents only once at least this many reviewed documents hash into it:
# below that a reviewed-only test split would be too small to score on, so machine labels stay in it.
REVIEWED_TEST_MINIMUM = 20


@dataclass(frozen=True)
class SplitRule:
    """Which documents an export keeps, and whether its test split is reviewed-only."""

    reviewed_only: bool = False  # every split: only documents a person confirmed or edited
    reviewed_test: bool = False  # the test split: only reviewed documents (unreviewed ones there are withheld)


def placement(document_id: str, reviewed: bool, rule: SplitRule) -> str | None:
    """The split a document goes to, or None when the rule withholds it.

    Never another split than ``split_of``: an unreviewed document that hashes into a
    reviewed-only test split is withheld rather than moved to train, so when it is
    reviewed it enters test without ever having been in train (no document of one
    release's test split was in an earlier release's train split).
    """
    if rule.reviewed_only and not reviewed:
        return None
    split = split_of(document_id)
    if split == "test" and rule.reviewed_test and not reviewed:
        return None
    return split


@dataclass(frozen=True)
class Census:
    """How many documents, and how many reviewed, hash into each split (before any is withheld)."""

    documents: dict[str, int]
    reviewed: dict[str, int]


def take_census(documents: Iterable[tuple[str, bool]]) -> Census:
    """Count ``(document id, reviewed)`` pairs per split."""
    counts = {name: 0 for name in SPLIT_NAMES}
    reviewed = {name: 0 for name in SPLIT_NAMES}
    for document_id, is_reviewed in documents:
        split = split_of(document_id)
        counts[split] += 1
        reviewed[split] += is_reviewed
    return Census(counts, reviewed)


def split_rule(census: Census, *, reviewed_only: bool = False, minimum: int = REVIEWED_TEST_MINIMUM) -> SplitRule:
    """The rule for an export: the test split is reviewed-only once ``minimum`` reviewed documents hash into it."""
    return SplitRule(reviewed_only=reviewed_only, reviewed_test=reviewed_only or census.reviewed["test"] >= minimum)


def withheld(census: Census, rule: SplitRule) -> dict[str, int]:
    """Per split, how many documents the rule leaves out (the unreviewed ones it does not take)."""
    return {
        name: census.documents[name] - census.reviewed[name]
        if rule.reviewed_only or (name == "test" and rule.reviewed_test)
        else 0
        for name in SPLIT_NAMES
    }
