"""Deterministic train/validation/test assignment by document.

A document's split depends on its id alone (a hash), so adding documents never
moves an existing one, and every sentence and quote of a document lands in the
same split as the document.
"""

from __future__ import annotations

import hashlib

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
