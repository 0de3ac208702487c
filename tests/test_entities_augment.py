"""Renamed training copies: people replaced consistently, other entities moved with the text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.entities.lexicon import surnames, transliteration_characters
from pipeline.train.ner.augment import build_sampler, rename_people, renamed_copies

TRAIN = [
    {"id": "19980101-01-001-001", "text": "国家主席江泽民会见克林顿", "entities": [[4, 7, "PERSON"], [9, 12, "PERSON"]]},
    {"id": "19980101-01-001-002", "text": "记者王刚、李小明报道", "entities": [[2, 4, "PERSON"], [5, 8, "PERSON"]]},
    {"id": "19980101-01-001-003", "text": "约翰·加朗说", "entities": [[0, 5, "PERSON"]]},
]


@pytest.fixture(scope="module")
def sampler():
    return build_sampler(TRAIN, surnames(), transliteration_characters())


def people(record: dict) -> list[str]:
    return [record["text"][s:e] for s, e, label in record["entities"] if label == "PERSON"]


def test_people_are_renamed_and_other_entities_move_with_the_text(sampler) -> None:
    record = {
        "id": "19980102-01-001-001",
        "text": "1月2日,王刚在北京说,王刚和张大伟都到了新华社。",
        "entities": [[0, 4, "DATE"], [5, 7, "PERSON"], [8, 10, "LOC"], [12, 14, "PERSON"], [15, 18, "PERSON"], [21, 24, "ORG"]],
    }
    renamed = rename_people(record, sampler, random.Random(3))
    assert renamed is not None and renamed["id"] == record["id"]
    names = people(renamed)
    assert names[0] == names[1]  # the same person keeps one new name
    assert [renamed["text"][s:e] for s, e, label in renamed["entities"] if label != "PERSON"] == ["1月2日", "北京", "新华社"]
    for name in names:  # Chinese names keep their shape: a known surname, then one or two characters
        assert name[:1] in surnames() and 2 <= len(name) <= 3
    assert renamed["text"].endswith("都到了新华社。")


def test_a_foreign_name_keeps_its_parts(sampler) -> None:
    renamed = rename_people(TRAIN[2], sampler, random.Random(0))
    assert renamed is not None
    (name,) = people(renamed)
    assert name.count("·") == 1 and all(len(part) >= 2 for part in name.split("·"))
    assert renamed["text"].endswith("说")


def test_records_without_renamable_people_give_no_copy(sampler) -> None:
    assert rename_people({"id": "x", "text": "黄小姐说", "entities": [[0, 1, "PERSON"]]}, sampler, random.Random(0)) is None
    assert rename_people({"id": "x", "text": "新华社", "entities": [[0, 3, "ORG"]]}, sampler, random.Random(0)) is None
    assert rename_people({"id": "x", "text": "", "entities": []}, sampler, random.Random(0)) is None


def test_copies_are_numbered_and_reproducible(sampler) -> None:
    first = list(renamed_copies(TRAIN, sampler, copies=2, seed=7))
    assert [r["id"] for r in first][:2] == ["19980101-01-001-001~renamed1", "19980101-01-001-001~renamed2"]
    assert first == list(renamed_copies(TRAIN, sampler, copies=2, seed=7))


@settings(max_examples=60)
@given(seed=st.integers(0, 10_000), index=st.integers(0, len(TRAIN) - 1))
def test_entity_offsets_stay_inside_the_text_and_in_order(sampler, seed: int, index: int) -> None:
    renamed = rename_people(TRAIN[index], sampler, random.Random(seed))
    assert renamed is not None
    spans = renamed["entities"]
    assert all(0 <= s < e <= len(renamed["text"]) for s, e, _ in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert len(spans) == len(TRAIN[index]["entities"])


@settings(max_examples=60)
@given(seed=st.integers(0, 10_000), cut=st.integers(0, 6))
def test_unannotated_stretches_keep_their_text(sampler, seed: int, cut: int) -> None:
    """Another corpus's ``missing`` stretches (what it did not annotate for us) move with the text around them."""
    text = "王刚说明天去北京，克林顿说占比20%。"
    record = {
        "id": "cluener-train-00001",
        "text": text,
        "entities": [[0, 2, "PERSON"], [9, 12, "PERSON"]],
        "missing": [[3 + cut % 3, 5], [15, 18]],
    }
    renamed = rename_people(record, sampler, random.Random(seed))
    assert renamed is not None
    assert [renamed["text"][s:e] for s, e in renamed["missing"]] == [text[s:e] for s, e in record["missing"]]


def test_only_the_corpora_named_are_renamed(tmp_path) -> None:
    import json

    from pipeline.train.ner.augment import main

    source, target = tmp_path / "external.jsonl", tmp_path / "renamed.jsonl"
    records = [
        {"id": "msra-train-00001", "text": "王刚说", "entities": [[0, 2, "PERSON"]], "missing": []},
        {"id": "cluener-train-00001", "text": "李小明说", "entities": [[0, 3, "PERSON"]], "missing": []},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    main([str(source), str(target), "--only", "cluener"])
    assert [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()] == ["cluener-train-00001~renamed1"]
