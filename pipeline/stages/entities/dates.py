"""DATE expressions and their ISO 8601 values, resolved against the article's issue date.

``昨晚`` in a 2013-04-28 paper -> ``2013-04-27``; ``4月26日-27日`` -> ``2013-04-26/2013-04-27``;
``一季度`` -> ``2013-Q1``; ``上半年`` -> ``2013-H1``; ``今年``/``全年`` -> ``2013``.  Expressions
that need the issue date resolve to ``None`` when it is unknown; vague words (当前, 目前,
现在) are not dates at all under the guidelines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from pipeline.stages.entities.numbers import CN_NUMERAL, parse_number

_N = f"[0-9{CN_NUMERAL}]"
YEAR = rf"{_N}{{4}}年"
# Two-digit years (98年) only with a month after them: on their own they are durations (近20年).
SHORT_YEAR = r"[0-9]{2}年(?=(?:1[0-2]|0?[1-9])月)"
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
DAY = (
    r"(?:(?:3[01]|[12][0-9]|0?[1-9])(?:日|号(?![线楼院门文码房台车机厅字人位件库桥路街]))"
    r"|(?:三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])日)"
)
PART_OF_DAY = r"(?:凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜间|夜里|深夜|晚|早|夜)"
QUARTER = r"(?:第|前)?[一二三四1-4]季度"
HALF = r"[上下]半年"
RELATIVE_DAY = r"(?:昨|今|明|前|后)(?:天|日)|昨晚|今晚|明晚|昨夜|今夜|今晨|昨晨|大前天|大后天"
RELATIVE_YEAR = r"(?:今|去|明|前|后|本|当|全)年(?:度|同期)?"
RELATIVE_PERIOD = r"(?:本|上|下|这个|上个|下个)(?:月|(?:周|星期|礼拜)[一二三四五六日天]?)"
YEAR_PART = r"(?:年初|年底|年末|年中|岁末|年内)"

# 1-6月, 1至10月份: a range of months written with one 月
MONTH_RANGE = r"(?:1[0-2]|0?[1-9])[-—–~～至到](?:1[0-2]|0?[1-9])月(?:份)?"
_DATE_CORE = (
    rf"(?:{YEAR}|{SHORT_YEAR}|{RELATIVE_YEAR})?(?:{MONTH_RANGE}|{QUARTER}|{HALF}|{MONTH}(?:{DAY})?(?:(?:上|中|下)旬|初|底|末)?|{YEAR_PART})"
    rf"|{YEAR}|{DAY}|{RELATIVE_DAY}|{RELATIVE_YEAR}|{RELATIVE_PERIOD}"
)
_RANGE_TAIL = rf"(?:[-—–~～至到](?:{MONTH})?{DAY}|[-—–~～至到]{MONTH}(?:{DAY})?|[-—–~～至到]{YEAR}|[-—–~～至到]{QUARTER})"
DATE_PATTERN = re.compile(
    rf"(?:{_DATE_CORE})(?:{_RANGE_TAIL})?{PART_OF_DAY}?"
    # a lone 1-2 digit day needs its 日/号 and must not be part of a larger number
)
_NOT_AFTER = re.compile(rf"[0-9{CN_NUMERAL}.]$")

# Under the guidelines these are not dates (pd1998 tags them DATE).
VAGUE_TIME_WORDS = frozenset(
    "当前 目前 现在 如今 当今 今后 过去 将来 未来 近年 近年来 近来 近期 最近 日前 近日 此前 以前 以后 "
    "当时 届时 同时 长期 一度 眼下 此时 那时 平时 历来 从前 往年 多年 近几年 这些年 新时期 新世纪 现代 古代 近代 当代 时代 年代 会上 会后 会前 期间".split()
)


def find_dates(text: str) -> list[tuple[int, int]]:
    """Character spans of date expressions (leftmost-longest, not inside a larger number)."""
    spans = []
    for match in DATE_PATTERN.finditer(text):
        start, end = match.span()
        if start and _NOT_AFTER.search(text[start - 1]):
            continue
        spans.append((start, end))
    return spans


def _cn(text: str) -> int | None:
    value = parse_number(text)
    return int(value) if value is not None else None


def _year(token: str, ref: date | None) -> int | None:
    digits = token.rstrip("年")
    value = _cn(digits)
    if value is None:
        return None
    if len(digits) == 2:  # 98年 -> 1998, 13年 -> 2013
        century = (ref.year // 100 * 100) if ref else 1900
        value += century
        if ref and value > ref.year + 20:
            value -= 100
    return value


_RE_YEAR = re.compile(rf"({_N}{{4}}|[0-9]{{2}})年")
# 上年, the year before, as the model finds it (比上年增长: pd1998 train labels it DATE 83 times in 84)
_RE_REL_YEAR = re.compile(r"(今|去|明|前|后|本|当|全|上)年")
_RE_MONTH = re.compile(r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月")
_RE_DAY = re.compile(r"(3[01]|[12][0-9]|0?[1-9]|三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]")
_RE_QUARTER = re.compile(r"([一二三四1-4])季度")
_RE_HALF = re.compile(r"([上下])半年")
_RANGE_SPLIT = re.compile(r"[-—–~～至到]")
_RE_WEEK = re.compile(r"(本|这|上|下|上个|下个|这个)(?:周|星期|礼拜)([一二三四五六日天]?)")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_YEAR_OFFSET = {"今": 0, "本": 0, "当": 0, "全": 0, "去": -1, "上": -1, "前": -2, "明": 1, "后": 1}
_DAY_WORDS = {
    "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1, "昨晨": -1,
    "今天": 0, "今日": 0, "今晚": 0, "今夜": 0, "今晨": 0, "明天": 1, "明日": 1, "明晚": 1,
    "后天": 2, "后日": 2, "大后天": 3,
}


def _resolve_point(text: str, ref: date | None, default_year: int | None, default_month: int | None) -> str | None:
    """ISO value of a single (non-range) date expression."""
    for word, offset in _DAY_WORDS.items():
        if text.startswith(word):
            return (ref + timedelta(days=offset)).isoformat() if ref else None
    year: int | None = None
    if m := _RE_YEAR.search(text):
        year = _year(m.group(), ref)
    elif m := _RE_REL_YEAR.search(text):
        year = ref.year + _YEAR_OFFSET[m.group(1)] if ref else None
        if year is None:
            return None
    if m := _RE_QUARTER.search(text):
        y = year or default_year or (ref.year if ref else None)
        if not y:
            return None
        if text[m.start() - 1 : m.start()] == "前":  # 前三季度: the first three quarters
            return f"{y:04d}-Q1/{y:04d}-Q{_cn(m.group(1))}"
        return f"{y:04d}-Q{_cn(m.group(1))}"
    if m := _RE_HALF.search(text):
        y = year or default_year or (ref.year if ref else None)
        return f"{y:04d}-H{1 if m.group(1) == '上' else 2}" if y else None
    month = _cn(m.group(1)) if (m := _RE_MONTH.search(text)) else None
    day = _cn(m.group(1)) if (m := _RE_DAY.search(text)) else None
    if re.search(r"(本|这个)(月)", text) and ref:
        return f"{ref.year:04d}-{ref.month:02d}"
    if re.search(r"(上|上个)月", text) and ref:
        first = ref.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    if re.search(r"(下|下个)月", text) and ref:
        nxt = (ref.replace(day=28) + timedelta(days=4)).replace(day=1)
        return f"{nxt.year:04d}-{nxt.month:02d}"
    if (m := _RE_WEEK.search(text)) and ref:
        shift = -7 if "上" in m.group(1) else 7 if "下" in m.group(1) else 0
        if m.group(2):  # 上周五: that day of the week before the issue's week (weeks begin on Monday)
            monday = ref - timedelta(days=ref.weekday())
            return (monday + timedelta(days=shift + _WEEKDAY[m.group(2)])).isoformat()
        iso = (ref + timedelta(days=shift)).isocalendar()
        return f"{iso[0]:04d}-W{iso[1]:02d}"
    if month is None and day is not None:
        month = default_month or (ref.month if ref else None)
    if year is None and month is not None:
        year = default_year or (ref.year if ref else None)
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_value(text: str, ref: date | None) -> str | None:
    """ISO 8601 value of a date expression relative to ``ref``; ranges as ``start/end``."""
    if text in VAGUE_TIME_WORDS:
        return None
    parts = _RANGE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and "月" not in parts[0] and _RE_MONTH.match(parts[1]) and parts[0][-1:].isdigit():
        parts[0] += "月"  # 1-6月: the first month shares the second's 月
    first = _resolve_point(parts[0], ref, None, None)
    if len(parts) == 1 or first is None:
        return first
    start_year = int(first[:4])
    start_month = int(first[5:7]) if len(first) >= 7 and first[4] == "-" and first[5:7].isdigit() else None
    second = _resolve_point(parts[1], ref, start_year, start_month)
    return f"{first}/{second}" if second else first


def parse_issue_date(value: object) -> date | None:
    """The issue date from ``meta['date']`` (ISO string or date); None if absent or unreadable."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def date_values_in_text(text: str, spans: Sequence[tuple[int, int]], ref: date | None) -> list[str | None]:
    """Values of the DATE spans of ``text`` (in order)."""
    return [date_value(text[a:b], ref) for a, b in spans]
