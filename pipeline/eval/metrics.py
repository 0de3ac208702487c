"""Precision, recall and F1 from counts: the one formula every evaluation command uses."""

from __future__ import annotations


def precision_recall_f1(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """``(precision, recall, F1)``; zero where a denominator is zero."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
