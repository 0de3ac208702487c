"""The characters of transliterated foreign names (斯卡尔法罗, 涅斯捷鲁什金), derived from training data.

Chinese renders foreign names with a small set of phonetic characters.  A model with
a few characters of context often stops inside a long one (斯卡尔 for 斯卡尔法罗); a
name made of these characters and followed by more of them is extended over them
(:func:`pipeline.stages.entities.rules.merge_entities`).  The set is read off pd1998's
PERSON spans that do not start with a Chinese surname (or hold the name dot ·):
characters seen there at least ``MIN_COUNT`` times, and at least ``MIN_SHARE`` of
whose occurrences in the whole text are inside such names.

``python -m pipeline.train.word_lists.transliteration TRAIN.jsonl`` rewrites
``pipeline/stages/entities/data/transliteration.txt``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pipeline.core.jsonl import iter_json_lines
from pipeline.stages.entities.lexicon import NAME_DOT, surnames
from pipeline.train.word_lists import write_word_list

TARGET = "transliteration.txt"  # in pipeline/stages/entities/data/
MIN_COUNT = 3
MIN_SHARE = 0.02


def derive(train_jsonl: Path, surnames: frozenset[str]) -> list[str]:
    """Transliteration characters, most frequent in foreign names first."""
    in_names: Counter = Counter()
    overall: Counter = Counter()
    for _, record in iter_json_lines(train_jsonl):
        text = record["text"]
        overall.update(text)
        for start, end, label in record.get("entities", []):
            name = text[start:end]
            foreign = len(name) >= 3 and name[:1] not in surnames and name[:2] not in surnames
            if label == "PERSON" and (foreign or NAME_DOT in name):
                in_names.update(name)
    chosen = [c for c, n in in_names.items() if n >= MIN_COUNT and n / overall[c] >= MIN_SHARE and c != NAME_DOT]
    return sorted(chosen, key=lambda c: (-in_names[c], c))


def main(argv: list[str] | None = None) -> None:

    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        raise SystemExit("usage: python -m pipeline.train.word_lists.transliteration TRAIN.jsonl")
    characters = derive(Path(args[0]), surnames())
    target = write_word_list(
        TARGET,
        "Characters of transliterated foreign names, derived from pd1998 train by pipeline/train/word_lists/transliteration.py",
        "".join(characters),
    )
    print(f"{len(characters)} characters -> {target}")


if __name__ == "__main__":
    main()
