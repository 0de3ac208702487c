"""Which documents an export keeps and where: --reviewed-only, and a test split of reviewed documents only."""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json
import shutil
from pathlib import Path

import pytest
from datasets import load_dataset
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import CONFIGS, export_dataset, split_of
from pipeline.export.build import ExportError
from pipeline.export.splits import Census, SplitRule, placement, split_rule, take_census, withheld

CORPUS = Path(__file__).parent / "fixtures" / "export_corpus"


def ids_in(split: str, count: int, prefix: str = "doc") -> list[str]:
    """The first ``count`` ids ``prefix-N`` that hash into ``split``."""
    found = (f"{prefix}-{n}" for n in range(10_000) if split_of(f"{prefix}-{n}") == split)
    return [next(found) for _ in range(count)]


TEST_ID, TRAIN_ID = ids_in("test", 1)[0], ids_in("train", 1)[0]
EVERYTHING, REVIEWED_ONLY, REVIEWED_TEST = SplitRule(), SplitRule(reviewed_only=True), SplitRule(reviewed_test=True)


@pytest.mark.parametrize(
    ("document_id", "reviewed", "rule", "expected"),
    [
        (TRAIN_ID, False, EVERYTHING, "train"),
        (TEST_ID, False, EVERYTHING, "test"),
        (TRAIN_ID, False, REVIEWED_ONLY, None),
        (TRAIN_ID, True, REVIEWED_ONLY, "train"),
        (TEST_ID, True, REVIEWED_ONLY, "test"),
        (TEST_ID, False, REVIEWED_TEST, None),  # withheld, not moved to train
        (TEST_ID, True, REVIEWED_TEST, "test"),
        (TRAIN_ID, False, REVIEWED_TEST, "train"),
    ],
)
def test_placement_table(document_id: str, reviewed: bool, rule: SplitRule, expected: str | None) -> None:
    assert placement(document_id, reviewed, rule) == expected


def census(test_documents: int, test_reviewed: int) -> Census:
    return Census(
        documents={"train": 8, "validation": 1, "test": test_documents},
        reviewed={"train": 3, "validation": 0, "test": test_reviewed},
    )


@pytest.mark.parametrize(
    ("counted", "reviewed_only", "minimum", "rule", "left_out"),
    [
        (census(4, 1), False, 2, EVERYTHING, {"train": 0, "validation": 0, "test": 0}),
        (census(4, 2), False, 2, REVIEWED_TEST, {"train": 0, "validation": 0, "test": 2}),
        (census(4, 4), False, 2, REVIEWED_TEST, {"train": 0, "validation": 0, "test": 0}),
        (census(4, 0), True, 2, SplitRule(True, True), {"train": 5, "validation": 1, "test": 4}),
        (census(4, 0), False, 0, REVIEWED_TEST, {"train": 0, "validation": 0, "test": 4}),
    ],
)
def test_the_test_split_turns_reviewed_only_at_the_minimum(
    counted: Census, reviewed_only: bool, minimum: int, rule: SplitRule, left_out: dict
) -> None:
    assert split_rule(counted, reviewed_only=reviewed_only, minimum=minimum) == rule
    assert withheld(counted, rule) == left_out


def test_census_counts_by_hash_split() -> None:
    pairs = [(TEST_ID, True), (TRAIN_ID, False), (ids_in("test", 2)[1], False)]
    assert take_census(pairs) == Census(
        {"train": 1, "validation": 0, "test": 2}, {"train": 0, "validation": 0, "test": 1}
    )


@given(
    events=st.lists(st.tuples(st.sampled_from(["add", "review"]), st.integers(0, 59)), min_size=1, max_size=120),
    minimum=st.integers(0, 4),
)
def test_a_document_never_changes_split_as_documents_are_added_and_reviewed(events: list, minimum: int) -> None:
    """Replay a corpus growing release by release: a document is only ever in its hash split, or absent."""
    present: dict[str, bool] = {}  # id -> reviewed
    seen_in: dict[str, set[str]] = {}
    for action, number in events:
        doc_id = f"doc-{number}"
        if action == "add":
            present.setdefault(doc_id, False)
        elif doc_id in present:
            present[doc_id] = True
        rule = split_rule(take_census(present.items()), minimum=minimum)
        for known, reviewed in present.items():
            split = placement(known, reviewed, rule)
            if split is not None:
                seen_in.setdefault(known, set()).add(split)
            if split == "test" and rule.reviewed_test:
                assert reviewed
    assert all(len(splits) == 1 for splits in seen_in.values())


# --- the export -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("hf-cache"))


