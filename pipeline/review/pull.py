"""Pull reviews back: join doccano's examples to their records by document hash.

Every record found on the server comes back with doccano's current spans and
relations as entities and quotes, and ``review`` saying whether it is confirmed
and by whom.  Records not on the server are left out (their pre-labels stand);
examples on the server without a matching record are counted, not guessed at.
Each review says when it was pulled (``pulled_at``), so that a later pull can tell
which of two reviews of a document is newer (see ``merge``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pipeline.core.record import Document
from pipeline.core.schema import Schema
from pipeline.review.client import ReviewClient, ReviewError, check_project
from pipeline.review.convert import document_hash, from_server, labels_hash, to_reviewed
from pipeline.review.merge import PULLED_AT
from pipeline.review.push import ServerDocument, server_documents


@dataclass
class PullReport:
    project: str
    reviewed: int = 0
    confirmed: int = 0
    edited: int = 0
    not_on_server: int = 0
    unmatched_on_server: int = 0
    on_server: int = 0  # documents in the project (distinct document hashes)
    matched: int = 0  # of those, documents some input record matches
    text_changed: list[str] = field(default_factory=list)


def pull_documents(
    documents: Iterable[Document],
    client: ReviewClient,
    project_name: str,
    schema: Schema,
    report: PullReport,
    *,
    confirmed_only: bool = False,
    pulled_at: datetime | None = None,
) -> Iterator[Document]:
    """Yield the reviewed version of each record that is in the project (fills ``report`` as it goes).

    ``pulled_at`` (default: now) is written into every review, in UTC.
    """
    stamp = (pulled_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    project = client.find_project(project_name)
    if project is None:
        raise ReviewError(f"doccano has no project {project_name!r}: push the pre-labels first (`corpusprep doccano push`)")
    check_project(project)
    index = server_documents(client, project.id)
    report.on_server = len(index)
    users = client.usernames(project.id)
    matched: set[str] = set()
    for doc in documents:
        digest = document_hash(doc.id, doc.text)
        copies = index.get(digest)
        if not copies:
            report.not_on_server += 1
            continue
        matched.add(digest)
        found: ServerDocument = sorted(copies, key=lambda d: (not d.confirmed, d.example_id))[0]
        if found.text != doc.text:
            report.text_changed.append(doc.id)
            continue
        if confirmed_only and not found.confirmed:
            continue
        annotations = from_server(
            doc.text, client.spans(project.id, found.example_id), client.relations(project.id, found.example_id)
        )
        edited = labels_hash(*annotations.keys()) != found.pushed_labels
        by = [users.get(uid, f"user#{uid}") for uid in client.confirmed_by(project.id, found.example_id)]
        review = {
            "state": "confirmed" if found.confirmed else "unconfirmed",
            "by": sorted(by),
            "doccano_example_id": found.example_id,
            "doccano_project": project_name,
            "document_hash": digest,
            "edited": edited,
            PULLED_AT: stamp,
        }
        report.reviewed += 1
        report.confirmed += found.confirmed
        report.edited += edited
        yield to_reviewed(doc, annotations, schema, review)
    report.matched = len(matched)
    report.unmatched_on_server = len(set(index) - matched)
