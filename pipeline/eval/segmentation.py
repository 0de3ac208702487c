"""SIGHAN word segmentation scoring: a word counts when both its boundaries match.

Gold files hold one sentence or paragraph a line, words separated by any run of
whitespace, UTF-8 with LF or CRLF line ends (the SIGHAN bakeoff format).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.eval.metrics import precision_recall_f1


@dataclass(frozen=True)
class Score:
    """Word counts behind precision, recall and F1 (summed over many sentences with ``+``)."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.gold + other.gold, self.predicted + other.predicted, self.correct + other.correct)

    @property
    def precision(self) -> float:
        return precision_recall_f1(self.correct, self.predicted, self.gold)[0]

    @property
    def recall(self) -> float:
        return precision_recall_f1(self.correct, self.predicted, self.gold)[1]

    @property
    def f1(self) -> float:
        return precision_recall_f1(self.correct, self.predicted, self.gold)[2]


def word_spans(words: Iterable[str]) -> set[tuple[int, int]]:
    """Character spans ``(start, end)`` of consecutive words in their joined text."""
    spans = set()
    start = 0
    for word in words:
        spans.add((start, start + len(word)))
        start += len(word)
    return spans


def score_words(gold: list[str], predicted: list[str]) -> Score:
    """Score one sentence; both word lists must join to the same text."""
    if "".join(gold) != "".join(predicted):
        raise ValueError(f"gold and predicted words cover different text: {''.join(gold)[:40]!r}...")
    gold_spans, predicted_spans = word_spans(gold), word_spans(predicted)
    return Score(len(gold_spans), len(predicted_spans), len(gold_spans & predicted_spans))


def read_gold(path: Path) -> Iterator[list[str]]:
    """Yield the words of each non-blank line of a segmented file (any whitespace, CRLF or LF)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line in handle:
            words = line.split()
            if words:
                yield words
