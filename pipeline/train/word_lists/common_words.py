"""Common words that name no one and no organisation (银行, 雪花, 温度, 邮电局), derived from training data.

The character model now and then takes a common word for a name in a context where
names stand.  A word pd1998's segmented training text holds at least ``MIN_COUNT``
times and never as a PERSON or an ORG is taken for a common word, and a PERSON or ORG
the model alone proposes is dropped when it is one
(:func:`pipeline.stages.entities.rules.merge_entities`); names found by rules (after a title,
on a byline, in a list, in the organisation gazetteer) are kept.

pd1998 leaves some organisations unlabelled by convention: abbreviations and short names
(北约, 欧盟, 安理会, 国民党, 北大) are written as ``j`` or ``n`` there, never ``nt``.  So a word counts as
common only where the other labelled corpora (MSRA, CLUENER, Boson: ``--named-in``) agree: a
word they label PERSON or ORG at least ``MIN_LABELLED`` times and in at least ``NAMED_SHARE`` of its
occurrences is a name they know and pd1998 does not mark, and is left out.  Those words are
written to ``pipeline/eval/data/pd1998_unlabelled_names.txt`` too, so that the guideline-adjusted
score on pd1998 leaves them out of both gold and predictions (pd1998 cannot judge them).

``python -m pipeline.train.word_lists.common_words TRAIN_SEG.txt TRAIN.jsonl [--named-in CORPUS.jsonl ...]``
rewrites ``pipeline/stages/entities/data/common_words.txt`` (and the pd1998 list above).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.core.jsonl import iter_json_lines
from pipeline.eval.entities import PD1998_UNLABELLED_NAMES
from pipeline.train.word_lists import write_word_list

TARGET = "common_words.txt"  # in pipeline/stages/entities/data/
_HAN_WORD = re.compile(r"[\u3400-\u9fff]+")
MIN_COUNT = 3
NAME_LABELS = ("PERSON", "ORG")
# A word other corpora label as a name this often is one they know (set before measuring: "as often as not").
NAMED_SHARE = 0.5
MIN_LABELLED = 2


def names_elsewhere(words: Iterable[str], corpora: Sequence[Path]) -> list[str]:
    """Of ``words``, those the labelled ``corpora`` name (PERSON or ORG) ``MIN_LABELLED`` times or more and in
    ``NAMED_SHARE`` of their occurrences or more (occurrences counted as substrings of the texts), sorted."""
    labelled: Counter = Counter()
    texts = []
    for corpus in corpora:
        for _, record in iter_json_lines(corpus):
            text = record["text"]
            texts.append(text)
            labelled.update(text[start:end] for start, end, label in record.get("entities", []) if label in NAME_LABELS)
    joined = "\n".join(texts)
    return sorted(
        word for word in words
        if labelled[word] >= MIN_LABELLED and labelled[word] >= NAMED_SHARE * joined.count(word)
    )


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train_seg", type=Path)
    parser.add_argument("train_jsonl", type=Path)
    parser.add_argument("--named-in", type=Path, nargs="*", default=[], help="other labelled corpora (jsonl)")
    args = parser.parse_args(argv)
    words = derive(args.train_seg, args.train_jsonl)
    named = names_elsewhere(words, args.named_in)
    left_out = set(named)
    common = [word for word in words if word not in left_out]
    sources = ", ".join(path.parent.name for path in args.named_in) or "none"
    target = write_word_list(
        TARGET,
        f"Words seen at least {MIN_COUNT} times in pd1998 train and never as a PERSON or ORG, less {len(named)} that "
        f"other corpora ({sources}) label as names in at least {NAMED_SHARE:.0%} of their occurrences, "
        "by pipeline/train/word_lists/common_words.py",
        "\n".join(common),
    )
    unlabelled = write_word_list(
        PD1998_UNLABELLED_NAMES.name,
        f"Words pd1998 train never labels PERSON or ORG that other corpora ({sources}) label as names in at least "
        f"{NAMED_SHARE:.0%} of their occurrences, by pipeline/train/word_lists/common_words.py",
        "\n".join(named),
        PD1998_UNLABELLED_NAMES.parent,
    )
    print(f"{len(common)} common words -> {target}; {len(named)} names other corpora know -> {unlabelled}")


if __name__ == "__main__":
    main()
