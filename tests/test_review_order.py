"""Review order: `doccano push --order uncertain` puts first the documents the entity model is least sure of."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.core.record import Document
from pipeline.learn import SHIPPED_MODEL
from pipeline.learn.uncertainty import SURE, by_uncertainty, least_sure_first, margins, mean_margin
from pipeline.stages.entities.tags import log_probabilities


def rows(*probabilities: tuple[float, ...]) -> numpy.ndarray:
    """Log-probabilities of tags, a row per character, from probabilities."""
    return numpy.log(numpy.array(probabilities, dtype=float).reshape(len(probabilities), -1))


SURE_ROW, TORN_ROW, LEANING_ROW = (0.98, 0.01, 0.01), (0.5, 0.49, 0.01), (0.7, 0.2, 0.1)

# documents of known uncertainty: (name, rows) -> their order, least sure first
DOCUMENTS = {
    "sure": rows(SURE_ROW, SURE_ROW, SURE_ROW, SURE_ROW),  # margin 0.97
    "torn": rows(TORN_ROW, TORN_ROW),  # 0.01: a coin toss between two tags
    "half torn": rows(SURE_ROW, TORN_ROW),  # 0.49
    "leaning": rows(LEANING_ROW, LEANING_ROW, LEANING_ROW),  # 0.5
    "one torn in many": rows(*[SURE_ROW] * 9, TORN_ROW),  # 0.874: one doubt in ten characters
    "empty": numpy.zeros((0, 3)),  # nothing to be unsure of
}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["sure", "torn", "half torn", "leaning", "one torn in many", "empty"],
         ["torn", "half torn", "leaning", "one torn in many", "sure", "empty"]),
        (["empty", "sure"], ["sure", "empty"]),
        (["sure", "leaning"], ["leaning", "sure"]),
        (["one torn in many", "half torn"], ["half torn", "one torn in many"]),  # doubt per character, not in all
    ],
)
def test_documents_of_known_uncertainty_come_out_least_sure_first(names: list[str], expected: list[str]) -> None:
    certainty = [mean_margin(DOCUMENTS[name]) for name in names]
    assert [names[index] for index in least_sure_first(certainty)] == expected


@pytest.mark.parametrize(
    ("document", "margin"),
    [("sure", 0.97), ("torn", 0.01), ("half torn", 0.49), ("leaning", 0.5), ("one torn in many", 0.874), ("empty", SURE)],
)
def test_mean_margin(document: str, margin: float) -> None:
    assert mean_margin(DOCUMENTS[document]) == pytest.approx(margin)


def test_equal_certainty_keeps_the_input_order() -> None:
    assert least_sure_first([0.5, 0.2, 0.5, 0.2]) == [1, 3, 0, 2]


LOGITS = arrays(numpy.float64, st.tuples(st.integers(1, 6), st.integers(2, 8)), elements=st.floats(-20, 20))


@given(LOGITS)
def test_margins_of_logits_are_those_of_their_softmax(logits: numpy.ndarray) -> None:
    softmax = numpy.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    top = numpy.sort(softmax, axis=1)
    found = margins(log_probabilities(logits))
    assert numpy.allclose(found, top[:, -1] - top[:, -2], atol=1e-9)
    assert ((found >= -1e-12) & (found <= 1 + 1e-12)).all()


def test_the_shipped_model_is_least_sure_of_names_it_never_saw() -> None:
    documents = [
        Document(id="plain", text="我们要继续努力工作，把各项工作做好。"),
        Document(id="new names", text="米哈游与字节跳动、小红书、大疆创新签署了协议。"),
        Document(id="known names", text="国务院总理李鹏在北京会见了美国客人。"),
        Document(id="empty", text=""),
    ]
    ranked = by_uncertainty(documents, SHIPPED_MODEL)
    assert [document.id for document, _ in ranked] == ["new names", "known names", "plain", "empty"]
    assert all(0.0 <= certainty <= 1.0 for _, certainty in ranked)
