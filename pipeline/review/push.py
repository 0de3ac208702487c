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

An import doccano's worker did not finish (server stopped, worker killed) leaves
its documents part way: doccano 1.8.4 creates a batch's examples, then all their
spans, then all their relations, each step at once for the whole batch.  Such a
document looks like one a reviewer emptied, so push keeps a ledger
(:class:`ImportLedger`) of the batches it sent and did not see imported.  The next
push completes a document of such a batch (uploads it afresh, then deletes the
part-way copy, as a refresh does) only if nobody confirmed, approved or commented
it, every annotation on it is the importing user's, it carries exactly what one
import step leaves, and every part-way document of its batch stopped at the same
step.  Without the ledger (another machine, a deleted file) such documents are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
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
    record_annotations,
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
    RESUME = "resume"  # an unfinished import left the example part way, and nobody touched it since
    KEEP = "keep"  # new pre-labels, but a reviewer touched the example (or it cannot be told)


@dataclass
class PushReport:
    project: str
    project_id: int
    created: int = 0
    refreshed: int = 0
    resumed: int = 0
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
        meta = example.meta
        if META_HASH not in meta:
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


def server_annotations(client: ReviewClient, project_id: int, doc: ServerDocument) -> tuple[str, frozenset[int]]:
    """Hash of the spans and relations the example carries now (comparable with ``labels_hash``), and their users."""
    spans, relations = client.spans(project_id, doc.example_id), client.relations(project_id, doc.example_id)
    users = frozenset(a.user for a in [*spans, *relations] if a.user is not None)
    if any(a.user is None for a in [*spans, *relations]):
        users |= {-1}  # an annotation of unknown user is nobody's import
    return labels_hash(*from_server(doc.text, spans, relations).keys()), users


def server_labels(client: ReviewClient, project_id: int, doc: ServerDocument) -> str:
    """Hash of the spans and relations the example carries now, comparable with ``labels_hash``."""
    return server_annotations(client, project_id, doc)[0]


def marked(doc: ServerDocument) -> bool:
    """A reviewer's explicit trace: confirmed, approved or commented."""
    return doc.confirmed or doc.approved or bool(doc.comments)


# --- decisions (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyFacts:
    """What decides a copy's fate; ``current`` is None when its annotations were not looked at."""

    example_id: int
    pushed_labels: str
    marked: bool = False
    current: str | None = None
    part_way: bool = False  # an unfinished import left it part way, and nobody touched it since


def is_untouched(copy: CopyFacts) -> bool:
    """No trace of a reviewer: unmarked and exactly the annotations pushed (unknown ones count as touched)."""
    return not copy.marked and bool(copy.pushed_labels) and copy.current == copy.pushed_labels


def is_replaceable(copy: CopyFacts) -> bool:
    """Holds nobody's work: untouched, or left part way by an import nobody touched since."""
    return copy.part_way or is_untouched(copy)


def decide(copies: list[CopyFacts], labels: str) -> Decision:
    """Compare a record's pre-labels (``labels``, a ``labels_hash``) with its document on the server."""
    if len(copies) == 1 and copies[0].part_way:
        return Decision.RESUME
    if any(copy.pushed_labels == labels for copy in copies):
        return Decision.UNCHANGED
    if len(copies) != 1:
        return Decision.KEEP  # copies left after duplicate repair are all touched
    (copy,) = copies
    if copy.current is None:
        return Decision.KEEP
    if not copy.pushed_labels:  # no record of what was pushed: the server's annotations may be a reviewer's
        return Decision.UNCHANGED if copy.current == labels else Decision.KEEP
    return Decision.REFRESH if is_untouched(copy) else Decision.KEEP


def import_steps(spans: list[Any], relations: list[Any]) -> tuple[str, ...]:
    """The annotations an import stopped after each step leaves: none (examples only), spans without relations."""
    return labels_hash([], []), labels_hash(spans, [])


@dataclass(frozen=True)
class ImportedCopy:
    """A copy created by a batch whose import push did not see finish, as the server shows it now."""

    example_id: int
    pushed_labels: str
    steps: tuple[str, ...]  # ``import_steps`` of what was sent
    marked: bool
    current: str
    users: frozenset[int]


def step_left(copy: ImportedCopy, importer: int) -> int | None:
    """The import step the copy stopped after, if it shows exactly that step's annotations and no reviewer's trace."""
    if copy.marked or copy.current == copy.pushed_labels or not copy.users <= {importer}:
        return None
    return next((number for number, step in enumerate(copy.steps) if step == copy.current), None)


def left_part_way(copies: list[ImportedCopy], importer: int) -> dict[int, int]:
    """Example id -> step of one batch's copies its unfinished import left part way (and nobody touched since).

    doccano imports a batch step by step, each step at once for the whole batch, so an import stops at one
    step for all its part-way documents: copies at different steps mean someone emptied some, and none is taken.
    """
    found = {copy.example_id: step_left(copy, importer) for copy in copies}
    part_way = {example_id: step for example_id, step in found.items() if step is not None}
    return part_way if len(set(part_way.values())) <= 1 else {}


