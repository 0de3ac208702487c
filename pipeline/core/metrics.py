"""Precision, recall and F1 from counts: the one formula every evaluation and agreement figure uses.

It lives below everything because two kinds of code need it: the measuring commands
(``pipeline.eval``) and the review's agreement report (``pipeline.review.agreement``),
which runtime code may import.
"""

from __future__ import annotations


def harmonic_f1(precision: float, recall: float) -> float:
    """F1, the harmonic mean of precision and recall; zero when both are zero."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def precision_recall_f1(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """``(precision, recall, F1)``; zero where a denominator is zero."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    return precision, recall, harmonic_f1(precision, recall)
