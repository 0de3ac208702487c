"""The record's plain forms: ``to_dict`` is an independent copy equal to ``asdict``; artefact lines match it."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from pipeline.jsonl import dump_document, dump_line
from pipeline.record import Block, Document, Edit

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
    assert plain == asdict(doc)
    assert list(plain) == list(asdict(doc))


@given(documents)
def test_artefact_line_is_the_json_of_asdict(doc: Document) -> None:
    assert dump_document(doc) == dump_line(asdict(doc))
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
