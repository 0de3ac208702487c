"""pd1998 paragraphs joined into articles: keys, offsets and entities moved with the text."""

from __future__ import annotations

import json

import pytest

from pipeline.train.ner.articles import article_key, join_articles, main


@pytest.mark.parametrize(
    ("record_id", "key"),
    [
        ("19980116-01-001-003", "19980116-01-001"),
        ("19980116-01-001-003~renamed1", "19980116-01-001~renamed1"),
        ("zzwb-20130428-AA02", "zzwb-20130428-AA02"),
        ("", ""),
    ],
)
def test_article_key(record_id: str, key: str) -> None:
    assert article_key(record_id) == key


RECORDS = [
    {"id": "19980116-01-001-001", "text": "江泽民会见代表", "entities": [[0, 3, "PERSON"]], "meta": {"date": "1998-01-16"}},
    {"id": "19980116-01-001-002", "text": "李鹏、朱镕基参加", "entities": [[0, 2, "PERSON"], [3, 6, "PERSON"]]},
    {"id": "19980116-01-002-001", "text": "", "entities": []},
    {"id": "19980116-01-003-001", "text": "新华社电", "entities": [[0, 3, "ORG"]]},
    {"id": "19980116-01-003-002", "text": "昨晚", "entities": [{"start": 0, "end": 2, "label": "DATE", "text": "昨晚"}]},
    {"id": "19980116-01-001-003", "text": "又一段", "entities": []},  # the same article again, not consecutive
]


def test_consecutive_paragraphs_join_with_their_entities_moved() -> None:
    joined = list(join_articles(RECORDS))
    assert [(a["id"], offsets) for a, offsets in joined] == [
        ("19980116-01-001", [0, 8]),
        ("19980116-01-002", [0]),
        ("19980116-01-003", [0, 5]),
        ("19980116-01-001", [0]),
    ]
    first, _ = joined[0]
    assert first["text"] == "江泽民会见代表\n李鹏、朱镕基参加"
    assert [first["text"][s:e] for s, e, _ in first["entities"]] == ["江泽民", "李鹏", "朱镕基"]
    assert first["meta"] == {"date": "1998-01-16"}
    assert RECORDS[0]["entities"] == [[0, 3, "PERSON"]]  # the input is not changed
    assert joined[2][0]["entities"] == [[0, 3, "ORG"], {"start": 5, "end": 7, "label": "DATE", "text": "昨晚"}]


def test_the_command_writes_the_articles_of_all_inputs(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    main([str(source), str(source), str(target)])
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 8 and lines[0]["text"] == "江泽民会见代表\n李鹏、朱镕基参加"
