"""Dates written without a digit or a time character (元旦, 黄昏, 暑假), derived from training data.

Almost every DATE holds a digit or a character of time (年, 月, 日, 天, 晚, 季, 春 ...).
The model now and then labels a word with neither as DATE on text it never saw (字节 of
字节跳动); such a model DATE stands only if pd1998 train labels the word DATE itself
(:func:`pipeline.entities.rules.merge_entities`).

``python -m pipeline.entities.time_words TRAIN.jsonl`` rewrites
``pipeline/entities/data/time_words.txt``.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

from pipeline.entities.lexicon import word_list, write_word_list
from pipeline.jsonl import iter_json_lines

TARGET = "time_words.txt"  # in pipeline/entities/data/

# Characters and digits that make a span plainly a date or time.
TIME_CHARACTERS = "年月日号天时夜晚早午季度周旬春夏秋冬代纪世朝期初末底前后今明昨秒分点星礼拜宵晨夕载岁"
_PLAIN_DATE = re.compile(rf"[0-9０-９〇零一二三四五六七八九十百千{TIME_CHARACTERS}]")


def plainly_a_date(piece: str) -> bool:
    """Whether ``piece`` holds a digit, a numeral or a time character."""
    return bool(_PLAIN_DATE.search(piece))


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


@lru_cache(maxsize=1)
def time_words() -> frozenset[str]:
    return frozenset(word_list(TARGET))


# Festivals and holidays, whose 节 alone makes no date (字节).
FESTIVALS = frozenset(
    "国庆 国庆节 端午 端午节 中秋 中秋节 重阳 重阳节 元宵 元宵节 清明 清明节 劳动节 儿童节 教师节 妇女节 青年节 "
    "建军节 建党节 植树节 情人节 七夕 七夕节 腊八 腊八节 除夕 小年 春节 元旦 圣诞 圣诞节 感恩节 复活节 开斋节".split()
)


def credible_model_date(piece: str) -> bool:
    """A model DATE stands if it is plainly a date, a festival, or a word pd1998 train labels DATE (黄昏)."""
    return plainly_a_date(piece) or piece in FESTIVALS or piece in time_words()


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        raise SystemExit("usage: python -m pipeline.entities.time_words TRAIN.jsonl")
    words = derive(Path(args[0]))
    target = write_word_list(
        TARGET,
        "DATE spans of pd1998 train with no digit or time character, by pipeline/entities/time_words.py",
        "\n".join(words),
    )
    print(f"{len(words)} words -> {target}")


if __name__ == "__main__":
    main()
