"""Double review: a sample of documents that two or more reviewers annotate alone, read back per reviewer.

``push --double-review N`` puts a seeded sample of N documents into a second doccano project
with individual annotations (``collaborative_annotation`` off) and makes the reviewers its
annotators; the other documents go to the shared project as before.  doccano 1.8.4 has no
assignment of documents to people: in an individual project every member sees every document
and only their own spans, so each reviewer annotates the whole sample independently.

The documents go up as text only.  doccano gives imported spans to the importing user, whom
the reviewers of an individual project never see; and pre-labels shown to both reviewers would
make them agree with the machine, not measure how far people agree.

The sample is drawn by a seeded hash of each document's id (the N lowest), so the same input
and seed give the same sample whatever the file's order; documents already in the double
project stay in the sample, so pushing a grown input never moves a document out of it.

Reading back: in an individual project the REST API shows each user only their own spans, so
the reviewers' work is read from doccano's export (one file per member); a reviewer counts for a
document once they confirmed it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import dump_line
from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.review.agreement import Annotation, DoubleDocument
from pipeline.review.client import ReviewClient, ReviewError, check_project
from pipeline.review.convert import META_HASH, OffsetMap, to_doccano_line, validate_document
from pipeline.review.push import BATCH_SIZE, _batches, server_documents

ANNOTATOR = "annotator"
DOUBLE_SUFFIX = "-double"
DOUBLE_DESCRIPTION = (
    "Double review: annotate each article on your own (you see only your spans): entity spans (PERSON, ORG, DATE, "
    "PERCENT) and quotes (CONTENT linked to its SPEAKER and CUE), then confirm it. Agreement between reviewers "
    "is measured on these documents."
)


def double_project_name(project: str) -> str:
    return f"{project}{DOUBLE_SUFFIX}"


def sample_rank(doc_id: str, seed: int) -> str:
    """A document's place in the seeded draw: the SHA-256 of the seed and its id."""
    return hashlib.sha256(f"{seed}\n{doc_id}".encode()).hexdigest()


def choose_sample(ids: Sequence[str], size: int, seed: int, already: Iterable[str] = ()) -> set[str]:
    """The ids in the double-review sample: those ``already`` there, then the lowest-ranked others up to ``size``."""
    kept = set(already) & set(ids)
    others = sorted((i for i in set(ids) if i not in kept), key=lambda i: sample_rank(i, seed))
    return kept | set(others[: max(size - len(kept), 0)])


def text_only(doc: Document) -> Document:
    """The record without pre-labels: what each reviewer of the sample starts from."""
    plain = Document.from_dict(doc.to_dict())
    plain.entities, plain.quotes = [], []
    return plain


@dataclass
class DoubleReport:
    project: str
    project_id: int
    created: int = 0
    unchanged: int = 0
    reviewers: list[str] = field(default_factory=list)
    other_roles: dict[str, str] = field(default_factory=dict)  # members named as reviewers with another role
    invalid: dict[str, list[str]] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.invalid or self.rejected)


