"""SIGHAN word scoring: a word counts only when both its boundaries match."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.eval.segmentation import Score, read_gold, score_words, word_spans


@pytest.mark.parametrize(
    ("gold", "predicted", "counts"),
    [
        (["中国", "人民"], ["中国", "人民"], (2, 2, 2)),
        (["中国", "人民"], ["中国人民"], (2, 1, 0)),
        (["中国人民"], ["中国", "人民"], (1, 2, 0)),
        (["江", "泽民", "发表", "讲话"], ["江泽民", "发表", "讲话"], (4, 3, 2)),
        (["一", "二", "三"], ["一二", "三"], (3, 2, 1)),
        (["新年", "讲话"], ["新", "年讲", "话"], (2, 3, 0)),
        ([], [], (0, 0, 0)),
    ],
)
def test_score_counts(gold: list[str], predicted: list[str], counts: tuple[int, int, int]) -> None:
    assert score_words(gold, predicted) == Score(*counts)


@pytest.mark.parametrize(
    ("score", "precision", "recall", "f1"),
    [
        (Score(4, 3, 2), 2 / 3, 1 / 2, 4 / 7),
        (Score(2, 2, 2), 1.0, 1.0, 1.0),
        (Score(2, 1, 0), 0.0, 0.0, 0.0),
        (Score(0, 0, 0), 0.0, 0.0, 0.0),
    ],
)
def test_precision_recall_f1(score: Score, precision: float, recall: float, f1: float) -> None:
    assert (score.precision, score.recall, score.f1) == pytest.approx((precision, recall, f1))


def test_scores_add_up() -> None:
    total = score_words(["中国", "人民"], ["中国", "人民"]) + score_words(["中国人民"], ["中国", "人民"])
    assert total == Score(gold=3, predicted=4, correct=2)


def test_different_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="different text"):
        score_words(["中国"], ["中华"])


def test_read_gold_crlf_and_runs_of_spaces(tmp_path: Path) -> None:
    path = tmp_path / "gold.txt"
    path.write_bytes("  中国   人民\t站 起来了 \r\n\r\n新年  讲话\r\n".encode())
    assert list(read_gold(path)) == [["中国", "人民", "站", "起来了"], ["新年", "讲话"]]


def test_read_gold_fixture_has_crlf(fixtures: Path) -> None:
    raw = (fixtures / "seg_gold_crlf.txt").read_bytes()
    assert b"\r\n" in raw and b"   " in raw
    lines = list(read_gold(fixtures / "seg_gold_crlf.txt"))
    assert len(lines) == 5 and all(" " not in word and word for line in lines for word in line)


words = st.lists(st.text(alphabet="中国人民新年讲话一二三", min_size=1, max_size=4), max_size=12)


@given(words)
def test_perfect_segmentation_scores_one(gold: list[str]) -> None:
    score = score_words(gold, list(gold))
    assert score.correct == score.gold == len(gold)


@given(words)
def test_one_word_per_character_recalls_only_single_characters(gold: list[str]) -> None:
    chars = list("".join(gold))
    assert score_words(gold, chars).correct == sum(len(word) == 1 for word in gold)


@given(words)
def test_word_spans_tile_the_text(gold: list[str]) -> None:
    spans = sorted(word_spans(gold))
    assert [end - start for start, end in spans] == [len(word) for word in gold]
    assert all(a_end == b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
