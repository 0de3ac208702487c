"""The record's plain forms: ``to_dict`` is an independent copy equal to ``asdict``; artefact lines match it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.jsonl import RecordError, dump_document, dump_line, leading_id, read_documents
from pipeline.core.record import Block, Document, Edit, record_asdict

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(st.text(max_size=4), json_values, max_size=3)

documents = st.builds(
    Document,
    id=st.text(min_size=1, max_size=8),
    text=st.text(max_size=20),
    meta=json_objects,
    offsets=st.lists(st.integers(min_value=0), max_size=20),
    edits=st.lists(st.builds(Edit, st.text(max_size=6), st.integers(), st.integers(), st.text(max_size=3)), max_size=3),
    blocks=st.lists(st.builds(Block, st.sampled_from(["headline", "body"]), st.integers(), st.integers()), max_size=3),
    tokens=st.lists(st.lists(st.integers(), min_size=2, max_size=2), max_size=5),
    entities=st.lists(json_objects, max_size=3),
    quotes=st.lists(json_objects, max_size=3),
    review=st.none() | json_objects,
)


@given(documents)
def test_to_dict_equals_asdict_with_the_same_key_order(doc: Document) -> None:
    plain = doc.to_dict()
    assert plain == record_asdict(doc)
    assert list(plain) == list(record_asdict(doc))


@given(documents)
def test_artefact_line_is_the_json_of_asdict(doc: Document) -> None:
    assert dump_document(doc) == dump_line(record_asdict(doc))
    assert Document.from_dict(json.loads(dump_document(doc))) == doc


def test_to_dict_shares_nothing_mutable_with_the_document() -> None:
    doc = Document(
        id="a",
        text="甲乙",
        meta={"source": {"file": "a.txt"}},
        offsets=[0, 1],
        edits=[Edit("dehyphen", 0, 1, "")],
        blocks=[Block("body", 0, 2)],
        tokens=[[0, 2]],
        entities=[{"start": 0, "end": 2, "label": "PER"}],
        quotes=[{"start": 0, "end": 1}],
        review={"status": "open"},
    )
    plain = doc.to_dict()
    plain["meta"]["source"]["file"] = "b.txt"
    plain["offsets"].append(9)
    plain["tokens"][0][1] = 1
    plain["entities"][0]["label"] = "ORG"
    plain["quotes"].clear()
    plain["review"]["status"] = "done"
    plain["edits"][0]["kind"] = "other"
    assert doc.meta == {"source": {"file": "a.txt"}}
    assert doc.offsets == [0, 1]
    assert doc.tokens == [[0, 2]]
    assert doc.entities == [{"start": 0, "end": 2, "label": "PER"}]
    assert doc.quotes == [{"start": 0, "end": 1}]
    assert doc.review == {"status": "open"}
    assert doc.edits[0].kind == "dehyphen"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id":"a1","text":"x"}', "a1"),
        ('{"id":"\\u4eba\\"q","text":"x"}', '人"q'),
        ('{"text":"x","id":"a1"}', None),
        ('{"id": "a1"}', None),
        ('{"id":7}', None),
        ('{"id":"unterminated', None),
    ],
)
def test_leading_id(line: str, expected: str | None) -> None:
    assert leading_id(line) == expected


def test_keep_id_passes_over_rejected_lines_and_keeps_lines_without_a_leading_id(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    docs = [Document(id=f"d{i}", text="甲" * i, offsets=list(range(i))) for i in range(6)]
    lines = [dump_document(doc) for doc in docs]
    lines[4] = json.dumps({"text": docs[4].text, "id": docs[4].id}) + "\n"  # id not first: cannot be pre-filtered
    lines[5] = '{"id":"d5",broken\n'  # rejected by id, so never parsed
    path.write_text("".join(lines), encoding="utf-8")
    kept = [doc.id for doc in read_documents(path, keep_id=lambda doc_id: doc_id in {"d1", "d3"})]
    assert kept == ["d1", "d3", "d4"]
    with pytest.raises(RecordError):
        list(read_documents(path))


def test_a_dataclass_inside_a_records_values_is_written_as_asdict_writes_it() -> None:
    doc = Document(id="a", text="甲", entities=[{"start": 0, "end": 1, "edit": Edit("x", 0, 1, "甲")}])
    assert dump_document(doc) == dump_line(record_asdict(doc))
    assert json.loads(dump_document(doc))["entities"][0]["edit"]["replacement"] == "甲"