def push_double(
    documents: Iterable[Document],
    client: ReviewClient,
    project_name: str,
    reviewers: Sequence[str],
    schema: Schema,
    *,
    batch_size: int = BATCH_SIZE,
) -> DoubleReport:
    """Create or reuse the double-review project, upload the documents it lacks (text only), add the reviewers.

    Documents already there are left alone (never refreshed or deleted: the admin cannot see
    whether a reviewer has started on them).
    """
    if len(set(reviewers)) < 2:
        raise ReviewError("double review needs two or more reviewers: name them with --reviewer NAME --reviewer NAME")
    project = client.ensure_project(project_name, DOUBLE_DESCRIPTION, collaborative=False)
    pid = project.id
    client.ensure_label_types(pid, schema)
    report = DoubleReport(project_name, pid)
    for name in sorted(set(reviewers)):
        client.add_member(pid, name, ANNOTATOR)
    for member in client.members(pid):
        if member.username in reviewers and member.role != ANNOTATOR:
            report.other_roles[member.username] = member.role
    report.reviewers = sorted(set(reviewers))
    on_server = set(server_documents(client, pid))
    lines: list[tuple[str, dict[str, Any]]] = []
    for doc in documents:
        problems = validate_document(doc, schema)
        if problems:
            report.invalid[doc.id] = problems
            continue
        line = to_doccano_line(text_only(doc), schema)
        if line[META_HASH] in on_server:
            report.unchanged += 1
            continue
        on_server.add(str(line[META_HASH]))
        lines.append((doc.id, line))
    with tempfile.TemporaryDirectory(prefix="corpusprep-double-") as tmp:
        for number, batch in enumerate(_batches(lines, batch_size), start=1):
            path = Path(tmp) / f"double-{number:05d}.jsonl"
            path.write_text("".join(dump_line(line) for _, line in batch), encoding="utf-8")
            problems = client.upload(pid, path)
            for problem in problems:
                in_batch = 0 < problem.line <= len(batch)
                report.rejected.append((batch[problem.line - 1][0] if in_batch else f"{path.name}:{problem.line}",
                                        problem.message))  # fmt: skip
            report.created += len(batch) - len(problems)
    return report


def double_documents(client: ReviewClient, project_name: str) -> list[str]:
    """Ids of the documents in a double-review project (none when it does not exist)."""
    project = client.find_project(project_name)
    if project is None:
        return []
    check_project(project, collaborative=False)
    return [copy.doc_id for copies in server_documents(client, project.id).values() for copy in copies]


def annotation_of(row: dict[str, Any]) -> Annotation:
    """One member's export row as spans and links in code points (doccano keeps the UTF-16 offsets pushed)."""
    offsets = OffsetMap(str(row.get("text") or ""))
    spans = {
        int(e["id"]): (offsets.to_index(int(e["start_offset"])), offsets.to_index(int(e["end_offset"]), end=True),
                       str(e["label"]))
        for e in row.get("entities") or []
    }  # fmt: skip
    links = {
        (spans[r["from_id"]], spans[r["to_id"]], str(r["type"]))
        for r in row.get("relations") or []
        if r.get("from_id") in spans and r.get("to_id") in spans
    }
    return Annotation(frozenset(spans.values()), frozenset(links))


@dataclass(frozen=True)
class DoubleProject:
    """A double-review project as read back: its reviewers and each document with every confirmed annotation."""

    name: str
    project_id: int
    reviewers: list[str]
    documents: list[DoubleDocument]


def read_double(client: ReviewClient, project_name: str) -> DoubleProject:
    """Each reviewer's confirmed annotations per document (reviewers: the project's annotators)."""
    project = client.find_project(project_name)
    if project is None:
        raise ReviewError(
            f"doccano has no project {project_name!r}: push a sample first (`corpusprep doccano push --double-review N "
            "--reviewer A --reviewer B`), or name the project with --project"
        )
    check_project(project, collaborative=False)
    reviewers = sorted(m.username for m in client.members(project.id) if m.role == ANNOTATOR)
    exported = client.export_individual(project.id, confirmed_only=True)
    index = server_documents(client, project.id)
    documents: dict[str, tuple[str, str, int, dict[str, Annotation]]] = {
        digest: (copies[0].doc_id, copies[0].text, copies[0].example_id, {})
        for digest, copies in index.items()
    }  # fmt: skip
    for reviewer in reviewers:
        for row in exported.get(reviewer, []):
            digest = str(row.get(META_HASH) or "")
            if digest not in documents:
                continue  # not one of ours (no document hash)
            doc_id, text, example_id, by = documents[digest]
            if int(row.get("id", -1)) != example_id or str(row.get("text")) != text:
                continue  # another copy of the document: only the first is compared
            by[reviewer] = annotation_of(row)
    return DoubleProject(
        project_name,
        project.id,
        reviewers,
        [DoubleDocument(doc_id, text, digest, example_id, by) for digest, (doc_id, text, example_id, by) in
         sorted(documents.items(), key=lambda item: (item[1][2], item[0]))],
    )  # fmt: skip
