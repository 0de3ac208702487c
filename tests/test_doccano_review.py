"""The review loop against a real doccano 1.8.4: push, review through the API, pull, push again."""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from doccano_reviewer import (
    add_comment,
    add_member,
    add_relation,
    add_span,
    create_project,
    create_user,
    delete_span,
    example_text,
    toggle_confirmed,
)
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.jsonl import read_documents, write_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.review.client import ReviewClient, ReviewError
from pipeline.review.convert import META_LABELS, document_hash, to_doccano_line
from pipeline.review.pull import PullReport, pull_documents
from pipeline.review.push import push_documents, server_documents, server_labels
from pipeline.review.server import LocalServer
from pipeline.review.settings import ServerSettings, credentials_path
from pipeline.review.status import review_progress

pytestmark = pytest.mark.doccano

FIXTURES = Path(__file__).parent / "fixtures"
PRELABELED = FIXTURES / "prelabeled_seed.jsonl"
SCHEMA = load_schema()
PROJECT = "review-loop"
SEED_ID, NONBMP_ID = "000_2ac1f2df68704ade", "nonbmp_yoshinoya"


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["doccano", *args])


def snapshot(client: ReviewClient, project_id: int) -> list[tuple]:
    """Everything a push could change: examples, their metadata, spans, relations, confirmations."""
    rows = []
    for example in client.examples(project_id):
        assert example.id is not None
        rows.append((
            example.id, json.dumps(example.meta, sort_keys=True), example.is_confirmed,
            sorted(client.spans(project_id, example.id), key=lambda s: s.id),
            sorted(client.relations(project_id, example.id), key=lambda r: r.id),
            client.confirmed_by(project_id, example.id),
        ))  # fmt: skip
    return sorted(rows)


def example_of(client: ReviewClient, project_id: int, doc_id: str) -> int:
    (copy,) = [c for copies in server_documents(client, project_id).values() for c in copies if c.doc_id == doc_id]
    return copy.example_id


def test_local_server_is_private(doccano_server: LocalServer) -> None:
    path = credentials_path(doccano_server.home)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    port = int(doccano_server.settings.url.rsplit(":", 1)[1])
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:] if line.split()[3] == "0A"]
    assert f"0100007F:{port:04X}" in listening  # bound to 127.0.0.1 only
    assert f"00000000:{port:04X}" not in listening


