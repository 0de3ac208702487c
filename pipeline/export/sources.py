"""Which record of each document goes into the dataset: the reviewed one when it exists.

``reviewed.jsonl`` (from the doccano pull) holds records with a ``review`` state.
A reviewed record replaces the pre-labelled record with the same id when a person
confirmed or edited it; an example nobody touched yet leaves the (possibly newer)
pre-labels in place.  If the two records disagree about the text (or about a stable
hash both carry in ``meta``), the review was made on an older text and its offsets
cannot be trusted: the pre-labelled record is kept and the review reported as stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import iter_json_lines, read_documents
from pipeline.core.record import Document
from pipeline.review.merge import is_reviewed  # one rule for pull and export

PRELABELED_FILE = "prelabeled.jsonl"
REVIEWED_FILE = "reviewed.jsonl"
HASH_KEYS = ("document_hash", "sha256", "hash")


@dataclass
class MergePlan:
    """Where each reviewed record is (byte offset in ``reviewed.jsonl``) and what to do with it."""

    prelabeled: str
    reviewed: str | None = None
    replace: dict[str, int] = field(default_factory=dict)
    reviewed_only: dict[str, int] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    untouched: int = 0


def _fingerprint(obj: dict[str, Any]) -> tuple[str, dict[str, str]]:
    meta = obj.get("meta") or {}
    hashes = {key: str(meta[key]) for key in HASH_KEYS if meta.get(key)}
    return hashlib.sha1(str(obj.get("text", "")).encode("utf-8")).hexdigest(), hashes


def _reviewed_offsets(path: Path) -> tuple[dict[str, int], int]:
    """Byte offset of the last line of each id a person reviewed (only ids are held), and how many were untouched."""
    offsets: dict[str, int] = {}
    untouched: set[str] = set()
    with open(path, "rb") as handle:
        offset = handle.tell()
        for line in iter(handle.readline, b""):
            if line.strip():
                obj = json.loads(line)
                if isinstance(obj, dict) and "id" in obj and obj.get("review") is not None:
                    doc_id = str(obj["id"])
                    if is_reviewed(obj["review"]):
                        offsets[doc_id] = offset
                        untouched.discard(doc_id)
                    else:
                        offsets.pop(doc_id, None)
                        untouched.add(doc_id)
            offset = handle.tell()
    return offsets, len(untouched)


def read_at(path: Path, offset: int) -> Document:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return Document.from_dict(json.loads(handle.readline()))


def plan_merge(corpus_dir: Path) -> MergePlan:
    """Decide, in one pass over the pre-labels, which reviews replace which records."""
    prelabeled = corpus_dir / PRELABELED_FILE
    if not prelabeled.is_file():
        raise FileNotFoundError(f"{prelabeled} not found: run `corpusprep run` (or `corpusprep prelabel`) first")
    reviewed = corpus_dir / REVIEWED_FILE
    plan = MergePlan(prelabeled=str(prelabeled))
    if not reviewed.is_file():
        return plan
    plan.reviewed = str(reviewed)
    pending, plan.untouched = _reviewed_offsets(reviewed)
    fingerprints = {doc_id: _fingerprint(read_at(reviewed, off).to_dict()) for doc_id, off in pending.items()}
    for _, obj in iter_json_lines(prelabeled):
        doc_id = str(obj.get("id"))
        if doc_id not in pending:
            continue
        text_hash, hashes = _fingerprint(obj)
        review_text_hash, review_hashes = fingerprints[doc_id]
        same_hashes = all(review_hashes[key] == value for key, value in hashes.items() if key in review_hashes)
        if text_hash == review_text_hash and same_hashes:
            plan.replace[doc_id] = pending.pop(doc_id)
        else:
            plan.stale.append(doc_id)
            pending.pop(doc_id)
    plan.reviewed_only = pending
    return plan


def merged_documents(plan: MergePlan, *, keep_id: Callable[[str], bool] | None = None) -> Iterator[Document]:
    """Stream the export's documents: pre-labels in file order, each replaced by its review where planned.

    ``keep_id`` lets records it rejects go unread where their id is known before
    parsing (a pre-filter: callers still check the documents they get).
    """
    reviewed = Path(plan.reviewed) if plan.reviewed else None
    for doc in read_documents(Path(plan.prelabeled), keep_id=keep_id):
        if reviewed is not None and doc.id in plan.replace:
            yield read_at(reviewed, plan.replace[doc.id])
        else:
            yield doc
    if reviewed is not None:
        for doc_id, offset in plan.reviewed_only.items():
            if keep_id is None or keep_id(doc_id):
                yield read_at(reviewed, offset)
