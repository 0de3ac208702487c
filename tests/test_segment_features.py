"""The sentence-at-a-time feature extractor gives exactly pkuseg's own features."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
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


@pytest.fixture(scope="module")
def fast(stock: FeatureExtractor) -> SentenceFeatureExtractor:
    return SentenceFeatureExtractor(stock)


def features_both_ways(
    stock: FeatureExtractor, fast: SentenceFeatureExtractor, text: str
) -> tuple[list[list[int]], list[list[int]]]:
    nodes = list(stock.normalize_text(text))
    expected = [stock.get_node_features_idx(i, nodes) for i in range(len(nodes))]
    return expected, [fast.get_node_features_idx(i, nodes) for i in range(len(nodes))]


def test_same_features_on_the_training_lines(stock: FeatureExtractor, fast: SentenceFeatureExtractor) -> None:
    lines = ["".join(line.split()) for line in TRAIN.read_text("utf-8").splitlines()[:40]]
    fired: set[int] = set()
    for line in lines:
        expected, actual = features_both_ways(stock, fast, line)
        assert actual == expected
        fired.update(index for node in expected for index in node)
    names = {index: name for name, index in stock.feature_to_idx.items()}
    assert {names[i].split(".")[0] for i in fired} >= {"c", "w1", "w-1", "ww"}  # every kind of feature fired


@pytest.mark.parametrize("text", ["", "中", "１９９８年", "ａｂ-c.d*e", "江泽民发表新年讲话。"])
def test_same_features_on_edge_cases(stock: FeatureExtractor, fast: SentenceFeatureExtractor, text: str) -> None:
    expected, actual = features_both_ways(stock, fast, text)
    assert actual == expected


alphabet = list("中国人民新年讲话发表经济发展改革开放的了和在是一二三１９％ａｂＡ-._*:，。、")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=alphabet, max_size=40))
def test_same_features_on_any_text(stock: FeatureExtractor, fast: SentenceFeatureExtractor, text: str) -> None:
    expected, actual = features_both_ways(stock, fast, text)
    assert actual == expected


def test_a_new_sentence_is_never_mistaken_for_the_last(stock: FeatureExtractor, fast: SentenceFeatureExtractor) -> None:
    first = list(stock.normalize_text("新年讲话"))
    fast.get_node_features_idx(0, first)
    second = list(stock.normalize_text("经济发展"))
    assert fast.get_node_features_idx(0, second) == stock.get_node_features_idx(0, second)


def test_tables_hold_every_feature(stock: FeatureExtractor, fast: SentenceFeatureExtractor) -> None:
    held = [index for table in fast.tables.values() for index in table.values()]
    assert sorted(held) == sorted(set(stock.feature_to_idx.values()) - {0})  # all but the bias $$


def test_tables_from_a_sorted_feature_list(stock: FeatureExtractor, fast: SentenceFeatureExtractor) -> None:
    names = sorted(stock.feature_to_idx)
    from_list = SentenceFeatureExtractor(stock, features=names)
    nodes = list(stock.normalize_text("中国人民新年讲话发表经济发展"))
    renumber = {stock.feature_to_idx[name]: position for position, name in enumerate(names)}
    expected = [[renumber[i] for i in stock.get_node_features_idx(j, nodes)] for j in range(len(nodes))]
    assert [from_list.get_node_features_idx(j, nodes) for j in range(len(nodes))] == expected


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=alphabet + list("Ｂ７八千abc9|/,"), max_size=40))
def test_text_matrix_is_the_matrix_of_the_normalised_nodes(fast: SentenceFeatureExtractor, text: str) -> None:
    nodes = list(fast.normalize_text(text))
    assert fast.text_matrix(text).tolist() == fast.sentence_matrix(nodes).tolist()


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=30))
def test_text_matrix_on_any_characters(fast: SentenceFeatureExtractor, text: str) -> None:
    nodes = list(fast.normalize_text(text))
    assert fast.text_matrix(text).tolist() == fast.sentence_matrix(nodes).tolist()


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=alphabet + list("Ｂ７八千abc9\x00"), max_size=12), min_size=1, max_size=5))
def test_texts_matrix_holds_each_texts_own_matrix(fast: SentenceFeatureExtractor, texts: list[str]) -> None:
    from pipeline.segmenter.features import TEXT_GAP

    together = fast.texts_matrix(texts)
    start = 0
    for text in texts:
        own = fast.text_matrix(text)
        block = together[start : start + len(text)]
        assert block[:, : own.shape[1]].tolist() == own.tolist()
        assert (block[:, own.shape[1] :] == fast.pad).all()  # a wider matrix pads the extra columns
        start += len(text) + TEXT_GAP
    assert len(together) == start - TEXT_GAP


LEXICON = ["中国", "中国人", "中国人民", "人民", "国人", "新年", "新年讲话", "讲话", "发展", "经济发展", "ａｂ"]


@settings(max_examples=150)
@given(text=st.text(alphabet=list("中国人民新年讲话经济发展ａｂ\x00"), max_size=40))
def test_lexicon_index_finds_every_occurrence_of_every_word(text: str) -> None:
    from pipeline.segmenter.features import LexiconIndex

    index = LexiconIndex(sorted(LEXICON), word_max=6)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts, lengths, numbers = index.find(codes)
    found = {(int(s), int(n), sorted(LEXICON)[int(w)]) for s, n, w in zip(starts, lengths, numbers)}
    expected = {(s, len(w), w) for w in LEXICON for s in range(len(text)) if text.startswith(w, s)}
    assert found == expected
    assert len(found) == len(starts)  # no occurrence twice
