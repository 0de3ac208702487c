"""Reviews are precious: pull merges and backs up, export refuses nothing, kills leave old files whole.

Parts: the merge rules (pure, tables); backups; export of an empty corpus; processes killed
mid-write (a real SIGKILL at chosen points); fault drills against real doccano servers.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import hashlib
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from datasets import load_dataset
from doccano_reviewer import add_comment, add_member, add_span, create_user, example_count, toggle_confirmed
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.jsonl import read_documents, write_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.export import export_dataset, features_for
from pipeline.export.build import ExportError
from pipeline.review.backup import backup_name, keep_backup
from pipeline.review.client import ReviewClient
from pipeline.review.convert import META_LABELS, document_hash, to_doccano_line
from pipeline.review.merge import MergeCounts, is_newer, merge_reviews, without_pull_time
from pipeline.review.push import (
    CopyFacts,
    Decision,
    ImportedCopy,
    decide,
    left_part_way,
    push_documents,
    server_documents,
    server_labels,
)
from pipeline.review.server import (
    DEFAULT_VENV,
    WORKER_PID,
    LocalServer,
    doccano_installed,
    free_port,
    start_server,
    stop_server,
)
from pipeline.review.settings import ServerSettings

REPO = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXPORT_CORPUS = FIXTURES / "export_corpus"
PRELABELED = FIXTURES / "prelabeled_seed.jsonl"
SEED_ID, NONBMP_ID = "000_2ac1f2df68704ade", "nonbmp_yoshinoya"
SCHEMA = load_schema()
T1, T2 = "2026-12-01T09:00:00+00:00", "2026-12-06T09:30:00+00:00"


# --- which review of a document wins ----------------------------------------------------------


def review(
    state: str = "unconfirmed", edited: bool = False, example: int = 1, project: str = "corpusprep",
    at: str | None = T1, digest: str = "h1",
) -> dict[str, Any]:  # fmt: skip
    """A review as pull writes it (``at=None``: as written before pulls were dated)."""
    found = {"state": state, "by": [], "doccano_example_id": example, "doccano_project": project,
             "document_hash": digest, "edited": edited}  # fmt: skip
    return found if at is None else {**found, "pulled_at": at}


CONFIRMED, EDITED, ADJUDICATED = {"state": "confirmed"}, {"edited": True}, {"state": "adjudicated"}


@pytest.mark.parametrize(
    ("old", "pulled", "newer"),
    [
        # the same example pulled again: its current state, even a confirmation taken back
        (review(**CONFIRMED, at=T1), review(at=T2), True),
        (review(at=T1), review(**CONFIRMED, **EDITED, at=T2), True),
        (review(**CONFIRMED, at=None), review(at=T2), True),  # an undated (older) file yields
        (review(**CONFIRMED, at=T2), review(at=T1), False),  # a pull older than the file's review
        # another example (re-pushed project, other project, changed text): a person's review outranks
        (review(**CONFIRMED, at=T1), review(example=2, at=T2), False),
        (review(**EDITED, at=T1), review(project="other", at=T2), False),
        (review(**CONFIRMED, at=T1), review(digest="h2", at=T2), False),
        (review(example=2, at=T2), review(**CONFIRMED, at=T1), True),
        # ... and between equals the later pull wins
        (review(**CONFIRMED, at=T1), review(**CONFIRMED, example=2, at=T2), True),
        (review(**CONFIRMED, at=T2), review(**CONFIRMED, example=2, at=T1), False),
        (review(**CONFIRMED, at=T1), review(**CONFIRMED, example=2, at=None), False),
        # neither can be told apart, or the old record carries no review: the pulled one
        (review(at=None), review(example=2, at=None), True),
        (None, review(at=T1), True),
        (review(**CONFIRMED, at="2026-12-06T09:30:00"), review(**CONFIRMED, example=2, at=T1), True),  # naive = undated
        (review(**CONFIRMED, at="yesterday"), review(**CONFIRMED, example=2, at=T1), True),
        # an adjudicated review (two reviewers and a third who settled their differences) outranks one person's
        (review(**CONFIRMED, at=T2), review(**ADJUDICATED, example=7, project="x-double", at=T1), True),
        (review(**ADJUDICATED, project="x-double", at=T1), review(**CONFIRMED, **EDITED, example=2, at=T2), False),
        (review(**ADJUDICATED, at=T1), review(**ADJUDICATED, at=T2), True),  # adjudicated again: the later
        (review(**ADJUDICATED, at=T2), review(**ADJUDICATED, example=2, at=T1), False),
    ],
)
def test_which_review_is_newer(old: dict | None, pulled: dict, newer: bool) -> None:
    assert is_newer(old, pulled) is newer


def record(doc_id: str, label: str = "ORG", **review_fields: Any) -> Document:
    text = "郑州日报记者说"
    return Document(doc_id, text, entities=[{"start": 0, "end": 4, "label": label, "text": text[:4]}],
                    review=review(**review_fields))  # fmt: skip


@pytest.mark.parametrize(
    ("old", "pulled", "written", "counts", "reviewed"),
    [
        pytest.param([], [record("a"), record("b", **CONFIRMED)], [("a", T1), ("b", T1)], MergeCounts(new=2), (0, 1),
                     id="first pull"),
        pytest.param([record("a", **CONFIRMED), record("b")], [record("c", at=T2)], [("a", T1), ("b", T1), ("c", T2)],
                     MergeCounts(new=1, kept=2), (1, 1), id="pulled from another input: old records kept"),
        pytest.param([record("a", **CONFIRMED)], [record("a", label="PERSON", **CONFIRMED, at=T2)], [("a", T2)],
                     MergeCounts(replaced=1), (1, 1), id="a newer review replaces"),
        pytest.param([record("a", **CONFIRMED, at=None)], [record("a", **CONFIRMED, at=T2)], [("a", T2)],
                     MergeCounts(refreshed=1), (1, 1), id="same review pulled again"),
        pytest.param([record("a", **CONFIRMED, at=T2)], [record("a", example=7, at=T2)], [("a", T2)],
                     MergeCounts(outranked=1), (1, 1), id="untouched copy of a reviewed document: old wins"),
        pytest.param([record("a", **CONFIRMED)], [record("a", at=T2)], [("a", T2)],
                     MergeCounts(replaced=1), (1, 0), id="confirmation taken back: fewer reviewed"),
        pytest.param([record("a", label="DATE"), record("b"), record("a", label="PERCENT", at=T2)], [record("b", at=T2)],
                     [("a", T2), ("b", T2)], MergeCounts(refreshed=1, kept=1), (0, 0),
                     id="an id twice in the old file: the later line"),
    ],
)
def test_merge_reviews(
    old: list[Document], pulled: list[Document], written: list[tuple[str, str]], counts: MergeCounts,
    reviewed: tuple[int, int],
) -> None:  # fmt: skip
    merged = merge_reviews(old, pulled)
    assert [(doc.id, doc.review["pulled_at"]) for doc in merged.records] == written
    assert merged.counts == counts
    assert (merged.reviewed_before, merged.reviewed_after) == reviewed
    assert merged.loses_reviews is (reviewed[1] < reviewed[0])


def test_the_winning_record_is_written_whole() -> None:
    old = record("a", label="DATE", **CONFIRMED, at=T1)
    new = record("a", label="PERSON", **CONFIRMED, **EDITED, at=T2)
    (merged,) = merge_reviews([old], [new]).records
    assert merged.to_dict() == new.to_dict()


# --- what a push does with a document already on the server (pure, tables) --------------------

NEW, OLD, EDITED_LABELS = "labels-new", "labels-old", "labels-edited"


def copy(example: int = 1, pushed: str = OLD, current: str | None = OLD, **facts: Any) -> CopyFacts:
    return CopyFacts(example, pushed, current=current, **facts)


@pytest.mark.parametrize(
    ("copies", "labels", "decision"),
    [
        pytest.param([copy()], OLD, Decision.UNCHANGED, id="same pre-labels"),
        pytest.param([copy(current=None)], OLD, Decision.UNCHANGED, id="same pre-labels, not looked at"),
        pytest.param([copy()], NEW, Decision.REFRESH, id="new pre-labels, untouched"),
        pytest.param([copy(current=EDITED_LABELS)], NEW, Decision.KEEP, id="new pre-labels, edited"),
        pytest.param([copy(marked=True)], NEW, Decision.KEEP, id="new pre-labels, confirmed or commented"),
        pytest.param([copy(current=None)], NEW, Decision.KEEP, id="new pre-labels, not looked at"),
        pytest.param([copy(pushed="", current=NEW)], NEW, Decision.UNCHANGED, id="unrecorded push, same annotations"),
        pytest.param([copy(pushed="", current=OLD)], NEW, Decision.KEEP, id="unrecorded push, other annotations"),
        pytest.param([copy(1), copy(2, current=EDITED_LABELS)], NEW, Decision.KEEP, id="two touched copies"),
        pytest.param([copy(1, pushed=NEW), copy(2)], NEW, Decision.UNCHANGED, id="one copy with these pre-labels"),
        # left part way by an unfinished import, and nobody touched it since: completed, whatever the input
        pytest.param([copy(current="", part_way=True)], OLD, Decision.RESUME, id="part way, same pre-labels"),
        pytest.param([copy(current="", part_way=True)], NEW, Decision.RESUME, id="part way, new pre-labels"),
        pytest.param([copy(1, current=""), copy(2, current="", part_way=True)], NEW, Decision.KEEP,
                     id="a part-way copy beside a touched one is not completed"),
    ],
)  # fmt: skip
def test_decide(copies: list[CopyFacts], labels: str, decision: Decision) -> None:
    assert decide(copies, labels) is decision


IMPORTER, REVIEWER = 1, 2
STEPS = ("after-examples", "after-spans")  # what an import stopped after each step leaves


def imported(example: int, current: str, users: set[int] | None = None, marked: bool = False) -> ImportedCopy:
    """A copy of a batch whose import was not seen to finish; all its pre-labels hash to ``whole``."""
    if users is None:
        users = set() if current == STEPS[0] else {IMPORTER}
    return ImportedCopy(example, "whole", STEPS, marked, current, frozenset(users))


@pytest.mark.parametrize(
    ("copies", "part_way"),
    [
        pytest.param([imported(1, STEPS[0]), imported(2, STEPS[0])], {1: 0, 2: 0}, id="stopped after the examples"),
        pytest.param([imported(1, STEPS[1]), imported(2, "whole")], {1: 1}, id="stopped after the spans"),
        pytest.param([imported(1, "whole"), imported(2, "whole")], {}, id="whole: the import finished"),
        pytest.param([imported(1, STEPS[0], marked=True)], {}, id="confirmed, approved or commented"),
        pytest.param([imported(1, STEPS[1], users={IMPORTER, REVIEWER})], {}, id="an annotation of another user"),
        pytest.param([imported(1, STEPS[1], users={REVIEWER})], {}, id="a reviewer put back the spans"),
        pytest.param([imported(1, "edited")], {}, id="annotations no step leaves"),
        pytest.param([imported(1, STEPS[0]), imported(2, STEPS[1])], {},
                     id="two steps in one batch: someone emptied a document, none is taken"),
        pytest.param([], {}, id="nothing of the batch arrived"),
    ],
)  # fmt: skip
def test_left_part_way(copies: list[ImportedCopy], part_way: dict[int, int]) -> None:
    assert left_part_way(copies, IMPORTER) == part_way


# --- backups ---------------------------------------------------------------------------------


def test_a_backup_never_overwrites_another(tmp_path: Path) -> None:
    path = tmp_path / "reviewed.jsonl"
    when = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)
    assert backup_name(path, when).name == "reviewed.jsonl.2026-12-06T09-30-00.bak"
    backup_name(path, when).write_text("an earlier backup\n")
    path.write_text("first\n")
    first = keep_backup(path, when)
    path.write_text("second\n")
    second = keep_backup(path, when)
    assert (first.name, second.name) == ("reviewed.jsonl.2026-12-06T09-30-00-2.bak", "reviewed.jsonl.2026-12-06T09-30-00-3.bak")
    assert [p.read_text() for p in (backup_name(path, when), first, second)] == ["an earlier backup\n", "first\n", "second\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, backup_name(path, when).name, first.name, second.name])


# --- export ----------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative path, with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A corpus folder (copy of the export fixture) with its dataset exported, and that dataset's files."""
    corpus = tmp_path / "corpus"
    shutil.copytree(EXPORT_CORPUS, corpus)
    return corpus, tree(export_dataset(corpus, corpus / "dataset"))