# --- the ledger of batches sent and not seen imported ---------------------------------------


@dataclass(frozen=True)
class SentDocument:
    """A document as sent in a batch: the labels pushed, what each import step leaves, the copies it had before."""

    labels: str
    steps: tuple[str, ...]
    earlier: tuple[int, ...] = ()


@dataclass
class SentBatch:
    """A batch handed to doccano whose import push has not seen finish."""

    name: str
    importer: int  # user id that doccano gives the batch's annotations
    documents: dict[str, SentDocument]  # by document hash
    task: str | None = None  # the import task, once doccano named it


class ImportLedger:
    """The batches sent to one project and not seen imported, in a JSON file replaced whole on every change.

    A batch is recorded before it is sent and removed once its import task is seen to
    succeed; whatever the file holds when a push starts came from a push that stopped.
    """

    def __init__(self, path: Path, server: str, project_id: int) -> None:
        self.path, self.server, self.project_id = path, server, project_id
        self.batches: list[SentBatch] = self._read()

    @classmethod
    def in_folder(cls, folder: Path, server: str, project_id: int) -> ImportLedger:
        key = hashlib.sha256(server.rstrip("/").encode()).hexdigest()[:16]
        return cls(folder / f"{key}-project-{project_id}.json", server, project_id)

    def _read(self) -> list[SentBatch]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        if data.get("server") != self.server.rstrip("/") or data.get("project_id") != self.project_id:
            return []  # another server's or project's ledger under a colliding name: not ours to act on
        return [
            SentBatch(b["name"], int(b["importer"]), {
                digest: SentDocument(d["labels"], tuple(d["steps"]), tuple(d["earlier"]))
                for digest, d in b["documents"].items()
            }, b.get("task"))
            for b in data["batches"]
        ]  # fmt: skip

    def save(self) -> None:
        if not self.batches:
            self.path.unlink(missing_ok=True)
            return
        data = {"server": self.server.rstrip("/"), "project_id": self.project_id, "batches": [
            {"name": b.name, "importer": b.importer, "task": b.task, "documents": {
                digest: {"labels": d.labels, "steps": list(d.steps), "earlier": list(d.earlier)}
                for digest, d in b.documents.items()
            }} for b in self.batches
        ]}  # fmt: skip
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


@dataclass(frozen=True)
class PartWay:
    """A copy an unfinished import left part way: the step it stopped after, and who imported it."""

    step: int
    steps: tuple[str, ...]
    importer: int


def find_part_way(
    client: ReviewClient, project_id: int, index: dict[str, list[ServerDocument]], batches: list[SentBatch]
) -> dict[int, PartWay]:
    """The copies that batches whose import did not finish left part way, by example id."""
    found: dict[int, PartWay] = {}
    for batch in batches:
        copies: list[ImportedCopy] = []
        for digest, sent in batch.documents.items():
            for doc in index.get(digest, []):
                if doc.example_id in sent.earlier or doc.pushed_labels != sent.labels:
                    continue  # not a copy this batch created
                current, users = server_annotations(client, project_id, doc)
                copies.append(ImportedCopy(doc.example_id, doc.pushed_labels, sent.steps, marked(doc), current, users))
        steps = {copy.example_id: copy.steps for copy in copies}
        for example_id, step in left_part_way(copies, batch.importer).items():
            found[example_id] = PartWay(step, steps[example_id], batch.importer)
    return found


def still_part_way(client: ReviewClient, project_id: int, doc: ServerDocument, part_way: PartWay) -> bool:
    """The copy still shows the step it was found at, and no reviewer's trace."""
    current, users = server_annotations(client, project_id, doc)
    copy = ImportedCopy(doc.example_id, doc.pushed_labels, part_way.steps, marked(doc), current, users)
    return step_left(copy, part_way.importer) == part_way.step


def facts(
    client: ReviewClient, project_id: int, doc: ServerDocument, part_way: dict[int, PartWay], *, look: bool = True
) -> CopyFacts:
    """A copy's facts; with ``look`` its current annotations are fetched."""
    current = server_labels(client, project_id, doc) if look else None
    return CopyFacts(doc.example_id, doc.pushed_labels, marked(doc), current, doc.example_id in part_way)


def untouched(client: ReviewClient, project_id: int, doc: ServerDocument) -> bool:
    """No trace of a reviewer: unconfirmed, unapproved, uncommented, and exactly the annotations pushed."""
    return is_untouched(facts(client, project_id, doc, {}))


