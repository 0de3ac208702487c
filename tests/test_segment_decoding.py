"""The numpy decoder gives exactly spacy-pkuseg's own scores and words."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy_pkuseg import inference
from spacy_pkuseg.model import Model

from pipeline.segmenter.decoding import SentenceDecoder, TextCutter
from pipeline.segmenter.model import load_segmenter

DEV = Path(__file__).parent / "fixtures" / "seg_dev_tiny.txt"


@pytest.fixture(scope="module")
def pkuseg() -> Any:
    return load_segmenter().nlp.tokenizer.pkuseg_seg


@pytest.fixture(scope="module")
def decoder(pkuseg: Any) -> SentenceDecoder:
    return SentenceDecoder(pkuseg.feature_extractor, pkuseg.model, pkuseg.idx_to_tag)


def pkuseg_scores(pkuseg: Any, text: str) -> np.ndarray:
    """Node scores as spacy-pkuseg computes them (per-node feature lists, its Cython scorer)."""
    extractor, model = pkuseg.feature_extractor, pkuseg.model
    nodes = list(extractor.normalize_text(text))
    features = [extractor.get_node_features_idx(i, nodes) for i in range(len(nodes))]
    node_scores, _ = inference.getLogYY(features, model.n_tag, model.n_feature * model.n_tag, model.w, 1.0)
    return node_scores


def test_the_shipped_segmenter_decodes_with_numpy(pkuseg: Any) -> None:
    assert pkuseg._cut.__self__.__class__ is SentenceDecoder


def test_same_words_and_scores_on_news_lines(pkuseg: Any, decoder: SentenceDecoder) -> None:
    lines = ["".join(line.split()) for line in DEV.read_text("utf-8").splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert decoder.cut(line) == type(pkuseg)._cut(pkuseg, line)
        assert np.array_equal(decoder.node_scores(line), pkuseg_scores(pkuseg, line))


@pytest.mark.parametrize(
    "text", ["中", "１９９８年", "ａｂ-c.d*e", "江泽民发表新年讲话。", "ＡＢＣ１２３", "a\ud800b中国", "😀中国人民", "\x00中国"]
)
def test_same_words_on_edge_cases(pkuseg: Any, decoder: SentenceDecoder, text: str) -> None:
    assert decoder.cut(text) == type(pkuseg)._cut(pkuseg, text)


alphabet = list("中国人民新年讲话发表经济发展改革开放的了和在是一二三年月日１９％ａｂＡ-._*:，。、")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=alphabet, min_size=1, max_size=60))
def test_same_words_and_scores_on_any_text(pkuseg: Any, decoder: SentenceDecoder, text: str) -> None:
    assert decoder.cut(text) == type(pkuseg)._cut(pkuseg, text)
    assert np.array_equal(decoder.node_scores(text), pkuseg_scores(pkuseg, text))


def test_weights_of_another_size_are_refused(pkuseg: Any) -> None:
    other = Model(pkuseg.model.n_feature - 1, pkuseg.model.n_tag)
    with pytest.raises(ValueError, match="features"):
        SentenceDecoder(pkuseg.feature_extractor, other, pkuseg.idx_to_tag)


def test_the_shipped_segmenter_cuts_whole_texts_at_once(pkuseg: Any) -> None:
    assert isinstance(pkuseg.cut, TextCutter)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=alphabet + [" ", "\n", "\u3000", "\x00"], max_size=80))
def test_a_text_cut_at_once_is_pkusegs_cut_piece_by_piece(pkuseg: Any, text: str) -> None:
    assert pkuseg.cut(text) == type(pkuseg).cut(pkuseg, text)


def test_user_dictionary_words_are_kept_whole(pkuseg: Any, decoder: SentenceDecoder) -> None:
    from spacy_pkuseg import Preprocesser

    with_user_words = copy.copy(pkuseg)
    with_user_words.preprocesser = Preprocesser(None)
    with_user_words.preprocesser.insert("新年讲话", "")
    with_user_words.cut = TextCutter(with_user_words, decoder)
    text = "江泽民发表新年讲话。 经济发展新年讲话"
    assert with_user_words.cut(text) == type(pkuseg).cut(with_user_words, text)
    assert "新年讲话" in with_user_words.cut(text)