@pytest.mark.parametrize("prelabeled", ["", "\n\n"])
def test_export_refuses_zero_documents_and_leaves_the_dataset(exported: tuple[Path, dict], prelabeled: str) -> None:
    corpus, before = exported
    (corpus / "prelabeled.jsonl").write_text(prelabeled, encoding="utf-8")
    (corpus / "reviewed.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="holds no documents"):
        export_dataset(corpus, corpus / "dataset")
    result = CliRunner().invoke(app, ["export", "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "left as it was" in result.output
    assert tree(corpus / "dataset") == before
    assert sorted(p.name for p in corpus.iterdir()) == ["dataset", "prelabeled.jsonl", "reviewed.jsonl"]


# --- processes killed mid-write --------------------------------------------------------------

# Runs the corpusprep command line with one function replaced by one that SIGKILLs the process on its
# Nth call: no cleanup handler runs, as when the machine loses power or the OOM killer strikes.
KILLER = textwrap.dedent("""
    import importlib, os, signal, sys
    target, nth, *argv = sys.argv[1:]
    module_name, _, name = target.rpartition(".")
    try:
        owner = importlib.import_module(module_name)
    except ModuleNotFoundError:  # a class attribute, e.g. datasets.Dataset.to_parquet
        module_name, _, cls = module_name.rpartition(".")
        owner = getattr(importlib.import_module(module_name), cls)
    real, calls = getattr(owner, name), [0]
    def dying(*args, **kwargs):
        calls[0] += 1
        if calls[0] >= int(nth):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(owner, name, dying)
    from pipeline.cli import app
    app(argv, prog_name="corpusprep")
""")


def run_corpusprep(*args: str, kill_at: str | None = None, nth: int = 1, env: dict | None = None) -> subprocess.CompletedProcess:
    """``corpusprep ARGS`` in a fresh process; with ``kill_at`` (a dotted function name) killed on its ``nth`` call."""
    plain = "import sys; from pipeline.cli import app; app(sys.argv[1:], prog_name='corpusprep')"
    command = [sys.executable, "-c", KILLER, kill_at, str(nth), *args] if kill_at else [sys.executable, "-c", plain, *args]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=600, cwd=REPO)


EXPORT_KILL_POINTS = [
    pytest.param("datasets.Dataset.to_parquet", 2, "old", id="mid-build, between two parquet files"),
    pytest.param("pipeline.export.build.write_card", 1, "old", id="built, before the swap"),
    pytest.param("pipeline.export.build._discard", 1, "new", id="swapped, before the old folder is removed"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("kill_at", "nth", "left"), EXPORT_KILL_POINTS)
def test_a_killed_export_leaves_a_whole_dataset(
    exported: tuple[Path, dict], tmp_path: Path, kill_at: str, nth: int, left: str
) -> None:
    corpus, old = exported
    (corpus / "reviewed.jsonl").unlink()  # the next export differs: no reviews
    expected = tree(export_dataset(corpus, tmp_path / "expected"))
    assert expected != old

    killed = run_corpusprep("export", "--corpus", str(corpus), kill_at=kill_at, nth=nth)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert tree(corpus / "dataset") == {"old": old, "new": expected}[left]

    again = run_corpusprep("export", "--corpus", str(corpus))
    assert again.returncode == 0, again.stderr
    assert tree(corpus / "dataset") == expected


def test_an_export_killed_between_two_renames_is_put_back(exported: tuple[Path, dict], tmp_path: Path) -> None:
    """Where folders cannot be exchanged in one step, a kill between the renames leaves the old dataset aside."""
    corpus, old = exported
    aside = corpus / ".dataset.old-x1y2z3"
    aside.mkdir()
    (corpus / "dataset").rename(aside / "dataset")
    for name in ("prelabeled.jsonl", "reviewed.jsonl"):
        (corpus / name).write_text("", encoding="utf-8")
    with pytest.raises(ExportError):  # refused, but the dataset is back where it was
        export_dataset(corpus, corpus / "dataset")
    assert tree(corpus / "dataset") == old


# --- pull against a real doccano --------------------------------------------------------------


def server_env(settings: ServerSettings, password: str | None = None) -> dict[str, str]:
    return {"DOCCANO_URL": settings.url, "DOCCANO_USERNAME": settings.username,
            "DOCCANO_PASSWORD": password or settings.password}  # fmt: skip


def pull_cli(settings: ServerSettings, *args: str) -> Any:
    return CliRunner().invoke(app, ["doccano", "pull", *args], env=server_env(settings))


def renamed(doc: Document, doc_id: str) -> Document:
    return Document.from_dict({**doc.to_dict(), "id": doc_id})


def example_id(client: ReviewClient, project_id: int, doc_id: str) -> int:
    (copy,) = [c for copies in server_documents(client, project_id).values() for c in copies if c.doc_id == doc_id]
    return copy.example_id


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("reviewed.jsonl.*.bak"))


@pytest.mark.doccano
def test_pull_merges_backs_up_and_refuses_to_lose_reviews(
    doccano_server: LocalServer, admin_client: ReviewClient, tmp_path: Path
) -> None:
    settings, project = doccano_server.settings, "precious"
    pid = push_documents(read_documents(PRELABELED), admin_client, project, SCHEMA).project_id
    toggle_confirmed(admin_client, pid, example_id(admin_client, pid, SEED_ID))  # confirm the seed
    output = tmp_path / "reviewed.jsonl"

    first = pull_cli(settings, "--input", str(PRELABELED), "--output", str(output), "--project", project)
    assert first.exit_code == 0, first.output
    assert "wrote 2 reviewed record(s)" in first.output and "2 new" in first.output and backups(tmp_path) == []
    before = output.read_bytes()

    # the issue: pull with an input that was never pushed wrote 0 records over the reviews
    other = tmp_path / "other.jsonl"
    write_documents(other, [renamed(d, f"other-{d.id}") for d in read_documents(PRELABELED)])
    wrong = pull_cli(settings, "--input", str(other), "--output", str(output), "--project", project)
    assert wrong.exit_code == 1
    assert wrong.output.strip() == (
        f"error: none of the 2 documents in project 'precious' match a record of {other}; "
        f"pass --input with the file you pushed; {output} left as it was"
    )
    assert output.read_bytes() == before and backups(tmp_path) == []

    # a part of the input: the other document's review is kept from the old file, the old file backed up
    part = tmp_path / "part.jsonl"
    write_documents(part, [d for d in read_documents(PRELABELED) if d.id == NONBMP_ID])
    merged = pull_cli(settings, "--input", str(part), "--output", str(output), "--project", project)
    assert merged.exit_code == 0, merged.output
    assert "wrote 2 reviewed record(s)" in merged.output and "0 replaced by newer reviews, 1 unchanged; 1 kept" in merged.output
    (backup,) = backups(tmp_path)
    assert backup.read_bytes() == before and f"backup at {backup}" in merged.output
    assert [d.id for d in read_documents(output)] == [SEED_ID, NONBMP_ID]

    # the reviewer takes the confirmation back: fewer reviewed documents, refused unless --force
    toggle_confirmed(admin_client, pid, example_id(admin_client, pid, SEED_ID))
    after_merge = output.read_bytes()
    refused = pull_cli(settings, "--input", str(PRELABELED), "--output", str(output), "--project", project)
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1 and "fewer than the 1 in" in refused.output
    assert "--force" in refused.output and output.read_bytes() == after_merge and len(backups(tmp_path)) == 1
    time.sleep(1)  # a backup name per second: the next one is dated differently or gets a -2
    forced = pull_cli(settings, "--input", str(PRELABELED), "--output", str(output), "--project", project, "--force")
    assert forced.exit_code == 0, forced.output
    assert "1 replaced by newer reviews" in forced.output
    assert [p.read_bytes() for p in backups(tmp_path)] == [before, after_merge]
    assert next(d for d in read_documents(output) if d.id == SEED_ID).review["state"] == "unconfirmed"


PULL_KILL_POINTS = [
    pytest.param("pipeline.review.commands.keep_backup", 1, id="before the backup"),
    pytest.param("pipeline.core.jsonl.dump_document", 2, id="mid-write, one record written"),
    pytest.param("os.replace", 1, id="written, before the rename"),
]


@pytest.mark.doccano
@pytest.mark.parametrize(("kill_at", "nth"), PULL_KILL_POINTS)
def test_a_killed_pull_leaves_the_old_reviews(
    doccano_server: LocalServer, admin_client: ReviewClient, tmp_path: Path, kill_at: str, nth: int
) -> None:
    project = "killed-pull"
    push_documents(read_documents(PRELABELED), admin_client, project, SCHEMA)
    old = [renamed(d, f"earlier-{d.id}") for d in read_documents(PRELABELED)]
    for doc in old:
        doc.review = {"state": "confirmed", "by": ["reviewer"], "edited": True}  # as written before pulls were dated
    output, reference = tmp_path / "run" / "reviewed.jsonl", tmp_path / "reference" / "reviewed.jsonl"
    for path in (output, reference):
        write_documents(path, old)
    before = output.read_bytes()
    args = ("doccano", "pull", "--input", str(PRELABELED), "--project", project)
    env = server_env(doccano_server.settings)
    assert run_corpusprep(*args, "--output", str(reference), env=env).returncode == 0

    killed = run_corpusprep(*args, "--output", str(output), kill_at=kill_at, nth=nth, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert output.read_bytes() == before
    assert all(b.read_bytes() == before for b in backups(output.parent))  # a backup is whole or absent

    again = run_corpusprep(*args, "--output", str(output), env=env)
    assert again.returncode == 0, again.stderr
    assert list(map(without_pull_time, read_documents(output))) == list(map(without_pull_time, read_documents(reference)))
    assert len(list(read_documents(output))) == 4


# --- fault drills ----------------------------------------------------------------------------


def one_line_error(process: subprocess.CompletedProcess) -> str:
    """The command's whole output, which must be one line and no traceback."""
    lines = (process.stdout + process.stderr).strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in process.stderr, process.stdout + process.stderr
    return lines[0]


@pytest.mark.doccano
@pytest.mark.parametrize("command", ["push", "pull"])
def test_a_wrong_password_is_one_line(doccano_server: LocalServer, command: str) -> None:
    env = server_env(doccano_server.settings, password="not-the-password")
    done = run_corpusprep("doccano", command, "--input", str(PRELABELED), env=env)
    assert done.returncode == 1
    assert "rejected user 'admin': wrong credentials" in one_line_error(done)


@pytest.fixture
def drill_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A doccano of its own, to be stopped and restarted without disturbing the session's server."""
    if not doccano_installed(DEFAULT_VENV):
        pytest.skip(f"doccano is not installed in {DEFAULT_VENV}")
    home = tmp_path_factory.mktemp("doccano-drill")
    server = start_server(home, free_port())
    try:
        yield server
    finally:
        stop_server(home)


def pushed_labels(doc: Document) -> str:
    return str(to_doccano_line(doc, SCHEMA)[META_LABELS])


def without_first_entity(doc: Document) -> Document:
    """The record as another pre-labeller might see it."""
    new = Document.from_dict(doc.to_dict())
    new.entities = sorted(new.entities, key=lambda e: (e["start"], e["end"]))[1:]
    return new


def as_left(client: ReviewClient, project_id: int, doc_id: str) -> tuple:
    """Everything a reviewer may have done to a document's one example on the server."""
    (copy,) = [c for copies in server_documents(client, project_id).values() for c in copies if c.doc_id == doc_id]
    spans = sorted((s.start, s.end, s.label, s.user) for s in client.spans(project_id, copy.example_id))
    relations = sorted((r.type, r.user) for r in client.relations(project_id, copy.example_id))
    return copy.example_id, copy.confirmed, copy.comments, spans, relations


@pytest.mark.doccano
@pytest.mark.slow
def test_doccano_stopped_mid_push_then_a_repush_completes(drill_server: LocalServer, tmp_path: Path) -> None:
    seed, nonbmp = list(read_documents(PRELABELED))
    documents = [renamed(doc, f"{doc.id}-{n:04d}") for n in range(600) for doc in (seed, nonbmp)]  # 3 batches
    source = tmp_path / "many.jsonl"
    write_documents(source, documents)
    ledger = drill_server.home / "push-ledger"  # DOCCANO_HOME/push-ledger, as for `make doccano-up`
    cli_env = {**server_env(drill_server.settings), "DOCCANO_HOME": str(drill_server.home)}
    env = {**os.environ, "PYTHONPATH": str(REPO), **cli_env}
    plain = "import sys; from pipeline.cli import app; app(sys.argv[1:], prog_name='corpusprep')"
    args = ["doccano", "push", "--input", str(source), "--project", "drill"]
    push = subprocess.Popen([sys.executable, "-c", plain, *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    admin = ReviewClient.connect(drill_server.settings)
    deadline = time.monotonic() + 300
    while push.poll() is None and time.monotonic() < deadline:
        project = admin.find_project("drill")
        if project is not None and project.id is not None and example_count(admin, project.id) > 0:
            break
        time.sleep(0.2)
    assert push.poll() is None, "push finished before doccano was stopped: give it more documents"
    # The task worker dies at once, as in a crash: stopped politely (SIGTERM) Celery finishes the
    # import under way first, and whether a batch is left part way would be down to timing.
    os.killpg(int((drill_server.home / WORKER_PID).read_text().strip()), signal.SIGKILL)
    stop_server(drill_server.home)
    out, err = push.communicate(timeout=300)
    line = one_line_error(subprocess.CompletedProcess(args, push.returncode, out, err))
    assert push.returncode == 1 and line.startswith("error: ") and "doccano at" in line
    assert len(list(ledger.iterdir())) == 1  # the batch in flight is on record

    port = int(drill_server.settings.url.rsplit(":", 1)[1])
    start_server(drill_server.home, port)
    admin = ReviewClient.connect(drill_server.settings)
    project = admin.find_project("drill")
    assert project is not None and project.id is not None
    pid = project.id
    on_server = [c for copies in server_documents(admin, pid).values() for c in copies]
    part_way = [c.doc_id for c in on_server if server_labels(admin, pid, c) != c.pushed_labels]
    assert len(part_way) >= 4, "doccano was not stopped in the middle of an import: no document is part way"

    # before the re-push a reviewer confirms one part-way document, comments on another, adds a span to a third
    create_user(admin, "reviewer", "review-pass-1998")
    add_member(admin, pid, "reviewer", "annotator")
    reviewer = ReviewClient.connect(ServerSettings(drill_server.settings.url, "reviewer", "review-pass-1998"))
    confirmed, commented, edited, left_out = part_way[:4]
    ids = {c.doc_id: c.example_id for c in on_server}
    toggle_confirmed(reviewer, pid, ids[confirmed])
    add_comment(reviewer, pid, ids[commented], "are these the right spans?")
    add_span(reviewer, pid, ids[edited], 0, 2, "ORG")
    touched = {doc_id: as_left(admin, pid, doc_id) for doc_id in (confirmed, commented, edited)}
    left_before = as_left(admin, pid, left_out)

    # the re-push reads another input: the seed's copies with other pre-labels, one part-way document left out
    changed = [without_first_entity(d) if d.id.startswith(SEED_ID) else d for d in documents]
    assert pushed_labels(changed[0]) != pushed_labels(documents[0])
    write_documents(source, [d for d in changed if d.id != left_out])
    again = run_corpusprep(*args, env=cli_env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"completed {len(part_way) - 4} document(s) an interrupted push had left part way" in again.stderr
    assert {doc_id: as_left(admin, pid, doc_id) for doc_id in touched} == touched
    assert as_left(admin, pid, left_out) == left_before  # not in the input: left for a later push
    assert len(list(ledger.iterdir())) == 1

    # a push with the document left out completes it too, and the ledger is done
    write_documents(source, changed)
    last = run_corpusprep(*args, env=cli_env)
    assert last.returncode == 0, last.stdout + last.stderr
    assert "completed 1 document(s)" in last.stderr
    assert list(ledger.iterdir()) == []

    index = server_documents(admin, pid)
    assert set(index) == {document_hash(d.id, d.text) for d in documents}
    assert all(len(copies) == 1 for copies in index.values())
    assert example_count(admin, pid) == len(documents)
    assert {doc_id: as_left(admin, pid, doc_id) for doc_id in touched} == touched
    by_id = {copies[0].doc_id: copies[0] for copies in index.values()}
    for doc in changed:
        if doc.id not in touched:
            assert server_labels(admin, pid, by_id[doc.id]) == by_id[doc.id].pushed_labels == pushed_labels(doc), doc.id


@pytest.mark.doccano
@pytest.mark.slow
def test_characters_outside_the_bmp_survive_push_review_pull_and_export(
    doccano_server: LocalServer, admin_client: ReviewClient, tmp_path: Path
) -> None:
    settings, project = doccano_server.settings, "astral"
    (nonbmp,) = [d for d in read_documents(PRELABELED) if d.id == NONBMP_ID]
    corpus = tmp_path / "corpus"
    write_documents(corpus / "prelabeled.jsonl", [nonbmp])
    env = {**server_env(settings), "DOCCANO_HOME": str(tmp_path / "home")}  # push's ledger, not in the repository
    pushed = CliRunner().invoke(app, ["doccano", "push", "-i", str(corpus / "prelabeled.jsonl"), "-p", project], env=env)
    assert pushed.exit_code == 0, pushed.output

    # a reviewer marks 中国, two 𠮷 (two UTF-16 units each) after the text's start, as the web UI would
    project_id = admin_client.find_project(project).id
    eid = example_id(admin_client, project_id, NONBMP_ID)
    start = nonbmp.text.index("中国")
    assert nonbmp.text[:start].count("𠮷") == 2
    add_span(admin_client, project_id, eid, start + 2, start + 4, "ORG")
    toggle_confirmed(admin_client, project_id, eid)

    pulled = pull_cli(settings, "-i", str(corpus / "prelabeled.jsonl"), "-o", str(corpus / "reviewed.jsonl"), "-p", project)
    assert pulled.exit_code == 0, pulled.output
    (reviewed,) = read_documents(corpus / "reviewed.jsonl")
    expected = {(e["start"], e["end"], e["label"], e["text"]) for e in nonbmp.entities} | {(start, start + 2, "ORG", "中国")}
    assert {(e["start"], e["end"], e["label"], e["text"]) for e in reviewed.entities} == expected
    assert all(reviewed.text[e["start"] : e["end"]] == e["text"] for e in reviewed.entities)

    exported = CliRunner().invoke(app, ["export", "--corpus", str(corpus)])
    assert exported.exit_code == 0, exported.output
    cache = str(tmp_path / "hf-cache")
    (row,) = [r for split in load_dataset(str(corpus / "dataset"), "documents", cache_dir=cache).values() for r in split]
    labels = features_for("documents")["entities"].feature["label"]
    assert {(e["start"], e["end"], labels.int2str(e["label"]), e["text"]) for e in row["entities"]} == expected
    assert row["review"]["state"] == "confirmed" and row["text"] == nonbmp.text
    tags = features_for("ner")["ner_tags"].feature
    sentences = [r for split in load_dataset(str(corpus / "dataset"), "ner", cache_dir=cache).values() for r in split]
    tagged = {(s["start"] + i, tags.int2str(t)) for s in sentences for i, t in enumerate(s["ner_tags"])}
    assert {(start, "B-ORG"), (start + 1, "I-ORG"), (0, "B-ORG"), (2, "I-ORG"), (13, "B-ORG")} <= tagged
