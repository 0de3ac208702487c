"""The shared precision/recall/F1 formula."""

from __future__ import annotations

import pytest

from pipeline.eval.metrics import precision_recall_f1


@pytest.mark.parametrize(
    ("correct", "predicted", "gold", "expected"),
    [
        (3, 4, 6, (0.75, 0.5, 0.6)),
        (5, 5, 5, (1.0, 1.0, 1.0)),
        (0, 3, 2, (0.0, 0.0, 0.0)),
        (0, 0, 0, (0.0, 0.0, 0.0)),
        (2, 0, 4, (0.0, 0.5, 0.0)),
    ],
)
def test_precision_recall_f1(correct: int, predicted: int, gold: int, expected: tuple[float, float, float]) -> None:
    assert precision_recall_f1(correct, predicted, gold) == pytest.approx(expected)
