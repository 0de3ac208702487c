"""Common words that name no one and no organisation (银行, 雪花, 温度, 邮电局), derived from training data.

The character model now and then takes a common word for a name in a context where
names stand.  A word pd1998's segmented training text holds at least ``MIN_COUNT``
times and never as a PERSON or an ORG is taken for a common word, and a PERSON or ORG
the model alone proposes is dropped when it is one
(:func:`pipeline.stages.entities.rules.merge_entities`); names found by rules (after a title,
on a byline, in a list, in the organisation gazetteer) are kept.

``python -m pipeline.train.word_lists.common_words TRAIN_SEG.txt TRAIN.jsonl`` rewrites
``pipeline/stages/entities/data/common_words.txt``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from pipeline.core.jsonl import iter_json_lines
from pipeline.train.word_lists import write_word_list

TARGET = "common_words.txt"  # in pipeline/stages/entities/data/
_HAN_WORD = re.compile(r"[\u3400-\u9fff]+")
MIN_COUNT = 3
NAME_LABELS = ("PERSON", "ORG")


def derive(train_seg: Path, train_jsonl: Path) -> list[str]:
    """Words of two or more Han characters seen ``MIN_COUNT`` times and never as a PERSON or ORG, sorted."""
    counts: Counter = Counter()
    with train_seg.open(encoding="utf-8") as lines:
        for line in lines:
            counts.update(word for word in line.split() if len(word) >= 2)
    names = set()
    for _, record in iter_json_lines(train_jsonl):
        text = record["text"]
        names.update(text[start:end] for start, end, label in record.get("entities", []) if label in NAME_LABELS)
    return sorted(
        word for word, count in counts.items() if count >= MIN_COUNT and word not in names and _HAN_WORD.fullmatch(word)
    )


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        raise SystemExit("usage: python -m pipeline.train.word_lists.common_words TRAIN_SEG.txt TRAIN.jsonl")
    words = derive(Path(args[0]), Path(args[1]))
    target = write_word_list(
        TARGET,
        "Words seen at least 3 times in pd1998 train and never as a PERSON or ORG, by pipeline/train/word_lists/common_words.py",
        "\n".join(words),
    )
    print(f"{len(words)} words -> {target}")


if __name__ == "__main__":
    main()
