"""Precision, recall and F1 from counts, for the evaluation commands (defined in ``pipeline.core.metrics``)."""

from __future__ import annotations

from pipeline.core.metrics import precision_recall_f1

__all__ = ["precision_recall_f1"]
