"""An artefact line is byte for byte what the json module writes, whichever encoder writes it."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.jsonl import _spelled_alike, dump_document, loads
from pipeline.core.record import Block, Document, Edit


def json_module_line(doc: Document) -> str:
    fields = doc.json_fields()
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=asdict) + "\n"


def article(**changes: object) -> Document:
    fields: dict = {
        "id": "19980101-01-001-00",
        "text": "江泽民发表新年讲话\n“一国两制”\t\\ \"引号\" \x00\x1f\x7f\u2028😀",
        "meta": {"page": "1", "scores": [0.74, 12.3, 40.0], "reporters": ["兰红光"], "flag": True, "none": None},
        "offsets": list(range(29)),
        "edits": [Edit("dehyphenate", 3, 5, "")],
        "blocks": [Block("headline", 0, 9)],
        "tokens": [[0, 3], [3, 5]],
        "entities": [{"start": 0, "end": 3, "label": "PERSON", "score": 0.9}],
    }
    fields.update(changes)
    return Document(**fields)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"meta": {"tiny": 1e-05}},  # Python writes 1e-05, orjson 1e-5
        {"meta": {"huge": 1.5e16}},  # 1.5e+16 against 1.5e16
        {"meta": {"nan": math.nan, "inf": -math.inf}},  # NaN, -Infinity against null
        {"meta": {"count": 2**70}},  # past orjson's 64 bits
        {"meta": {1: "an integer key"}},  # the json module writes it as "1"
        {"meta": {"tuple": (1, "a")}},
        {"text": "a lone surrogate \ud800 passes through the json module"},
        {"edits": [{"kind": "plain dict", "raw_start": 0, "raw_end": 1, "replacement": "x"}]},
        {"entities": [{"start": 0, "end": 1, "label": "ORG", "extra": Block("body", 0, 1)}]},  # a dataclass inside
        {"review": {"status": "accepted", "at": 0.0001, "by": None}},
    ],
)
def test_same_line_as_the_json_module(changes: dict) -> None:
    doc = article(**changes)
    assert dump_document(doc) == json_module_line(doc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300)
@given(meta=st.dictionaries(st.text(max_size=5), json_values, max_size=4), text=st.text(max_size=20))
def test_any_plain_values_give_the_json_modules_line(meta: dict, text: str) -> None:
    doc = article(meta=meta, text=text, offsets=list(range(len(text))))
    assert dump_document(doc) == json_module_line(doc)


@dataclass
class Opaque:
    value: int


@pytest.mark.parametrize(
    ("value", "alike"),
    [
        ("文", True), (0, True), (-(2**63), True), (False, True), (None, True),
        (0.0, True), (-0.0, True), (1e-4, True), (9999999999999998.0, True), (0.74, True),
        (9.99e-5, False), (1e16, False), (math.nan, False), (math.inf, False),
        ({"a": [1, {"b": 2.5}]}, True), ({"a": [1, {"b": 2e-9}]}, False), ({3: "x"}, False),
        ((1, 2), True), (Opaque(1), False), (b"bytes", False),
    ],
)
def test_which_values_orjson_spells_alike(value: object, alike: bool) -> None:
    assert _spelled_alike(value) is alike


def same_value(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (1 is not 1.0), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[key], b[key]) for key in a)
    return a == b


@pytest.mark.parametrize(
    "line",
    [
        '{"id":"a","text":"江泽民","offsets":[0,1,2]}',
        '{"big":123456789012345678901234567890,"low":-9223372036854775809}',  # orjson: floats
        '{"nan":NaN,"inf":-Infinity,"over":1e400}',  # orjson refuses them
        '{"lone":"\\ud800"}',
        '{"twice":1,"twice":2}',
        "[1e-05, -0.0, 18446744073709551615]",
    ],
)
def test_loads_reads_as_the_json_module(line: str) -> None:
    assert same_value(loads(line), json.loads(line))


@pytest.mark.parametrize("line", ['{"a": ', "[1,]", "", "{'a': 1}"])
def test_loads_refuses_as_the_json_module(line: str) -> None:
    with pytest.raises(json.JSONDecodeError) as ours:
        loads(line)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(line)
    assert (ours.value.msg, ours.value.pos) == (theirs.value.msg, theirs.value.pos)


@settings(max_examples=300)
@given(value=json_values)
def test_loads_reads_any_json_modules_line_alike(value: object) -> None:
    line = json.dumps(value, ensure_ascii=False)
    assert same_value(loads(line), json.loads(line))
