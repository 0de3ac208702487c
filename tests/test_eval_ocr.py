"""The OCR page scores (pipeline/eval/ocr.py): boundary alignment, matching, furniture leaks, a real page."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.eval import ocr

OCR = Path(__file__).parent / "fixtures" / "ocr"


@pytest.mark.parametrize(
    ("paragraphs", "joined", "positions"),
    [
        (["甲乙。", "丙丁戊。"], "甲乙。丙丁戊。", [3]),
        (["一段。"], "一段。", []),
        (["a", "bc", "d"], "abcd", [1, 3]),
    ],
)
def test_boundaries(paragraphs: list[str], joined: str, positions: list[int]) -> None:
    assert ocr.boundaries(paragraphs) == (joined, positions)


@pytest.mark.parametrize(
    ("source", "target", "positions", "mapped"),
    [
        ("甲乙丙丁", "甲乙丙丁", [2], [2.0]),
        ("甲乙X丙丁", "甲乙丙丁", [3], [2.0]),  # an extra character read: the boundary after it maps back
        ("甲丙丁", "甲乙丙丁", [1], [1.0]),  # a character lost before the boundary
        ("ABxyCD", "ABzwCD", [3], [3.0]),  # inside a misread stretch: proportionally
    ],
)
def test_map_positions(source: str, target: str, positions: list[int], mapped: list[float]) -> None:
    assert ocr.map_positions(source, target, positions) == mapped


@pytest.mark.parametrize(
    ("predicted", "true", "count"),
    [
        ([10.0, 50.0], [10, 50], 2),
        ([13.0], [10], 1),  # within 3 characters
        ([14.0], [10], 0),
        ([10.0, 11.0], [10], 1),  # each printed boundary is matched once
        ([9.0, 12.0], [10, 13], 2),
        ([], [10], 0),
    ],
)
def test_matched(predicted: list[float], true: list[int], count: int) -> None:
    assert ocr.matched(predicted, true) == count


@given(st.lists(st.integers(0, 500), unique=True), st.lists(st.integers(0, 500), unique=True))
def test_matched_is_symmetric_and_bounded(a: list[int], b: list[int]) -> None:
    count = ocr.matched([float(x) for x in a], b)
    assert count == ocr.matched([float(x) for x in b], a)
    assert 0 <= count <= min(len(a), len(b))


EXPECTED = {
    "body": ["人民日报今天发表社论。", "全文如下。"],
    "furniture": ["人民日报  1998年1月16日  星期五", "第3版  要闻"],
}


@pytest.mark.parametrize(
    ("paragraphs", "found"),
    [
        (["人民日报今天发表社论。", "全文如下。"], []),  # the paper named in the article is no leak
        (["人民日报今天发表社论。1998年1月16日", "全文如下。"], ["1998年1月16日"]),
        (["人民日报今天发表社论。", "全文如下。星期五"], ["星期五"]),
        (["人民日报今天发表社论。", "第3版 要闻", "全文如下。"], ["第3版", "要闻"]),
        # a head line misread: its fields one by one, else the line
        (["人民日报 1998年1月l6日 星期六", "人民日报今天发表社论。"], ["人民日报", "星期六"]),
        (["入民曰报 1998年l月l6曰", "人民日报今天发表社论。"], ["入民曰报1998年l月l6曰"]),
        (["人民日报今天发表社论。1999年2月3日", "全文如下。"], ["1999年2月3日"]),  # any date the article lacks
    ],
)
def test_leaks(paragraphs: list[str], found: list[str]) -> None:
    assert ocr.leaks(paragraphs, EXPECTED) == found


def test_a_committed_page_is_scored() -> None:
    page = ocr.score_page(OCR / "19980116-02-011_c1_w15_close.txt")
    assert (page.psm, page.source, page.true_boundaries) == (6, "pd1998", 1)
    assert page.matched_boundaries == 1 and page.similarity > 0.95
    assert page.meta_right == {"publication": True, "date": True, "page": True}
    totals = ocr.grouped([page])
    assert list(totals) == ["psm 6", "pd1998", "all"]
    assert totals["all"].figures()["boundary_f1"] == pytest.approx(2 / (1 + page.predicted_boundaries))
