"""Push pre-labelled records to a doccano project, idempotently.

A document already on the server (same document hash in its metadata) is never
uploaded again nor touched, whatever a reviewer did to it.  Invalid records are
reported and left out; lines doccano rejects are reported, not swallowed.  Copies
of one document (from an import doccano's worker retried) are removed again, but
only those no reviewer confirmed or edited.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.jsonl import dump_line
from pipeline.record import Document
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
from pipeline.schema import Schema

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


@dataclass
class PushReport:
    project: str
    project_id: int
    uploaded: int = 0
    already_there: int = 0
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
        )
        index.setdefault(found.hash, []).append(found)
    return index


def untouched(client: ReviewClient, project_id: int, doc: ServerDocument) -> bool:
    """Unconfirmed and still carrying exactly the annotations that were pushed."""
    if doc.confirmed:
        return False
    spans, relations = client.spans(project_id, doc.example_id), client.relations(project_id, doc.example_id)
    annotations = from_server(doc.text, spans, relations)
    return labels_hash(*annotations.keys()) == doc.pushed_labels


def remove_duplicates(client: ReviewClient, project_id: int, index: dict[str, list[ServerDocument]]) -> int:
    """Keep one example per document: a confirmed one if any, else the oldest; delete only untouched copies."""
    doomed = []
    for copies in index.values():
        if len(copies) < 2:
            continue
        copies.sort(key=lambda d: (not d.confirmed, d.example_id))
        keep, *rest = copies
        removable = [d for d in rest if untouched(client, project_id, d)]
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
    """Create or reuse the project and its label types, then upload the documents not yet on it."""
    project = client.ensure_project(project_name, PROJECT_DESCRIPTION)
    assert project.id is not None
    client.ensure_label_types(project.id, schema)
    report = PushReport(project_name, project.id)
    index = server_documents(client, project.id)
    report.duplicates_removed += remove_duplicates(client, project.id, index)
    hashes_by_id = {d.doc_id: h for h, copies in index.items() for d in copies}

    def new_lines() -> Iterator[tuple[str, dict[str, Any]]]:
        for doc in documents:
            problems = validate_document(doc, schema)
            line = None if problems else to_doccano_line(doc, schema)
            if line is not None and line[META_HASH] in index:
                report.already_there += 1
                continue
            problems = problems or validate_line(line or {}, schema)
            if problems or line is None:
                report.invalid[doc.id] = problems
                continue
            digest = line[META_HASH]
            if doc.id in hashes_by_id and hashes_by_id[doc.id] != digest:
                report.stale.append(doc.id)
            index[digest] = []  # a second record with the same id and text is not uploaded twice
            yield doc.id, line

    uploaded: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="corpusprep-push-") as tmp:
        for number, batch in enumerate(_batches(new_lines(), batch_size), start=1):
            path = Path(tmp) / f"batch-{number:05d}.jsonl"
            path.write_text("".join(dump_line(line) for _, line in batch), encoding="utf-8")
            for problem in client.upload(project.id, path):
                in_batch = 0 < problem.line <= len(batch)
                doc_id = batch[problem.line - 1][0] if in_batch else f"{path.name}:{problem.line}"
                report.rejected.append((doc_id, problem.message))
            uploaded += [(doc_id, line[META_HASH]) for doc_id, line in batch]

    if uploaded:
        after = server_documents(client, project.id)
        report.duplicates_removed += remove_duplicates(client, project.id, after)
        rejected = {doc_id for doc_id, _ in report.rejected}
        # a rejected line may still have left its example behind, without some spans: remove it,
        # so that the next push uploads the corrected document whole
        partial = [c.example_id for doc_id, digest in uploaded if doc_id in rejected for c in after.pop(digest, [])]
        client.delete_examples(project.id, partial)
        report.uploaded = sum(1 for _, digest in uploaded if digest in after)
        report.missing_after_upload = [
            doc_id for doc_id, digest in uploaded if digest not in after and doc_id not in rejected
        ]
    return report
