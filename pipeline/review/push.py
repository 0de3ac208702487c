"""Push pre-labelled records to a doccano project, idempotently.

Each example carries its document hash (id + text) and a hash of the annotations
pushed with it.  Pushing again uploads documents the project lacks, leaves alone
those whose pre-labels did not change, and refreshes the pre-labels of a document
nobody touched: not confirmed, not approved, not commented, and still carrying
exactly the annotations last pushed.  A touched document is kept as the reviewer
left it, whatever the new pre-labels say.

A refresh uploads the document afresh and only then deletes the old copy (after
checking once more that it is untouched), so an interrupted push leaves at worst
two untouched copies, which the next push repairs like the copies left by an
import doccano's worker retried.  Invalid records are reported and left out;
lines doccano rejects are reported, not swallowed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import dump_line
from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.review.client import ReviewClient
from pipeline.review.convert import (
    META_HASH,
    META_ID,
    META_LABELS,
    from_server,
    labels_hash,
    to_doccano_line,
    validate_document,
    validate_line,
)

BATCH_SIZE = 500
PROJECT_DESCRIPTION = (
    "Pre-labelled newspaper articles from corpusprep: correct entity spans (PERSON, ORG, DATE, PERCENT) "
    "and quotes (CONTENT linked to its SPEAKER and CUE), then confirm the document."
)


@dataclass
class ServerDocument:
    """One example on the server, as push and pull need to see it."""

    example_id: int
    doc_id: str
    hash: str
    pushed_labels: str
    confirmed: bool
    text: str
    approved: bool = False
    comments: int = 0


class Decision(Enum):
    """What a push does with a record whose document is already on the server."""

    UNCHANGED = "unchanged"  # the pre-labels are those last pushed
    REFRESH = "refresh"  # new pre-labels, and nobody touched the example
    KEEP = "keep"  # new pre-labels, but a reviewer touched the example (or it cannot be told)


@dataclass
class PushReport:
    project: str
    project_id: int
    created: int = 0
    refreshed: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    invalid: dict[str, list[str]] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    missing_after_upload: list[str] = field(default_factory=list)
    duplicates_removed: int = 0
    stale: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.invalid or self.rejected or self.missing_after_upload)


def server_documents(client: ReviewClient, project_id: int) -> dict[str, list[ServerDocument]]:
    """The project's examples grouped by document hash (examples without one are not ours)."""
    index: dict[str, list[ServerDocument]] = {}
    for example in client.examples(project_id):
        meta: dict[str, Any] = example.meta or {}
        if META_HASH not in meta or example.id is None:
            continue
        found = ServerDocument(
            example.id,
            str(meta.get(META_ID, "")),
            str(meta[META_HASH]),
            str(meta.get(META_LABELS, "")),
            bool(example.is_confirmed),
            example.text or "",
            approved=bool(example.annotation_approver),
            comments=int(example.comment_count or 0),
        )
        index.setdefault(found.hash, []).append(found)
    return index


def server_labels(client: ReviewClient, project_id: int, doc: ServerDocument) -> str:
    """Hash of the spans and relations the example carries now, comparable with ``labels_hash``."""
    spans, relations = client.spans(project_id, doc.example_id), client.relations(project_id, doc.example_id)
    return labels_hash(*from_server(doc.text, spans, relations).keys())


def untouched(client: ReviewClient, project_id: int, doc: ServerDocument) -> bool:
    """No trace of a reviewer: unconfirmed, unapproved, uncommented, and exactly the annotations pushed.

    An example without a record of what was pushed counts as touched.
    """
    if doc.confirmed or doc.approved or doc.comments or not doc.pushed_labels:
        return False
    return server_labels(client, project_id, doc) == doc.pushed_labels


def decide(client: ReviewClient, project_id: int, copies: list[ServerDocument], labels: str) -> Decision:
    """Compare a record's pre-labels (``labels``, a ``labels_hash``) with its document on the server."""
    if any(copy.pushed_labels == labels for copy in copies):
        return Decision.UNCHANGED
    if len(copies) != 1:
        return Decision.KEEP  # copies left after duplicate repair are all touched
    (copy,) = copies
    if not copy.pushed_labels:  # no record of what was pushed: the server's annotations may be a reviewer's
        return Decision.UNCHANGED if server_labels(client, project_id, copy) == labels else Decision.KEEP
    return Decision.REFRESH if untouched(client, project_id, copy) else Decision.KEEP


