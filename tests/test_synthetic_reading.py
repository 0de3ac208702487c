"""The synthetic-scan scorer (pipeline/eval/synthetic_reading.py): figures counted right, and the page
reading scored on a small typeset workload."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.eval.bench.workload import build_workload
from pipeline.eval.synthetic_reading import canonical, figures, printed_body, score_paragraphs, score_scans


@pytest.mark.parametrize(
    ("read", "source", "matched", "predicted", "same", "exact"),
    [
        (["甲乙丙。", "丁戊己。"], ["甲乙丙。", "丁戊己。"], 1, 1, True, 2),
        (["甲乙丙。丁戊己。"], ["甲乙丙。", "丁戊己。"], 0, 0, True, 0),  # two paragraphs run together
        (["甲", "乙丙丁戊己庚。辛壬癸。"], ["甲乙丙丁戊己庚。", "辛壬癸。"], 0, 1, True, 0),  # a boundary in the wrong place
        (["甲乙丙, ", "１２。"], ["甲乙丙，", "12。"], 1, 1, True, 2),  # forms normalisation changes
        (["丁戊己。", "甲乙丙。"], ["甲乙丙。", "丁戊己。"], 0, 1, False, 2),  # columns read in the wrong order
    ],
    ids=["same", "run together", "misplaced", "folded forms", "wrong order"],
)
def test_scan_score(read: list[str], source: list[str], matched: int, predicted: int, same: bool, exact: int) -> None:
    score = score_paragraphs("scan", read, source)
    assert (score.matched_boundaries, score.predicted_boundaries, score.true_boundaries) == (matched, predicted, len(source) - 1)
    assert (score.same_text, score.paragraphs_exact, score.paragraphs) == (same, exact, len(source))


def test_canonical_and_printed_body() -> None:
    assert canonical("１２ ,\u3000甲") == "12,甲"
    assert printed_body(["标题", "一段。", "二段。"]) == ["一段。", "二段。"]
    assert printed_body(["只有一段。"]) == ["只有一段。"]


def test_workload_scans_are_scored(fixtures: Path, tmp_path: Path) -> None:
    workload = build_workload(fixtures / "pd1998_excerpt", tmp_path, 1)
    scores = score_scans(workload.scans, fixtures / "pd1998_excerpt")
    assert len(scores) == workload.articles
    found = figures(scores)
    assert found["scans"] == workload.articles
    assert found["boundary_precision"] >= 0.9 and found["boundary_f1"] >= 0.7 and found["same_text"] >= 0.7
