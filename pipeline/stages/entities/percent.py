"""PERCENT expressions and their numeric values (12% -> 12.0, 百分之十二 -> 12.0, 八成 -> 80.0).

``三个百分点`` is a difference in percentage points; its value is the number of points (3.0).
"""

from __future__ import annotations

import re

from pipeline.core.numbers import CN_NUMERAL, parse_number

_NUM = rf"[0-9{CN_NUMERAL}]+(?:[.点][0-9{CN_NUMERAL}]+)?"
_CN_DIGIT = "一二两三四五六七八九"

# Each pattern with its name, the rule its spans record (Entity.rule).
NAMED_PERCENT_PATTERNS = [
    # 12%, 12.5%, ％ (folded before matching, but accepted anyway), 10%-15%, a fall of -2.5%
    (
        "percent_sign",
        re.compile(r"(?:(?<![0-9A-Za-z.·%％])[-−－](?=\d))?(?<![0-9.·])\d+(?:[.·]\d+)?(?:[%％]?(?:[-—~～至到])\d+(?:[.·]\d+)?)?[%％]"),
    ),
    ("percent_spelled", re.compile(rf"百分之(?:百|{_NUM})(?:[到至](?:百分之)?{_NUM})?")),
    ("percentage_points", re.compile(rf"(?<![0-9{CN_NUMERAL}]){_NUM}个(?:多)?百分点")),
    # 八成, 八成五, 十成; not 一成不变, 八成为 (becomes), 三成员
    (
        "percent_tenths",
        re.compile(
            rf"(?<![统唯合单专同划第万均逐归构组形完促建生达变造做分现集落赞造0-9{CN_NUMERAL}])"
            rf"(?:[{_CN_DIGIT}]|十)成(?:[{_CN_DIGIT}](?![{CN_NUMERAL}]))?"
            r"(?![为立功员本果长都效熟型交就品绩份千万百群套批片家人年不了])"
        ),
    ),
]

_LEADING_NUMBER = re.compile(rf"{_NUM}")


def find_percent_rules(text: str) -> list[tuple[int, int, str]]:
    """Character spans of percent expressions in ``text`` (non-overlapping, leftmost-longest), each
    with the name of the pattern that found it (the first, for a span two patterns find)."""
    spans: list[tuple[int, int, str]] = []
    for name, pattern in NAMED_PERCENT_PATTERNS:
        spans += [(m.start(), m.end(), name) for m in pattern.finditer(text)]
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def find_percents(text: str) -> list[tuple[int, int]]:
    """Character spans of percent expressions in ``text`` (non-overlapping, leftmost-longest)."""
    return [(start, end) for start, end, _ in find_percent_rules(text)]


def percent_value(text: str) -> float | None:
    """The number a percent expression stands for; for a range, its lower end."""
    text = text.replace("％", "%").replace("·", ".")
    if text.startswith("百分之百"):
        return 100.0
    if "成" in text and "百分" not in text and "%" not in text:
        tens, _, ones = text.partition("成")
        base = 100.0 if tens == "十" else parse_number(tens)
        if base is None:
            return None
        if tens == "十":
            return 100.0
        extra = parse_number(ones) if ones else 0.0
        return base * 10 + (extra or 0.0)
    match = _LEADING_NUMBER.search(text.removeprefix("百分之"))
    value = parse_number(match.group()) if match else None
    return -value if value is not None and text[:1] in "-−－" else value