def remove_duplicates(
    client: ReviewClient, project_id: int, index: dict[str, list[ServerDocument]], part_way: dict[int, PartWay] | None = None
) -> int:
    """Keep one example per document, preferring a confirmed, then a touched, then a whole, then the oldest one.

    Only copies holding nobody's work are deleted, so every copy a reviewer touched stays.
    """
    part_way = part_way or {}
    doomed = []
    for copies in index.values():
        if len(copies) < 2:
            continue
        free = {copy.example_id: is_replaceable(facts(client, project_id, copy, part_way)) for copy in copies}
        copies.sort(key=lambda d: (not d.confirmed, free[d.example_id], d.example_id in part_way, d.example_id))
        keep, *rest = copies
        removable = [d for d in rest if free[d.example_id]]
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
    ledger_folder: Path | None = None,
) -> PushReport:
    """Create or reuse the project and its label types, upload new documents and refresh untouched ones.

    With ``ledger_folder`` the batches sent are recorded there until their import is
    seen to finish, and documents an earlier push's unfinished import left part way
    are completed.
    """
    project = client.ensure_project(project_name, PROJECT_DESCRIPTION)
    pid = project.id
    client.ensure_label_types(pid, schema)
    report = PushReport(project_name, pid)
    index = server_documents(client, pid)
    ledger = ImportLedger.in_folder(ledger_folder, client.settings.url, pid) if ledger_folder else None
    unfinished = [b for b in ledger.batches if not (b.task and client.import_succeeded(b.task))] if ledger else []
    part_way = find_part_way(client, pid, index, unfinished)
    report.duplicates_removed += remove_duplicates(client, pid, index, part_way)
    hashes_by_id = {d.doc_id: h for h, copies in index.items() for d in copies}
    known = {d.example_id for copies in index.values() for d in copies}
    replaces: dict[str, int] = {}  # document hash -> the replaceable example a refreshed upload replaces
    handled: set[str] = set()
    sent: dict[str, SentDocument] = {}  # document hash -> as it goes into the next batch

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
                labels = str(line[META_LABELS])
                look = not any(copy.pushed_labels == labels for copy in copies)
                decision = decide([facts(client, pid, c, part_way, look=look) for c in copies], labels)
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
            spans, relations = record_annotations(doc, schema)
            sent[digest] = SentDocument(str(line[META_LABELS]), import_steps(spans, relations),
                                        tuple(c.example_id for c in copies))  # fmt: skip
            yield doc.id, line

    importer = client.user_id() if ledger else 0
    uploaded: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="corpusprep-push-") as tmp:
        for number, batch in enumerate(_batches(new_lines(), batch_size), start=1):
            path = Path(tmp) / f"batch-{number:05d}.jsonl"
            path.write_text("".join(dump_line(line) for _, line in batch), encoding="utf-8")
            record = SentBatch(path.name, importer, {str(line[META_HASH]): sent[line[META_HASH]] for _, line in batch})
            if ledger:
                ledger.batches.append(record)
                ledger.save()  # before doccano sees the batch
            task = client.start_import(pid, path)
            if ledger:
                record.task = task
                ledger.save()
            problems = client.wait_for_import(task)
            if ledger:
                ledger.batches.remove(record)
                ledger.save()
            for problem in problems:
                in_batch = 0 < problem.line <= len(batch)
                doc_id = batch[problem.line - 1][0] if in_batch else f"{path.name}:{problem.line}"
                report.rejected.append((doc_id, problem.message))
            uploaded += [(doc_id, line[META_HASH]) for doc_id, line in batch]

    final = index
    if uploaded:
        final = after = server_documents(client, pid)
        _settle_uploads(client, pid, report, uploaded, after, known, replaces, part_way)
        report.duplicates_removed += remove_duplicates(client, pid, after)
    if ledger:
        _forget_settled(ledger, unfinished, final, part_way)
    return report


def _forget_settled(
    ledger: ImportLedger, unfinished: list[SentBatch], final: dict[str, list[ServerDocument]], part_way: dict[int, PartWay]
) -> None:
    """Keep in the ledger only the documents still left part way on the server (not in this push's input).

    The rest were completed, are kept as a reviewer left them, or are whole or gone.
    """
    left = {digest for digest, copies in final.items() if any(c.example_id in part_way for c in copies)}
    for batch in unfinished:
        batch.documents = {digest: sent for digest, sent in batch.documents.items() if digest in left}
        if not batch.documents:
            ledger.batches.remove(batch)
    ledger.save()


def _settle_uploads(
    client: ReviewClient,
    pid: int,
    report: PushReport,
    uploaded: list[tuple[str, str]],
    after: dict[str, list[ServerDocument]],
    known: set[int],
    replaces: dict[str, int],
    part_way: dict[int, PartWay],
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
            if old and not _still_replaceable(client, pid, old[0], part_way):  # a reviewer got to it during the push
                part_way.pop(old[0].example_id, None)  # theirs now: never to be completed
                doomed += [c.example_id for c in fresh]
                after[digest] = older
                report.kept.append(doc_id)
            else:
                doomed += [c.example_id for c in old]
                after[digest] = [c for c in copies if c not in old]
                if old and old[0].example_id in part_way:
                    report.resumed += 1
                else:
                    report.refreshed += 1
    client.delete_examples(pid, doomed)
    for digest in [d for d, copies in after.items() if not copies]:
        del after[digest]


def _still_replaceable(client: ReviewClient, pid: int, doc: ServerDocument, part_way: dict[int, PartWay]) -> bool:
    """Checked once more just before deleting: untouched, or still at the step its import stopped after."""
    if doc.example_id in part_way and still_part_way(client, pid, doc, part_way[doc.example_id]):
        return True
    return untouched(client, pid, doc)
