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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.record import Document
from pipeline.export import export_dataset
from pipeline.export.build import ExportError
from pipeline.review.backup import backup_name, keep_backup
from pipeline.review.merge import MergeCounts, is_newer, merge_reviews

REPO = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXPORT_CORPUS = FIXTURES / "export_corpus"
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


CONFIRMED, EDITED = {"state": "confirmed"}, {"edited": True}


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