def all_rows(folder: Path, config: str, cache_dir: str) -> dict[str, list[dict]]:
    loaded = load_dataset(str(folder), config, cache_dir=cache_dir)
    return {split: list(dataset) for split, dataset in loaded.items()}


def test_reviewed_only_export_holds_reviewed_documents_only(tmp_path: Path, cache_dir: str) -> None:
    folder = export_dataset(CORPUS, tmp_path / "dataset", reviewed_only=True)
    documents = [row for rows in all_rows(folder, "documents", cache_dir).values() for row in rows]
    # the fixture: 000 confirmed and edited, 001 edited only; 004's review is of an older text, 007 untouched
    assert sorted(row["id"] for row in documents) == ["20130428-zzwb-000", "20130428-zzwb-001"]
    for config in CONFIGS:
        rows = [row for split_rows in all_rows(folder, config, cache_dir).values() for row in split_rows]
        assert rows and all(row["review"]["reviewed"] for row in rows)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "only documents a person confirmed or edited" in card


def write_corpus(folder: Path, reviewed_test: int, unreviewed_test: int, unreviewed_train: int) -> dict[str, list[str]]:
    """A corpus with documents hashing into test and train, the first ``reviewed_test`` of test reviewed."""
    folder.mkdir(parents=True)
    test_ids = ids_in("test", reviewed_test + unreviewed_test, "art")
    groups = {
        "reviewed_test": test_ids[:reviewed_test],
        "unreviewed_test": test_ids[reviewed_test:],
        "unreviewed_train": ids_in("train", unreviewed_train, "art"),
    }
    records = [{"id": doc_id, "text": f"{doc_id}：王红说。"} for ids in groups.values() for doc_id in ids]
    review = {"state": "confirmed", "by": ["ann"], "edited": False, "pulled_at": "2026-12-01T10:00:00+00:00"}
    reviewed = [dict(record, review=review) for record in records if record["id"] in groups["reviewed_test"]]
    for name, lines in (("prelabeled.jsonl", records), ("reviewed.jsonl", reviewed)):
        (folder / name).write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    return groups


@pytest.mark.parametrize(
    ("reviewed_test", "minimum", "test_ids_kept"),
    [(2, 2, "reviewed_test"), (1, 2, "all_test"), (0, 0, "none")],
)
def test_the_export_withholds_unreviewed_test_documents_once_enough_are_reviewed(
    tmp_path: Path, cache_dir: str, reviewed_test: int, minimum: int, test_ids_kept: str
) -> None:
    groups = write_corpus(tmp_path / "corpus", reviewed_test=reviewed_test, unreviewed_test=3, unreviewed_train=2)
    folder = export_dataset(tmp_path / "corpus", tmp_path / "dataset", reviewed_test_minimum=minimum)
    documents = all_rows(folder, "documents", cache_dir)
    expected_test = {
        "reviewed_test": groups["reviewed_test"],
        "all_test": groups["reviewed_test"] + groups["unreviewed_test"],
        "none": [],
    }[test_ids_kept]
    assert sorted(row["id"] for row in documents.get("test", [])) == sorted(expected_test)
    assert sorted(row["id"] for row in documents["train"]) == sorted(groups["unreviewed_train"])
    card = (folder / "README.md").read_text(encoding="utf-8")
    if test_ids_kept == "all_test":
        assert "The test split still holds pre-labels" in card
    else:
        assert f"{len(groups['unreviewed_test'])} unreviewed document(s) that hash into test are withheld" in card


def test_reviewed_only_with_no_review_is_refused_and_leaves_the_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "prelabeled.jsonl", corpus / "prelabeled.jsonl")
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "README.md").write_text("earlier export", encoding="utf-8")
    with pytest.raises(ExportError, match="none of the 6 documents has been confirmed or edited"):
        export_dataset(corpus, tmp_path / "dataset", reviewed_only=True)
    assert (tmp_path / "dataset" / "README.md").read_text(encoding="utf-8") == "earlier export"


@pytest.mark.parametrize(
    ("options", "exit_code", "documents"),
    [(["--reviewed-only"], 0, 2), ([], 0, 6), (["--reviewed-test-minimum", "-1"], 2, None)],
)
def test_export_command_options(tmp_path: Path, cache_dir: str, options: list, exit_code: int, documents) -> None:
    result = CliRunner().invoke(app, ["export", "--corpus", str(CORPUS), "--output", str(tmp_path / "ds"), *options])
    assert result.exit_code == exit_code, result.output
    if documents is not None:
        loaded = load_dataset(str(tmp_path / "ds"), "documents", cache_dir=cache_dir)
        assert sum(len(split) for split in loaded.values()) == documents
