"""Chinese and Arabic numerals to numbers (十二 -> 12, 二十五点五 -> 25.5, 一九九八 -> 1998).

Below the page reading (dates and pages a running head prints in Chinese) and the entity rules (DATE and
PERCENT values), which both read them.
"""

from __future__ import annotations

import re

DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "〇零○一二两三四五六七八九十百千"
NUMBER_CHARS = f"0-9{CN_NUMERAL}"

_ARABIC = re.compile(r"^\d+(?:\.\d+)?$")


def _integer(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in DIGITS for ch in text):  # digit-by-digit: 一九九八, 二〇一三
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def parse_number(text: str) -> float | None:
    """Value of an Arabic or Chinese numeral, with an optional decimal part (点/.); None if not a number."""
    text = text.strip()
    if _ARABIC.match(text):
        return float(text)
    whole, _, fraction = text.partition("点")
    value = _integer(whole)
    if value is None:
        return None
    if fraction:
        if not all(ch in DIGITS for ch in fraction):
            return None
        return float(f"{value}.{''.join(str(DIGITS[ch]) for ch in fraction)}")
    return float(value)
