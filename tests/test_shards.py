"""Which shards a resumed run keeps (pipeline/engines/shards.py, no Ray needed): a shard whose documents are
all there and unchanged, under the same plan; everything else goes, files and marker, and its documents
are done again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.engines.shards import (
    DATASET_DIR,
    DONE_DIR,
    PLAN,
    SHARDS_DIR,
    plan_digest,
    prepare,
    source_rows,
    stage_dir,
)
from pipeline.stages import STAGE_NAMES

PLAN_A = {"version": "1", "stages": {"repair": {"code": "a", "options": {}}}, "export": True}
PLAN_B = {**PLAN_A, "stages": {"repair": {"code": "b", "options": {}}}}


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name in ("a", "b", "c", "d"):
        (folder / f"{name}.txt").write_text(f"文章{name}", encoding="utf-8")
    return folder


def make_shard(output: Path, name: str, rows: list[dict], plan: dict, *, marker: bool = True) -> None:
    """A shard as write_shard leaves it: a file per stage, a dataset file, and (last) its marker."""
    root = output / SHARDS_DIR
    for stage in STAGE_NAMES:
        (root / stage_dir(stage)).mkdir(parents=True, exist_ok=True)
        (root / stage_dir(stage) / f"{name}.jsonl").write_text("".join(f'{{"id":"{r["source"]}"}}\n' for r in rows))
    (root / DATASET_DIR / "ner" / "train").mkdir(parents=True, exist_ok=True)
    (root / DATASET_DIR / "ner" / "train" / f"{name}.parquet").write_bytes(b"PAR1")
    if marker:
        (root / DONE_DIR).mkdir(parents=True, exist_ok=True)
        documents = [{key: row[key] for key in ("source", "size", "mtime_ns")} for row in rows]
        (root / DONE_DIR / f"{name}.json").write_text(json.dumps({"shard": name, "plan": plan_digest(plan), "documents": documents}))


def files_of(output: Path, name: str) -> list[Path]:
    return [path for path in (output / SHARDS_DIR).rglob(f"{name}.*") if path.is_file()]


def touch(path: Path) -> None:
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize(
    ("change", "kept", "pending"),
    [
        ("nothing", ["first", "second"], []),
        ("an article edited", ["second"], ["a.txt", "b.txt"]),
        ("an article removed", ["second"], ["b.txt"]),
        ("a shard cut off before its marker", ["first"], ["c.txt", "d.txt"]),
        ("a shard's file lost", ["second"], ["a.txt", "b.txt"]),
        ("the stages' code changed", [], ["a.txt", "b.txt", "c.txt", "d.txt"]),
        ("a document in two shards", ["first", "second"], []),
    ],
)
def test_a_run_keeps_only_the_shards_whose_documents_are_unchanged(
    scans: Path, tmp_path: Path, change: str, kept: list[str], pending: list[str]
) -> None:
    output = tmp_path / "out"
    rows = source_rows(scans, sorted(scans.glob("*.txt")))
    output.joinpath(SHARDS_DIR).mkdir(parents=True)
    (output / SHARDS_DIR / PLAN).write_text(json.dumps(PLAN_A))
    make_shard(output, "first", rows[:2], PLAN_A)
    make_shard(output, "second", rows[2:], PLAN_A, marker=change != "a shard cut off before its marker")
    plan = PLAN_B if change == "the stages' code changed" else PLAN_A
    if change == "an article edited":
        touch(scans / "a.txt")
    elif change == "an article removed":
        (scans / "a.txt").unlink()
    elif change == "a shard's file lost":
        (output / SHARDS_DIR / stage_dir("segment") / "first.jsonl").unlink()
    elif change == "a document in two shards":
        make_shard(output, "third", rows[3:], PLAN_A)  # its document is in "second" already (sorted before it)
    state = prepare(output, plan, source_rows(scans, sorted(scans.glob("*.txt"))))
    assert sorted(marker["shard"] for marker in state.markers) == kept
    assert [row["source"] for row in state.pending] == pending
    for name in ("first", "second", "third"):
        assert bool(files_of(output, name)) == (name in kept)  # a shard not kept leaves no file behind
    assert json.loads((output / SHARDS_DIR / PLAN).read_text()) == plan