def remove_duplicates(client: ReviewClient, project_id: int, index: dict[str, list[ServerDocument]]) -> int:
    """Keep one example per document, preferring a confirmed, then a touched, then the oldest one.

    Only untouched copies are deleted, so every copy a reviewer touched stays.
    """
    doomed = []
    for copies in index.values():
        if len(copies) < 2:
            continue
        clean = {copy.example_id: untouched(client, project_id, copy) for copy in copies}
        copies.sort(key=lambda d: (not d.confirmed, clean[d.example_id], d.example_id))
        keep, *rest = copies
        removable = [d for d in rest if clean[d.example_id]]
        doomed += [d.example_id for d in removable]
        copies[:] = [keep] + [d for d in rest if d not in removable]
    client.delete_examples(project_id, doomed)
    return len(doomed)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def push_documents(
    documents: Iterable[Document],
    client: ReviewClient,
    project_name: str,
    schema: Schema,
    *,
    batch_size: int = BATCH_SIZE,
) -> PushReport:
    """Create or reuse the project and its label types, upload new documents and refresh untouched ones."""
    project = client.ensure_project(project_name, PROJECT_DESCRIPTION)
    assert project.id is not None
    pid = project.id
    client.ensure_label_types(pid, schema)
    report = PushReport(project_name, pid)
    index = server_documents(client, pid)
    report.duplicates_removed += remove_duplicates(client, pid, index)
    hashes_by_id = {d.doc_id: h for h, copies in index.items() for d in copies}
    known = {d.example_id for copies in index.values() for d in copies}
    replaces: dict[str, int] = {}  # document hash -> the untouched example a refreshed upload replaces
    handled: set[str] = set()

    def new_lines() -> Iterator[tuple[str, dict[str, Any]]]:
        for doc in documents:
            problems = validate_document(doc, schema)
            line = None if problems else to_doccano_line(doc, schema)
            digest = str(line[META_HASH]) if line is not None else ""
            if digest in handled:  # a second record with the same id and text
                report.unchanged += 1
                continue
            copies = index.get(digest, [])
            if line is not None and copies:
                handled.add(digest)
                decision = decide(client, pid, copies, str(line[META_LABELS]))
                if decision is Decision.UNCHANGED:
                    report.unchanged += 1
                    continue
                if decision is Decision.KEEP:
                    report.kept.append(doc.id)
                    continue
            problems = problems or validate_line(line or {}, schema)
            if problems or line is None:
                report.invalid[doc.id] = problems
                continue
            if copies:
                replaces[digest] = copies[0].example_id
            elif doc.id in hashes_by_id and hashes_by_id[doc.id] != digest:
                report.stale.append(doc.id)
            handled.add(digest)
            yield doc.id, line

    uploaded: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="corpusprep-push-") as tmp:
        for number, batch in enumerate(_batches(new_lines(), batch_size), start=1):
            path = Path(tmp) / f"batch-{number:05d}.jsonl"
            path.write_text("".join(dump_line(line) for _, line in batch), encoding="utf-8")
            for problem in client.upload(pid, path):
                in_batch = 0 < problem.line <= len(batch)
                doc_id = batch[problem.line - 1][0] if in_batch else f"{path.name}:{problem.line}"
                report.rejected.append((doc_id, problem.message))
            uploaded += [(doc_id, line[META_HASH]) for doc_id, line in batch]

    if uploaded:
        after = server_documents(client, pid)
        _settle_uploads(client, pid, report, uploaded, after, known, replaces)
        report.duplicates_removed += remove_duplicates(client, pid, after)
    return report


def _settle_uploads(
    client: ReviewClient,
    pid: int,
    report: PushReport,
    uploaded: list[tuple[str, str]],
    after: dict[str, list[ServerDocument]],
    known: set[int],
    replaces: dict[str, int],
) -> None:
    """Count what arrived; drop what a rejected line left; retire the copies refreshed uploads replace."""
    rejected = {doc_id for doc_id, _ in report.rejected}
    doomed: list[int] = []
    for doc_id, digest in uploaded:
        copies = after.get(digest, [])
        fresh = [c for c in copies if c.example_id not in known]
        older = [c for c in copies if c.example_id in known]
        if doc_id in rejected:
            # a rejected line may still have left its example behind, without some spans: remove it,
            # so that the next push uploads the corrected document whole (older copies stay)
            doomed += [c.example_id for c in fresh]
            after[digest] = older
        elif not fresh:
            report.missing_after_upload.append(doc_id)
        elif digest not in replaces:
            report.created += 1
        else:
            old = [c for c in older if c.example_id == replaces[digest]]
            if old and not untouched(client, pid, old[0]):  # a reviewer got to it during the push
                doomed += [c.example_id for c in fresh]
                after[digest] = older
                report.kept.append(doc_id)
            else:
                doomed += [c.example_id for c in old]
                after[digest] = [c for c in copies if c not in old]
                report.refreshed += 1
    client.delete_examples(pid, doomed)
    for digest in [d for d, copies in after.items() if not copies]:
        del after[digest]
