"""Derive ``time_words.txt``: the DATE spans of pd1998 train with no digit, numeral or time character
(元旦, 黄昏, 暑假), which :func:`pipeline.stages.entities.time_words.credible_model_date` lets stand.

``python -m pipeline.train.word_lists.time_words TRAIN.jsonl`` rewrites
``pipeline/stages/entities/data/time_words.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.core.jsonl import iter_json_lines
from pipeline.stages.entities.time_words import TARGET, plainly_a_date
from pipeline.train.word_lists import write_word_list


def derive(train_jsonl: Path) -> list[str]:
    """The DATE spans of the training data that are not plainly dates, sorted."""
    words = set()
    for _, record in iter_json_lines(train_jsonl):
        text = record["text"]
        words.update(
            text[start:end]
            for start, end, label in record.get("entities", [])
            if label == "DATE" and not plainly_a_date(text[start:end])
        )
    return sorted(words)



def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        raise SystemExit("usage: python -m pipeline.train.word_lists.time_words TRAIN.jsonl")
    words = derive(Path(args[0]))
    target = write_word_list(
        TARGET,
        "DATE spans of pd1998 train with no digit or time character, by pipeline/train/word_lists/time_words.py",
        "\n".join(words),
    )
    print(f"{len(words)} words -> {target}")


if __name__ == "__main__":
    main()