def test_review_loop_keeps_exactly_the_reviewers_edits(
    doccano_server: LocalServer, admin_client: ReviewClient, cli_env: Any, tmp_path: Path
) -> None:
    result = cli("push", "--input", str(PRELABELED), "--project", PROJECT)
    assert result.exit_code == 0, result.output
    project = admin_client.find_project(PROJECT)
    assert project is not None and project.id is not None
    pid = project.id
    assert len(snapshot(admin_client, pid)) == 2

    # what the web UI will show: doccano keeps the pushed offsets, counted in UTF-16 units
    nonbmp = example_of(admin_client, pid, NONBMP_ID)
    text = example_text(admin_client, pid, nonbmp)
    shown = {(text.encode("utf-16-le")[2 * s.start : 2 * s.end].decode("utf-16-le"), s.label)
             for s in admin_client.spans(pid, nonbmp)}  # fmt: skip
    assert {("𠮷野家", "ORG"), ("安部修仁", "PERSON"), ("𠮷野家今年将在中国新开50家店", "CONTENT")} <= shown

    # a reviewer corrects the seed article in doccano (through the same API the web UI uses)
    create_user(admin_client, "reviewer", "review-pass-1998")
    add_member(admin_client, pid, "reviewer", "annotator")
    reviewer = ReviewClient.connect(ServerSettings(doccano_server.settings.url, "reviewer", "review-pass-1998"))
    seed = next(d for d in read_documents(PRELABELED) if d.id == SEED_ID)
    eid = example_of(reviewer, pid, SEED_ID)
    spans = {(seed.text[s.start : s.end], s.label): s.id for s in reviewer.spans(pid, eid)}
    delete_span(reviewer, pid, eid, spans[("郑州日报", "PERSON")])  # wrong span
    start = seed.text.index("郑州日报")
    add_span(reviewer, pid, eid, start, start + 4, "ORG")  # missing span
    delete_span(reviewer, pid, eid, spans[("记者", "SPEAKER")])  # wrong speaker (its relation goes with it)
    speaker = add_span(reviewer, pid, eid, start, start + 6, "SPEAKER")
    add_relation(reviewer, pid, eid, spans[("今年投资增长12%。", "CONTENT")], speaker, "SPEAKER_OF")
    toggle_confirmed(reviewer, pid, eid)  # confirm

    output = tmp_path / "reviewed.jsonl"
    result = cli("pull", "--input", str(PRELABELED), "--output", str(output), "--project", PROJECT)
    assert result.exit_code == 0, result.output
    reviewed = {d.id: d for d in read_documents(output)}
    pre = {d.id: d for d in read_documents(PRELABELED)}
    assert set(reviewed) == {SEED_ID, NONBMP_ID}

    key = lambda e: (e["start"], e["end"], e["label"], e["text"])  # noqa: E731
    got, before = reviewed[SEED_ID], pre[SEED_ID]
    assert {key(e) for e in before.entities} - {key(e) for e in got.entities} == {(start, start + 4, "PERSON", "郑州日报")}
    assert {key(e) for e in got.entities} - {key(e) for e in before.entities} == {(start, start + 4, "ORG", "郑州日报")}
    changed = [q for q in got.quotes if q not in before.quotes]
    assert len(changed) == 1 and len(got.quotes) == len(before.quotes)
    assert changed[0]["speaker"] == {"start": start, "end": start + 6, "text": "郑州日报记者"}
    assert changed[0]["speaker_name"] == "郑州日报记者" and changed[0]["content"]["text"] == "今年投资增长12%。"
    assert next(q for q in got.quotes if q["speaker"]["text"] == "他")["speaker_name"] == "吴天君"
    pulled_at = datetime.fromisoformat(got.review.pop("pulled_at"))  # when, in UTC, so a later pull can tell newer
    assert pulled_at.utcoffset() == timedelta(0) and abs(datetime.now(timezone.utc) - pulled_at) < timedelta(minutes=5)
    assert got.review == {"state": "confirmed", "by": ["reviewer"], "doccano_example_id": eid,
                          "doccano_project": PROJECT, "document_hash": document_hash(SEED_ID, seed.text),
                          "edited": True}  # fmt: skip

    untouched, its_pre = reviewed[NONBMP_ID], pre[NONBMP_ID]
    assert sorted(map(key, untouched.entities)) == sorted(map(key, its_pre.entities))
    assert untouched.quotes == its_pre.quotes and untouched.text == its_pre.text
    assert untouched.review["state"] == "unconfirmed" and untouched.review["edited"] is False

    # pushing again after the review changes nothing on the server, and duplicates nothing
    before_push = snapshot(admin_client, pid)
    result = cli("push", "--input", str(PRELABELED), "--project", PROJECT)
    assert result.exit_code == 0, result.output
    assert "0 created, 0 refreshed, 2 unchanged, 0 kept" in " ".join(result.output.split())
    assert snapshot(admin_client, pid) == before_push

    (row,) = review_progress(admin_client, PROJECT)
    assert (row.documents, row.confirmed, row.remaining) == (2, 1, 1)
    result = cli("status", "--project", PROJECT)
    assert result.exit_code == 0 and PROJECT in result.output


def test_wrong_credentials_are_named(doccano_server: LocalServer) -> None:
    with pytest.raises(ReviewError, match="wrong credentials"):
        ReviewClient.connect(ServerSettings(doccano_server.settings.url, "admin", "not-the-password"))


def test_a_project_of_the_wrong_type_is_refused(admin_client: ReviewClient) -> None:
    create_project(admin_client, "classification", "DocumentClassification", "TextClassificationProject", "not for quotes")
    documents = list(read_documents(PRELABELED))
    with pytest.raises(ReviewError, match="does not fit.*--project"):
        push_documents(documents, admin_client, "classification", SCHEMA)


def test_a_rejected_line_is_returned_not_raised(admin_client: ReviewClient, tmp_path: Path) -> None:
    project = admin_client.ensure_project("rejects", "rejected lines")
    assert project.id is not None
    admin_client.ensure_label_types(project.id, SCHEMA)
    good = to_doccano_line(next(read_documents(PRELABELED)), SCHEMA)
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps({**good, "text": "", "entities": [], "relations": []}) + "\n")
    problems = admin_client.upload(project.id, path)
    assert [p.line for p in problems] == [2]


def test_duplicates_from_a_retried_import_are_repaired(admin_client: ReviewClient, tmp_path: Path) -> None:
    project = admin_client.ensure_project("retried", "duplicate repair")
    assert project.id is not None
    admin_client.ensure_label_types(project.id, SCHEMA)
    documents = list(read_documents(PRELABELED))
    path = tmp_path / "twice.jsonl"
    path.write_text(json.dumps(to_doccano_line(documents[0], SCHEMA), ensure_ascii=False) + "\n")
    admin_client.upload(project.id, path)
    admin_client.upload(project.id, path)
    report = push_documents(documents, admin_client, "retried", SCHEMA)
    assert (report.duplicates_removed, report.unchanged, report.created) == (1, 1, 1)
    index = server_documents(admin_client, project.id)
    assert sorted(len(copies) for copies in index.values()) == [1, 1]


