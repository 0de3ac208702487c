"""Invariants of quote attribution, the gold file, the scorer, the spaCy component and the schema roles."""

from __future__ import annotations

import json

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.stages.components  # noqa: F401  (registers quote_attributor)
from pipeline.core.schema import load_schema
from pipeline.eval.quotes import GOLD_FILE, Scores, load_gold, same_speaker, score
from pipeline.stages.quotes import KINDS, attribute_quotes
from pipeline.stages.quotes.roles import quote_spans, role_labels

FRAGMENTS = [
    "市委书记吴天君", "他", "马懿", "在会上", "指出", "强调", "说", "要求", "基本要求", "，", ",", "：", "。", "\n",
    "“", "”", "——", "吴天君", "据介绍", "要", "一是", "全市上下要深入学习", "中原梦", "专家们", "认为", "通知",
    "外交部发言人", "表示", "坚定不移地推进产业集群发展", "？", "！", " ",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_spans_stay_inside_the_text(parts: list[str]) -> None:
    text = "".join(parts)
    for quote in attribute_quotes(text):
        assert quote["kind"] in KINDS
        assert quote["content"]["end"] > quote["content"]["start"]
        for key in ("speaker", "cue", "content"):
            span = quote[key]
            if span is not None:
                assert 0 <= span["start"] < span["end"] <= len(text)
                assert text[span["start"] : span["end"]] == span["text"]
        if quote["speaker"] is not None and quote["speaker"]["text"] not in ("他", "她", "他们", "她们"):
            assert quote["speaker_name"]


def test_gold_file_is_consistent() -> None:
    """Every gold span's text is the slice it claims; enough attributions to mean something."""
    documents = load_gold(GOLD_FILE)
    total = 0
    for document in documents:
        text = document["text"]
        for quote in document["quotes"]:
            assert quote["kind"] in KINDS and quote["speaker_name"]
            for key in ("speaker", "cue", "content"):
                span = quote[key]
                if span is not None:
                    assert text[span["start"] : span["end"]] == span["text"], (document["id"], span)
        for slogan in document["slogans"]:
            assert text[slogan["start"] : slogan["end"]] == slogan["text"]
        total += len(document["quotes"])
    assert 40 <= total <= 80


def _quote(name: str | None, start: int, end: int) -> dict:
    return {"speaker": None, "speaker_name": name, "cue": None, "content": {"start": start, "end": end, "text": ""}, "kind": "direct"}


SCORING = [
    pytest.param([_quote("马懿", 0, 10)], [_quote("马懿", 5, 20)], (1, 1, 1, 0), id="half-covered-matches"),
    pytest.param([_quote("马懿", 0, 10)], [_quote("马懿", 6, 20)], (1, 1, 0, 0), id="less-than-half-misses"),
    pytest.param([_quote("马懿", 0, 10)], [_quote("吴天君", 0, 10)], (1, 1, 0, 0), id="wrong-speaker"),
    pytest.param([_quote("发言人", 0, 10)], [_quote("外交部发言人", 0, 10)], (1, 1, 1, 0), id="speaker-suffix"),
    pytest.param([_quote("马懿", 0, 10)], [_quote("马懿", 0, 10), _quote("马懿", 0, 10)], (1, 2, 1, 0), id="one-match-each"),
    pytest.param([], [_quote("马懿", 30, 33)], (0, 1, 0, 1), id="slogan-taken"),
]


@pytest.mark.parametrize(("gold", "predicted", "counts"), SCORING)
def test_score(gold: list[dict], predicted: list[dict], counts: tuple[int, int, int, int]) -> None:
    document = {"id": "d", "quotes": gold, "slogans": [{"start": 30, "end": 33, "text": "中原梦"}]}
    scores = score([document], lambda doc: predicted)
    assert (scores.gold, scores.predicted, scores.matched, scores.slogans_taken) == counts


def test_scores_arithmetic() -> None:
    scores = Scores(gold=10, predicted=8, matched=6)
    assert (scores.precision, scores.recall) == (0.75, 0.6)
    assert scores.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert not same_speaker(None, "马懿") and not same_speaker("懿", "马懿")


def test_gold_set_with_gold_entities_has_no_slogan_taken() -> None:
    documents = load_gold(GOLD_FILE)
    scores = score(documents, lambda doc: attribute_quotes(doc["text"], doc["entities"], doc["meta"]))
    assert scores.slogans_taken == 0
    assert scores.matched >= 0.75 * scores.gold


def test_component_sets_doc_quotes() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("quote_attributor")
    doc = nlp.make_doc("市委书记吴天君在讲话中提出了明确要求。他指出，全市上下要深入学习。")
    doc._.meta = {"reporters": []}
    doc = nlp.get_pipe("quote_attributor")(doc)
    assert [(q["speaker"]["text"], q["speaker_name"], q["cue"]["text"]) for q in doc._.quotes] == [("他", "吴天君", "指出")]


def test_roles_come_from_the_schema() -> None:
    schema = load_schema()
    labels = role_labels(schema)
    assert set(labels.values()) <= set(schema.quote_role_labels)
    quotes = attribute_quotes("吴天君要求，要着眼长远。吴天君强调，要加强领导。")
    spans, relations = quote_spans(quotes, schema)
    assert sorted(s["label"] for s in spans) == sorted([labels["content"]] * 2 + [labels["speaker"]] * 2 + [labels["cue"]] * 2)
    assert {r["type"] for r in relations} <= set(schema.relation_labels) and len(relations) == 4
    ids = {s["id"] for s in spans}
    assert all(r["from_id"] in ids and r["to_id"] in ids for r in relations)


def test_gold_lines_are_json_objects() -> None:
    for line in GOLD_FILE.read_text(encoding="utf-8").splitlines():
        assert isinstance(json.loads(line), dict)


@pytest.mark.parametrize(
    ("gold", "predicted", "same"),
    [
        ("马懿", "马懿", True),
        ("外交部发言人", "发言人", True),  # one ends with the other
        ("JulienCodorniou", "Julien Codorniou", True),  # spaces do not count
        ("懿", "马懿", False),  # one character is too little to match by its end
        ("马懿", "吴天君", False),
        (None, "马懿", False),
    ],
)
def test_same_speaker(gold: str | None, predicted: str | None, same: bool) -> None:
    assert same_speaker(gold, predicted) is same
