"""Dates written without a digit or a time character (元旦, 黄昏, 暑假), derived from training data.

Almost every DATE holds a digit or a character of time (年, 月, 日, 天, 晚, 季, 春 ...).
The model now and then labels a word with neither as DATE on text it never saw (字节 of
字节跳动); such a model DATE stands only if pd1998 train labels the word DATE itself
(:func:`pipeline.stages.entities.rules.merge_entities`).

``python -m pipeline.train.word_lists.time_words TRAIN.jsonl`` rewrites
``pipeline/stages/entities/data/time_words.txt``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.stages.entities.lexicon import word_list

TARGET = "time_words.txt"  # in pipeline/stages/entities/data/

# Characters and digits that make a span plainly a date or time.
TIME_CHARACTERS = "年月日号天时夜晚早午季度周旬春夏秋冬代纪世朝期初末底前后今明昨秒分点星礼拜宵晨夕载岁"
_PLAIN_DATE = re.compile(rf"[0-9０-９〇零一二三四五六七八九十百千{TIME_CHARACTERS}]")


def plainly_a_date(piece: str) -> bool:
    """Whether ``piece`` holds a digit, a numeral or a time character."""
    return bool(_PLAIN_DATE.search(piece))


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