def test_worker_timeout_is_bounded_and_a_rerun_repairs(doccano_server: LocalServer, admin_client: ReviewClient) -> None:
    documents = list(read_documents(PRELABELED))
    impatient = ReviewClient.connect(doccano_server.settings, task_timeout=0.0)
    with pytest.raises(ReviewError, match="did not finish.*Run push again"):
        push_documents(documents, impatient, "timeout", SCHEMA)
    project = admin_client.find_project("timeout")
    assert project is not None and project.id is not None
    deadline = time.monotonic() + 120
    while len(server_documents(admin_client, project.id)) < len(documents) and time.monotonic() < deadline:
        time.sleep(0.5)  # the import goes on in doccano's worker
    report = push_documents(documents, admin_client, "timeout", SCHEMA)
    assert report.ok and report.created == 0 and report.unchanged == len(documents)
    hashes = {document_hash(d.id, d.text) for d in documents}
    index = server_documents(admin_client, project.id)
    assert set(index) == hashes and all(len(c) == 1 for c in index.values())


def test_lists_are_read_page_by_page(admin_client: ReviewClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example and project arrives when doccano splits its lists into pages of one."""
    report = push_documents(read_documents(PRELABELED), admin_client, "paged", SCHEMA)
    whole = sorted(e.id for e in admin_client.examples(report.project_id))
    everything = {p.id for p in admin_client.projects()}
    monkeypatch.setattr("pipeline.review.client.PAGE_SIZE", 1)
    assert sorted(e.id for e in admin_client.examples(report.project_id)) == whole and len(whole) == 2
    assert {p.id for p in admin_client.projects()} == everything and len(everything) > 1
    assert admin_client.progress(report.project_id) == (2, 0)


def test_pull_without_a_project_says_push_first(admin_client: ReviewClient) -> None:
    with pytest.raises(ReviewError, match="push the pre-labels first"):
        list(pull_documents(read_documents(PRELABELED), admin_client, "never-pushed", SCHEMA, PullReport("x")))



# --- pushing again after the pre-labels changed -------------------------------------------


def relabelled(doc: Document) -> Document:
    """The record as a better pre-labeller might see it: its first entity dropped, its last quote's cue unlinked."""
    new = Document.from_dict(doc.to_dict())
    first = min(new.entities, key=lambda e: (e["start"], e["end"]))
    new.entities = [e for e in new.entities if e is not first]
    new.quotes[-1] = {**new.quotes[-1], "cue": None}
    return new


def renamed(doc: Document, doc_id: str) -> Document:
    return Document.from_dict({**doc.to_dict(), "id": doc_id})


def pushed_labels_of(doc: Document) -> str:
    return str(to_doccano_line(doc, SCHEMA)[META_LABELS])


def server_labels_of(client: ReviewClient, project_id: int, doc_id: str) -> str:
    (copy,) = [c for copies in server_documents(client, project_id).values() for c in copies if c.doc_id == doc_id]
    return server_labels(client, project_id, copy)


def test_repush_refreshes_untouched_documents_and_keeps_reviewed_ones(
    doccano_server: LocalServer, admin_client: ReviewClient, cli_env: Any, tmp_path: Path
) -> None:
    seed, nonbmp = (next(d for d in read_documents(PRELABELED) if d.id == i) for i in (SEED_ID, NONBMP_ID))
    confirmed_id = f"{SEED_ID}_confirmed"
    first = [seed, nonbmp, renamed(seed, confirmed_id)]
    second = [relabelled(d) for d in first]
    assert all(pushed_labels_of(a) != pushed_labels_of(b) for a, b in zip(first, second))

    report = push_documents(first, admin_client, "refresh", SCHEMA)
    assert (report.created, report.refreshed, report.unchanged, report.kept) == (3, 0, 0, [])
    pid = report.project_id

    # a reviewer fixes a span of the seed without confirming, and confirms the copy without editing it
    eid = example_of(admin_client, pid, SEED_ID)
    wrong = next(s for s in admin_client.spans(pid, eid) if seed.text[s.start : s.end] == "郑州日报")
    delete_span(admin_client, pid, eid, wrong.id)
    add_span(admin_client, pid, eid, wrong.start, wrong.end, "ORG")
    toggle_confirmed(admin_client, pid, example_of(admin_client, pid, confirmed_id))
    reviewed = {doc_id: server_labels_of(admin_client, pid, doc_id) for doc_id in (SEED_ID, confirmed_id)}
    before = {row[0]: row for row in snapshot(admin_client, pid)}

    new_input = tmp_path / "prelabeled.jsonl"
    write_documents(new_input, second)
    result = cli("push", "--input", str(new_input), "--project", "refresh")
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "0 created, 1 refreshed, 0 unchanged, 2 kept" in output and f"{SEED_ID}, {confirmed_id}" in output

    # (a) the untouched document now carries the new pre-labels, and remembers them as pushed
    assert server_labels_of(admin_client, pid, NONBMP_ID) == pushed_labels_of(relabelled(nonbmp))
    (refreshed,) = server_documents(admin_client, pid)[document_hash(NONBMP_ID, nonbmp.text)]
    assert refreshed.pushed_labels == pushed_labels_of(relabelled(nonbmp)) and not refreshed.confirmed
    # (b) the reviewer's unconfirmed edit and (c) the confirmed document are exactly as they were
    after = {row[0]: row for row in snapshot(admin_client, pid)}
    for doc_id in (SEED_ID, confirmed_id):
        example = example_of(admin_client, pid, doc_id)
        assert after[example] == before[example]
        assert server_labels_of(admin_client, pid, doc_id) == reviewed[doc_id]
    assert reviewed[SEED_ID] != pushed_labels_of(seed) and reviewed[confirmed_id] == pushed_labels_of(first[2])
    assert len(after) == 3

    # pull reads the refreshed document as unedited pre-labels, the reviewer's document as edited
    pull_report = PullReport("refresh")
    pulled = {d.id: d for d in pull_documents(second, admin_client, "refresh", SCHEMA, pull_report)}
    assert (pulled[NONBMP_ID].review["edited"], pulled[SEED_ID].review["edited"]) == (False, True)
    assert sorted(e["start"] for e in pulled[NONBMP_ID].entities) == sorted(e["start"] for e in second[1].entities)

    # (d) a third push of the same pre-labels changes nothing
    report = push_documents(second, admin_client, "refresh", SCHEMA)
    assert (report.created, report.refreshed, report.unchanged, report.kept) == (0, 0, 1, [SEED_ID, confirmed_id])
    assert {row[0]: row for row in snapshot(admin_client, pid)} == after


def test_a_comment_counts_as_touched(admin_client: ReviewClient) -> None:
    documents = list(read_documents(PRELABELED))
    report = push_documents(documents, admin_client, "commented", SCHEMA)
    pid = report.project_id
    add_comment(admin_client, pid, example_of(admin_client, pid, NONBMP_ID), "is 𠮷野家 one ORG or two?")
    report = push_documents([relabelled(d) for d in documents], admin_client, "commented", SCHEMA)
    assert (report.refreshed, report.kept) == (1, [NONBMP_ID])
    assert server_labels_of(admin_client, pid, NONBMP_ID) == pushed_labels_of(documents[1])


def test_an_interrupted_refresh_is_repaired_by_the_next_push(admin_client: ReviewClient, tmp_path: Path) -> None:
    documents = list(read_documents(PRELABELED))
    report = push_documents(documents, admin_client, "interrupted", SCHEMA)
    pid = report.project_id
    # the refreshed copy arrived but the push stopped before it retired the old one
    path = tmp_path / "refreshed.jsonl"
    path.write_text(json.dumps(to_doccano_line(relabelled(documents[0]), SCHEMA), ensure_ascii=False) + "\n")
    assert admin_client.upload(pid, path) == []
    assert sorted(len(c) for c in server_documents(admin_client, pid).values()) == [1, 2]

    report = push_documents([relabelled(d) for d in documents], admin_client, "interrupted", SCHEMA)
    assert (report.duplicates_removed, report.refreshed, report.kept, report.created) == (1, 2, [], 0)
    index = server_documents(admin_client, pid)
    assert sorted(len(c) for c in index.values()) == [1, 1]
    for doc in documents:
        assert server_labels_of(admin_client, pid, doc.id) == pushed_labels_of(relabelled(doc))


def test_without_a_record_of_the_pushed_labels_the_server_annotations_are_kept(
    admin_client: ReviewClient, tmp_path: Path
) -> None:
    project = admin_client.ensure_project("unrecorded", "examples pushed without a labels hash")
    assert project.id is not None
    admin_client.ensure_label_types(project.id, SCHEMA)
    documents = list(read_documents(PRELABELED))
    path = tmp_path / "unrecorded.jsonl"
    lines = [{k: v for k, v in to_doccano_line(d, SCHEMA).items() if k != META_LABELS} for d in documents]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    assert admin_client.upload(project.id, path) == []

    same = push_documents(documents, admin_client, "unrecorded", SCHEMA)
    assert (same.unchanged, same.refreshed, same.kept) == (2, 0, [])
    changed = push_documents([relabelled(d) for d in documents], admin_client, "unrecorded", SCHEMA)
    assert (changed.unchanged, changed.refreshed, changed.kept) == (0, 0, [SEED_ID, NONBMP_ID])
    for doc in documents:
        assert server_labels_of(admin_client, project.id, doc.id) == pushed_labels_of(doc)
