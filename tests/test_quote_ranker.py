"""The learnt quote ranker experiment: candidates, features, deterministic training, folds by half."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.train.quote_ranker import (
    Article,
    Candidate,
    ConditionalLogit,
    LogisticRegression,
    candidate_features,
    candidates,
    folds,
    gold_cues,
)

TEXT = "外交部发言人说，会谈很好。他还表示，双方将合作。"
# 马懿 and 新华社 stand before the cue; the rules chose 他 resolved to 马懿.
NAMED = "新华社北京电 马懿今天在会上说，会谈很好。"


def _quote(text: str, cue: str, speaker: str, name: str | None, source: str = "reported_clause") -> dict:
    cue_at = text.index(cue)
    speaker_at = text.index(speaker)
    return {
        "speaker": {"start": speaker_at, "end": speaker_at + len(speaker), "text": speaker},
        "speaker_name": name,
        "cue": {"start": cue_at, "end": cue_at + len(cue), "text": cue},
        "content": {"start": cue_at + len(cue) + 1, "end": len(text) - 1, "text": text[cue_at + len(cue) + 1 : -1]},
        "kind": "indirect",
        "source": source,
    }


@pytest.mark.parametrize(
    ("entities", "mentions", "expected"),
    [
        ([], [], [("马懿", "rule")]),
        ([], [(7, 9, "马懿")], [("马懿", "rule")]),  # the rules' own speaker is not offered twice
        ([{"start": 0, "end": 3, "label": "ORG"}], [], [("马懿", "rule"), ("新华社", "org")]),
    ],
)
def test_candidates(entities: list, mentions: list, expected: list) -> None:
    quote = _quote(NAMED, "说", "马懿", "马懿")
    assert [(c.name, c.origin) for c in candidates(NAMED, quote, entities, mentions)] == expected


@pytest.mark.parametrize(
    ("candidate", "present", "absent"),
    [
        (Candidate(7, 9, "马懿", "rule"), ["origin=rule", "gap=5", "after=han", "rule_part=reported_clause|is_rule=True"], ["extends_rule=True"]),
        (Candidate(0, 3, "新华社", "org"), ["origin=org", "before=none", "rule_part=reported_clause|is_rule=False", "extends_rule=False"], ["origin=rule"]),
        (Candidate(7, 9, "马懿今", "person"), ["extends_rule=True", "length=3"], []),
    ],
)
def test_candidate_features(candidate: Candidate, present: list[str], absent: list[str]) -> None:
    features = candidate_features(NAMED, _quote(NAMED, "说", "马懿", "马懿"), candidate, 0)
    assert set(present) <= set(features)
    assert not set(absent) & set(features)


ROWS = st.lists(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4), min_size=2, max_size=12)


@settings(max_examples=25, deadline=None)
@given(rows=ROWS, seed=st.integers(0, 1000), flips=st.lists(st.booleans(), min_size=12, max_size=12))
def test_training_is_deterministic_with_a_seed(rows: list[list[str]], seed: int, flips: list[bool]) -> None:
    labels = [int(f) for f in flips[: len(rows)]]
    first = LogisticRegression(seed=seed, steps=50).fit(rows, labels)
    second = LogisticRegression(seed=seed, steps=50).fit(rows, labels)
    assert first.index == second.index
    assert numpy.array_equal(first.weights, second.weights)


def test_conditional_logit_learns_which_candidate_wins() -> None:
    groups = [([["x", "near"], ["y", "far"]], [1, 0]), ([["x", "far"], ["y", "near"]], [0, 1])] * 5
    model = ConditionalLogit(steps=200).fit_groups(groups)
    assert model.scores([["z", "near"], ["z", "far"]]).argmax() == 0


def _article(doc_id: str, cues: list[str] = ()) -> Article:
    quotes = [{"cue": {"text": cue}} for cue in cues]
    return Article({"id": doc_id, "text": "", "quotes": quotes}, [], [])


@given(old=st.integers(0, 20), new=st.integers(0, 20), k=st.integers(1, 6))
def test_folds_deal_each_half_evenly(old: int, new: int, k: int) -> None:
    articles = [_article(f"pd1998-{i:03}") for i in range(old)] + [_article(f"sina-{i:03}") for i in range(new)]
    dealt = folds(articles, k)
    assert sorted(i for fold in dealt for i in fold) == list(range(old + new))
    for half in (True, False):
        sizes = [sum(articles[i].gold["id"].startswith("pd1998") == half for i in fold) for fold in dealt]
        assert max(sizes) - min(sizes) <= 1


def test_gold_cues_are_han_words_the_lexicon_lacks() -> None:
    assert gold_cues([_article("a", ["说", "调侃", "：", "指出", "唱道", "-"])]) == {"调侃", "唱道"}
