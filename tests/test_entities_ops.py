"""The prediction ops compute what thinc's own ops compute, on arrays and on the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
from thinc.api import NumpyOps

from pipeline.core.network import embedding_sums, windows
from pipeline.stages.entities.ops import PredictionOps, use_prediction_network, use_prediction_ops
from pipeline.stages.prelabel import build_pipeline

RNG = numpy.random.default_rng(0)


@pytest.mark.parametrize("pieces", [2, 3, 4])
def test_maxout_takes_the_largest_piece_as_thinc_does(pieces: int) -> None:
    X = RNG.standard_normal((50, 7, pieces)).astype("float32")
    best, which = PredictionOps().maxout(X)
    thinc_best, _ = NumpyOps().maxout(X)
    assert which is None
    numpy.testing.assert_array_equal(best, thinc_best)


@pytest.mark.parametrize(("lines", "per_line"), [(1, 1), (7, 4), (300, 4), (50, 2)])
def test_embedding_sums_are_thincs_gather_add_to_the_bit(lines: int, per_line: int) -> None:
    table = RNG.standard_normal((97, 8)).astype("float32")
    rows = RNG.integers(0, len(table), (lines, per_line)).astype("uint32")
    numpy.testing.assert_array_equal(embedding_sums(table, rows), NumpyOps().gather_add(table, rows))


@pytest.mark.parametrize(("count", "size"), [(1, 1), (2, 3), (3, 3), (4, 1), (50, 3), (9, 4)])
def test_windows_are_thincs_seq2col(count: int, size: int) -> None:
    rows = RNG.standard_normal((count, 5)).astype("float32")
    expected = NumpyOps().seq2col(rows, size)
    numpy.testing.assert_array_equal(windows(rows, size), expected)


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (False, True), (True, False), (True, True)])
def test_gemm_matches_thinc_with_and_without_out(trans1: bool, trans2: bool) -> None:
    x = RNG.standard_normal((6, 5) if trans1 else (5, 6)).astype("float32")
    y = RNG.standard_normal((4, 6) if trans2 else (6, 4)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(PredictionOps().gemm(x, y, trans1=trans1, trans2=trans2), expected, rtol=1e-5)
    out = numpy.zeros((5, 4), dtype="float32")
    PredictionOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2)
    numpy.testing.assert_allclose(out, expected, rtol=1e-5)


def test_the_shipped_model_predicts_the_same_with_either_ops() -> None:
    text = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    nlp = build_pipeline()
    assert all(isinstance(node.ops, PredictionOps) for node in nlp.get_pipe("tok2vec").model.walk())
    thinc_ops = NumpyOps()
    for _name, component in nlp.components:
        for node in component.model.walk() if hasattr(component, "model") else ():
            node.ops = thinc_ops
    docs = [nlp(text[:400]), nlp(text[400:1200])]
    encoder = nlp.get_pipe("tok2vec").model  # embedding and encoder: every gemm and maxout of the NER
    expected = encoder.predict(docs)
    use_prediction_ops(nlp)
    vectors = encoder.predict(docs)
    for got, want in zip(vectors, expected):
        numpy.testing.assert_allclose(got, want, atol=1e-5)


def _featured(nlp, texts: list[str]) -> list:
    docs = [nlp.make_doc(text) for text in texts]
    for name in ("char_bigrams", "word_features"):
        docs = [nlp.get_pipe(name)(doc) for doc in docs]
    return docs


def test_the_network_scores_what_thinc_scores_on_the_shipped_model() -> None:
    text = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    texts = [text[:400], text[400:1200], "", "新华社北京1月16日电"]
    nlp = build_pipeline()
    tagger = nlp.get_pipe("tagger")
    assert tagger.network is not None and "tok2vec" not in nlp.pipe_names
    by_network = tagger.scores(_featured(nlp, texts))
    tagger.network = None
    nlp.enable_pipe("tok2vec")
    docs = list(nlp.get_pipe("tok2vec").pipe(_featured(nlp, texts)))
    by_thinc = tagger.scores(docs)
    assert [len(s) for s in by_network] == [len(doc) for doc in docs] and len(docs[0]) > 300
    for got, want in zip(by_network, by_thinc, strict=True):
        numpy.testing.assert_allclose(got, want, atol=1e-4)
        assert (got.argmax(axis=1) == want.argmax(axis=1)).all()


def test_a_model_the_network_cannot_read_keeps_thincs_path() -> None:
    nlp = build_pipeline()
    tagger = nlp.get_pipe("tagger")
    tagger.network = None
    nlp.enable_pipe("tok2vec")
    softmax = next(node for node in tagger.model.walk() if node.name == "softmax")
    softmax.attrs["softmax_normalize"] = True  # probabilities, not the logits the network gives
    use_prediction_network(nlp)
    assert tagger.network is None and "tok2vec" in nlp.pipe_names
    assert [e.label_ for e in nlp("新华社北京1月16日电 江泽民主席说").ents]  # labelled through thinc
