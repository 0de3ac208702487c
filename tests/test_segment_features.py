"""The sentence-at-a-time feature extractor gives exactly pkuseg's own features."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy_pkuseg.feature_extractor import FeatureExtractor

from pipeline.segmenter.features import SentenceFeatureExtractor

TRAIN = Path(__file__).parent / "fixtures" / "seg_train_tiny.txt"


@pytest.fixture(scope="module")
def stock() -> FeatureExtractor:
    extractor = FeatureExtractor()
    with contextlib.redirect_stdout(io.StringIO()):
        extractor.build(str(TRAIN))
    return extractor


def features_both_ways(stock: FeatureExtractor, text: str) -> tuple[list[list[int]], list[list[int]]]:
    fast = SentenceFeatureExtractor(stock)
    nodes = list(stock.normalize_text(text))
    expected = [stock.get_node_features_idx(i, nodes) for i in range(len(nodes))]
    return expected, [fast.get_node_features_idx(i, nodes) for i in range(len(nodes))]


def test_same_features_on_the_training_lines(stock: FeatureExtractor) -> None:
    lines = ["".join(line.split()) for line in TRAIN.read_text("utf-8").splitlines()[:40]]
    fired: set[int] = set()
    for line in lines:
        expected, actual = features_both_ways(stock, line)
        assert actual == expected
        fired.update(index for node in expected for index in node)
    names = {index: name for name, index in stock.feature_to_idx.items()}
    assert {names[i].split(".")[0] for i in fired} >= {"c", "w1", "w-1", "ww"}  # every kind of feature fired


@pytest.mark.parametrize("text", ["", "中", "１９９８年", "ａｂ-c.d*e", "江泽民发表新年讲话。"])
def test_same_features_on_edge_cases(stock: FeatureExtractor, text: str) -> None:
    expected, actual = features_both_ways(stock, text)
    assert actual == expected


alphabet = list("中国人民新年讲话发表经济发展改革开放的了和在是一二三１９％ａｂＡ-._*:，。、")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=alphabet, max_size=40))
def test_same_features_on_any_text(stock: FeatureExtractor, text: str) -> None:
    expected, actual = features_both_ways(stock, text)
    assert actual == expected


def test_a_new_sentence_is_never_mistaken_for_the_last(stock: FeatureExtractor) -> None:
    fast = SentenceFeatureExtractor(stock)
    first = list(stock.normalize_text("新年讲话"))
    fast.get_node_features_idx(0, first)
    second = list(stock.normalize_text("经济发展"))
    assert fast.get_node_features_idx(0, second) == stock.get_node_features_idx(0, second)
