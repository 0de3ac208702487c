"""DATE expressions and their ISO 8601 values, resolved against the article's issue date.

``昨晚`` in a 2013-04-28 paper -> ``2013-04-27``; ``4月26日-27日`` -> ``2013-04-26/2013-04-27``;
``一季度`` -> ``2013-Q1``; ``上半年`` -> ``2013-H1``; ``今年``/``全年`` -> ``2013``.  Expressions
that need the issue date resolve to ``None`` when it is unknown; vague words (当前, 目前,
现在) are not dates at all under the guidelines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.core.numbers import CN_NUMERAL, parse_number
from pipeline.stages.entities.lexicon import alternation, list_rows, word_list

_N = f"[0-9{CN_NUMERAL}]"
YEAR = rf"{_N}{{4}}年"
# Two-digit years (98年) only with a month after them: on their own they are durations (近20年).
SHORT_YEAR = r"[0-9]{2}年(?=(?:1[0-2]|0?[1-9])月)"
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
DAY = (
    r"(?:(?:3[01]|[12][0-9]|0?[1-9])(?:日|号(?![线楼院门文码房台车机厅字人位件库桥路街]))"
    r"|(?:三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])日)"
)
# not 早些时候, earlier; 今天一早, 昨天一大早 (early in the morning: pd1998 labels the day with it, 2 of 2)
PART_OF_DAY = (
    r"(?:凌晨|清晨|拂晓|早上|早晨|早间|上午|中午|午间|下午|黄昏|傍晚|晚上|晚间|夜间|夜里|深夜|午夜|子夜|一大?早|晚(?!些)|早(?!些)|夜)"
)
# A clock time belongs to the day it follows (29日凌晨1点52分, 上周六晚8点: one DATE, GUIDELINES.md);
# alone (下午3时) it is no date.  Only after a day, a weekday or a part of the day.
_CLOCK_NUMBER = r"(?:[0-9]{1,2}|[零一二两三四五六七八九十]{1,3})"
# 许 (about) stays outside: pd1998 leaves it out 14 times of 14, Boson 32 of 32.
CLOCK_TAIL = rf"(?<=[日号天晚夜晨午上早间里末一二三四五六昏晓]){_CLOCK_NUMBER}[点时](?:{_CLOCK_NUMBER}分|半|整)?钟?"
QUARTER = r"(?:第|前)?[一二三四1-4]季度"
HALF = r"[上下]半年"
# The day (or month) of the story, not of the issue: DATE, with no value (pd1998 train: 当天 40 of 40, 当日 7 of 8,
# 当晚 11 of 11, 次日 6 of 6, 当月 5 of 5, 前一天 4 of 4; the modern sets 9 of 11).  Not 当时 (vague), 第二天 (0 of 22).
STORY_DAY = r"(?:(?<![相适应])当[天日晚夜月]|次日|翌日|前一天)"  # not 相当日常, 适当, 应当
RELATIVE_DAY = r"今明两[天日]|明后两?[天日]|(?:昨|今|明|前|后)(?:天|日)|昨晚|今晚|明晚|昨夜|今夜|今晨|昨晨|大前天|大后天"
# 今明两年, 明后年: two years in one span; 后年 not in 今后年均, 当年 not in 相当年轻
RELATIVE_YEAR = r"(?:今明两年|明后两?年|大前年|大后年|(?:今|去|明|前|(?<![今以之然最此])后|本|(?<!相)当|全)年(?:度|同期)?)"
# 本赛季, 上个赛季, 新赛季 (the coming season): the guidelines' relative periods of the story (no value: a season of
# play is no calendar period)
PLAY_SEASON = r"(?:(?:本|上|下|这个|上个|下个)赛季|新赛季)"
# and 今冬, 去秋 (this winter, last autumn; pd1998 labels 7 of 9 such DATE); not 明春, a given name as often as
# next spring (李明春)
RELATIVE_PERIOD = (
    rf"(?:(?:本|上|下|这个|上个|下个)(?:月|(?:周|星期|礼拜)[一二三四五六日天末]?)|{PLAY_SEASON}|[今去][春夏秋冬](?![天季装款]))"
)
YEAR_PART = r"(?:年初|年底|年末|年中|岁末|年内)"
# 周四, 星期三: that day of the story's week (pd1998 train: 22 of 22 DATE); not 每周一, 一星期一次, 周末, 周刊, nor the
# end of a range alone (每周一至|周五): 周一至周五 is one span, from its start
_WEEKDAY_NAME = r"(?:周|星期|礼拜)[一二三四五六日天](?![年刊报末])"
BARE_WEEKDAY = rf"(?<![每上下本这个一二两三四五六七八九十几数至到~～-]){_WEEKDAY_NAME}"


@dataclass(frozen=True)
class Festival:
    """A festival of ``data/festivals.txt``: its fixed day (month, day), if it has one, and whether its
    name is a number (五一) that after a year reads as something else (1998年十一届)."""

    name: str
    day: tuple[int, int] | None
    numeral: bool


def _read_festivals() -> list[Festival]:
    festivals = []
    for name, day, *marks in list_rows("festivals.txt"):
        month, _, day_of_month = day.partition("-")
        fixed = (int(month), int(day_of_month)) if day[0].isdigit() else None
        festivals.append(Festival(name, fixed, "numeral" in marks))
    return festivals


FESTIVALS = _read_festivals()
# A season of the year just named (去年夏季, 1996年春天, 1995年盛夏) or one of its festivals (1998年新年, 1997年母亲节):
# part of its DATE, as 今夏 is one (pd1998: 20 of 20 seasons, 189 festivals after a year)
YEAR_SEASON = (
    r"(?<=年)(?:(?:秋冬|[春夏秋冬])[季天](?!节)|[盛仲初]夏|[寒隆严初]冬|[初早]春|[金深晚]秋"
    rf"|{alternation(f.name for f in FESTIVALS if not f.numeral)})"
)
# The start or end of the year or month just named (年底, 11月末, 7月初): part of its DATE; not 1998年初步, 2000年初中
PERIOD_END = r"(?:[底末]|初(?![步次中]))"
# 2017年底, 2019年度 are one DATE (a period, as the guidelines count them)
YEAR_END = rf"{YEAR}(?:度|{PERIOD_END})"
# 2017财年, 2018财政年度: a company's or a state's fiscal year is a year as 2019年度 is (72 in the 4,000 Sina
# 2018 articles); its value is the year named
FISCAL = "财政?年度?"
FISCAL_YEAR = rf"{_N}{{4}}{FISCAL}"
# 60年代, 上个世纪90年代: a decade (values by _decade_value); not 近20年代表 (twenty years, then 代表)
DECADE = r"(上个?世纪|本世纪|二十世纪|20世纪)?([1-9]0|[一二三四五六七八九]十)年代(?![表价替理言码谢购办课销号])"

# 1-6月, 1至10月份: a range of months written with one 月
MONTH_RANGE = r"(?:1[0-2]|0?[1-9])[-—–~～至到](?:1[0-2]|0?[1-9])月(?:份)?"
_DATE_CORE = (
    rf"(?:{YEAR}|{SHORT_YEAR}|{RELATIVE_YEAR})?(?:{MONTH_RANGE}|{QUARTER}|{HALF}|{MONTH}(?:{DAY})?(?:(?:上|中|下)旬|{PERIOD_END})?|{YEAR_PART})"
    rf"|{DECADE}|{YEAR_END}|{FISCAL_YEAR}|{YEAR}(?:{YEAR_SEASON})?|{DAY}|{RELATIVE_DAY}|{RELATIVE_YEAR}(?:(?<=年){PERIOD_END}|{YEAR_SEASON})?"
    rf"|{RELATIVE_PERIOD}(?:(?<=月){PERIOD_END})?|{STORY_DAY}|{BARE_WEEKDAY}"
)
_RANGE_TAIL = rf"(?:(?<=[一二三四五六日天])[-—–~～至到]{_WEEKDAY_NAME}|[-—–~～至到](?:{MONTH})?{DAY}|[-—–~～至到]{MONTH}(?:{DAY})?|[-—–~～至到]{YEAR}|[-—–~～至到]{QUARTER})"
DATE_BODY = rf"(?:{_DATE_CORE})(?:{_RANGE_TAIL})?{PART_OF_DAY}?(?:{CLOCK_TAIL})?"
# Every date begins with one of these (a digit, a numeral, or the first character of a relative date, a
# quarter, a decade or a part of the year): led by a lookahead of them, the pattern rejects most positions in
# one test instead of trying each alternative, nine times faster with the same matches on pd1998 train and
# the modern news (48,594 dates; tests/test_dates.py checks it on random text).
DATE_FIRST_CHARACTERS = f"0-9{CN_NUMERAL}今明大去前后本当全第上下年岁这新昨次翌周星礼"
DATE_PATTERN = re.compile(f"(?=[{DATE_FIRST_CHARACTERS}]){DATE_BODY}")
# a lone 1-2 digit day needs its 日/号 and must not be part of a larger number
_NOT_AFTER = re.compile(rf"[0-9{CN_NUMERAL}.]$")
_RE_CLOCK_TAIL = re.compile(rf"{CLOCK_TAIL}$")

# Under the guidelines these are not dates (pd1998 tags most of them DATE): a data file with its source.
VAGUE_TIME_WORDS = frozenset(word_list("vague_time_words.txt"))


def inside_title(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands inside 《…》 (or 〈…〉): a month in a title (《二月》,
    《十月围城》) is part of the name, not a date."""
    for opening, closing in (("《", "》"), ("〈", "〉")):
        opened = text.rfind(opening, 0, start)
        if opened == -1 or text.rfind(closing, 0, start) > opened:
            continue
        closed = text.find(closing, end)
        reopened = text.find(opening, end)
        if closed != -1 and (reopened == -1 or closed < reopened):
            return True
    return False


def find_dates(text: str) -> list[tuple[int, int]]:
    """Character spans of date expressions (leftmost-longest, not inside a larger number nor a title)."""
    spans = []
    for match in DATE_PATTERN.finditer(text):
        start, end = match.span()
        if start and _NOT_AFTER.search(text[start - 1]):
            continue
        if inside_title(text, start, end):
            continue
        spans.append((start, end))
    return spans


_RE_YEAR = re.compile(rf"({_N}{{4}}|[0-9]{{2}}|[〇○零一二三四五六七八九]{{2}}(?=年[0-9一二三四五六七八九十]{{1,2}}月))年")
_RE_NAMED_YEAR = re.compile(rf"{_N}{{4}}(?:年|{FISCAL})|[0-9]{{2}}年|(?:今|去|明|前|后|本|全|上)年")
# 上年, the year before, as the model finds it (比上年增长: pd1998 train labels it DATE 83 times in 84)
_RE_REL_YEAR = re.compile(r"(大前|大后|今|去|明|前|后|本|当|同|全|上)年")
_RE_MONTH = re.compile(r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月")
_RE_DAY = re.compile(r"(3[01]|[12][0-9]|0?[1-9]|三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]")
_RE_QUARTER = re.compile(r"([一二三四1-4])季度")
_RE_HALF = re.compile(r"([上下])半年")
_RE_DEKAD = re.compile(r"([上中下])旬")
_RE_FIRST_MONTHS = re.compile(r"前(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])个月")
_RE_DECADE = re.compile(DECADE)
_RE_YEAR_PART = re.compile(YEAR_PART)
_RANGE_SPLIT = re.compile(r"[-—–~～至到]")
_RE_WEEK = re.compile(r"(本|这|上|下|上个|下个|这个)(?:周|星期|礼拜)([一二三四五六日天末]?)")
_RE_BARE_WEEKDAY = re.compile(rf"(?:周|星期|礼拜)([一二三四五六日天]){PART_OF_DAY}?")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_YEAR_OFFSET = {
    "今": 0, "本": 0, "当": 0, "同": 0, "全": 0, "去": -1, "上": -1, "前": -2, "明": 1, "后": 2,
    "大前": -3, "大后": 3,
}
_DAY_WORDS = {
    "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1, "昨晨": -1,
    "今天": 0, "今日": 0, "今晚": 0, "今夜": 0, "今晨": 0, "明天": 1, "明日": 1, "明晚": 1,
    "后天": 2, "后日": 2, "大后天": 3,
}
# Two years or two days in one expression: offsets of the first and the last from the issue's.
_TWO_YEARS = {"今明两年": (0, 1), "今明年": (0, 1), "明后年": (1, 2), "明后两年": (1, 2)}
_TWO_DAYS = {"今明两天": (0, 1), "今明两日": (0, 1), "明后天": (1, 2), "明后两天": (1, 2), "明后两日": (1, 2)}
# Festivals on a fixed day of the Gregorian year. The others (春节, 中秋: lunar; 母亲节: moves) get no value:
# their day needs a lunar calendar or a weekday rule, and the guidelines leave the value empty when unsure.
_FIXED_FESTIVALS = {f.name: f.day for f in FESTIVALS if f.day}
_RE_FESTIVAL = re.compile(rf"({YEAR}|[今去明本当]年)?({alternation(_FIXED_FESTIVALS)})(?:节日|期间|前夕|假期|长假|当天)?")
_DAYLESS_FESTIVALS = re.compile(alternation(f.name for f in FESTIVALS if not f.day))
_SAME_DAY = frozenset({"当天", "当日", "同日", "同一天"})
# A bare month or day after the issue's reads as the recent past when it lies at most this far back:
# 11月 in a paper of 1998-01-05 is 1997-11, 31日 in one of 2019-01-02 is 2018-12-31.
_MONTHS_BACK = 2
_DAYS_BACK = 7


@dataclass(frozen=True)
class DateContext:
    """What the dates before an expression in its sentence say about it.

    ``year``: the year an earlier date named (1997年8月开工，11月竣工 -> 11月 is 1997-11);
    ``previous``: the value of the date just before (its month for a bare day: 10月20日开幕，
    27日闭幕; its day for 当天).
    """

    year: int | None = None
    previous: str | None = None


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


def _month_end(year: int, month: int) -> int:
    return ((date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day


def _last_point(value: str | None) -> str | None:
    return value.rsplit("/", 1)[-1] if value else None


def _year_month(value: str | None) -> tuple[int, int] | None:
    """(year, month) of a value that has a month (2013-04, 2013-04-26), else None."""
    if value and len(value) >= 7 and value[4] == "-" and value[5:7].isdigit():
        return int(value[:4]), int(value[5:7])
    return None


def _recent_month_year(month: int, ref: date) -> int:
    """The year of a month written without one: the issue's, unless it is a month just gone by."""
    if month > ref.month and ref.month + 12 - month <= _MONTHS_BACK:
        return ref.year - 1
    return ref.year


def _recent_day_month(day: int, ref: date) -> tuple[int, int]:
    """(year, month) of a day written alone: the issue's, unless it is a day of last month just gone by."""
    if day > ref.day:
        last = ref.replace(day=1) - timedelta(days=1)
        if day <= last.day and (ref - last.replace(day=day)).days <= _DAYS_BACK:
            return last.year, last.month
    return ref.year, ref.month


def _festival_value(text: str, ref: date | None) -> str | None:
    """元旦, 国庆节 ...: that day of the year named, or the occurrence nearest the issue date."""
    m = _RE_FESTIVAL.fullmatch(text)
    if not m:
        return None
    month, day = _FIXED_FESTIVALS[m.group(2)]
    if m.group(1):
        year = _year(m.group(1), ref) if m.group(1)[0] not in "今去明本当" else (
            ref.year + _YEAR_OFFSET[m.group(1)[0]] if ref else None
        )
        return date(year, month, day).isoformat() if year else None
    if ref is None:
        return None
    nearest = min((date(ref.year + k, month, day) for k in (-1, 0, 1)), key=lambda d: abs((d - ref).days))
    return nearest.isoformat()


def _decade_value(m: re.Match[str], ref: date | None) -> str | None:
    """90年代 -> 1990/1999: in the issue's century unless that decade has not begun yet."""
    decade = _cn(m.group(2))
    if decade is None or ref is None:
        return None
    century = ref.year // 100 * 100
    if m.group(1) in ("上世纪", "上个世纪", "二十世纪", "20世纪"):
        century = 1900 if m.group(1)[0] in "二2" else century - 100
    elif m.group(1) is None and century + decade > ref.year:
        century -= 100
    return f"{century + decade:04d}/{century + decade + 9:04d}"


def _week_value(m: re.Match[str], ref: date) -> str:
    shift = -7 if "上" in m.group(1) else 7 if "下" in m.group(1) else 0
    monday = ref - timedelta(days=ref.weekday()) + timedelta(days=shift)
    if m.group(2) == "末":  # 上周末: that week's Saturday and Sunday
        return f"{(monday + timedelta(days=5)).isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
    if m.group(2):  # 上周五: that day of the week before the issue's week (weeks begin on Monday)
        return (monday + timedelta(days=_WEEKDAY[m.group(2)])).isoformat()
    iso = monday.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def _resolve_point(text: str, ref: date | None, context: DateContext) -> str | None:
    """ISO value of a single (non-range) date expression."""
    for word, offset in _DAY_WORDS.items():
        if text.startswith(word):
            return (ref + timedelta(days=offset)).isoformat() if ref else None
    if m := _RE_DECADE.search(text):
        return _decade_value(m, ref)
    year: int | None = None
    if m := _RE_YEAR.search(text):
        year = _year(m.group(), ref)
    elif m := _RE_REL_YEAR.search(text):
        if m.group(1) in "当同" and context.year:  # 1978年他参军，当年就立了功
            year = context.year
        elif ref:
            year = ref.year + _YEAR_OFFSET[m.group(1)]
        else:
            return None
    default_year = year or context.year or (ref.year if ref else None)
    if m := _RE_QUARTER.search(text):
        if not default_year:
            return None
        if text[m.start() - 1 : m.start()] == "前":  # 前三季度: the first three quarters
            return f"{default_year:04d}-Q1/{default_year:04d}-Q{_cn(m.group(1))}"
        return f"{default_year:04d}-Q{_cn(m.group(1))}"
    if m := _RE_HALF.search(text):
        return f"{default_year:04d}-H{1 if m.group(1) == '上' else 2}" if default_year else None
    if m := _RE_FIRST_MONTHS.search(text):  # 今年前10个月
        last = _cn(m.group(1))
        return f"{default_year:04d}-01/{default_year:04d}-{last:02d}" if default_year and last else None
    month = _cn(m.group(1)) if (m := _RE_MONTH.search(text)) else None
    day = _cn(m.group(1)) if (m := _RE_DAY.search(text)) else None
    if ref and re.search(r"(本|这个)月", text):
        year, month = ref.year, ref.month
    elif ref and re.search(r"(上|上个)月", text):
        last = ref.replace(day=1) - timedelta(days=1)
        year, month = last.year, last.month
    elif ref and re.search(r"(下|下个)月", text):
        nxt = (ref.replace(day=28) + timedelta(days=4)).replace(day=1)
        year, month = nxt.year, nxt.month
    elif ref and (m := _RE_WEEK.search(text)):
        return _week_value(m, ref)
    elif ref and (m := _RE_BARE_WEEKDAY.fullmatch(text)):  # 周二: that day of the issue's week
        return (ref - timedelta(days=ref.weekday()) + timedelta(days=_WEEKDAY[m.group(1)])).isoformat()
    if month is None and day is not None:
        if year is None and (carried := _year_month(_last_point(context.previous))):
            year, month = carried
        elif year is None and ref:
            year, month = _recent_day_month(day, ref)
        else:
            month = ref.month if ref else None
    if year is None and month is not None:
        if context.year:
            year = context.year
        elif ref:
            year = _recent_month_year(month, ref)
    if year is None and month is None and _RE_YEAR_PART.search(text):  # 年底: the year in question
        year = default_year
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        if m := _RE_DEKAD.search(text):  # 上旬 days 1-10, 中旬 11-20, 下旬 21 to the month's end
            first, last = {"上": (1, 10), "中": (11, 20), "下": (21, _month_end(year, month))}[m.group(1)]
            return f"{date(year, month, first).isoformat()}/{date(year, month, last).isoformat()}"
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _two_periods(text: str, ref: date | None) -> str | None:
    """今明两年 -> 2013/2014, 明后年 -> 2014/2015, 明后天 -> two days."""
    if ref is None:
        return None
    if text in _TWO_YEARS:
        first, last = _TWO_YEARS[text]
        return f"{ref.year + first:04d}/{ref.year + last:04d}"
    first, last = _TWO_DAYS[text]
    return f"{(ref + timedelta(days=first)).isoformat()}/{(ref + timedelta(days=last)).isoformat()}"


_RE_FISCAL = re.compile(FISCAL)


def date_value(text: str, ref: date | None, context: DateContext | None = None) -> str | None:
    """ISO 8601 value of a date expression relative to ``ref``; ranges as ``start/end``.

    ``context`` carries what earlier dates in the same sentence say (see :class:`DateContext`);
    without it the expression is read on its own.
    """
    if text in VAGUE_TIME_WORDS or text.startswith("每"):  # 每周五: every Friday is no date
        return None
    text = _RE_CLOCK_TAIL.sub("", text)  # the day's value: values name days, not hours
    text = _RE_FISCAL.sub("年度", text)  # 2017财年: the year named, as 2017年度
    context = context or DateContext()
    if text in _TWO_YEARS or text in _TWO_DAYS:
        return _two_periods(text, ref)
    if text in _SAME_DAY:
        previous = _last_point(context.previous)
        return previous if previous and len(previous) == 10 else None
    if _RE_FESTIVAL.fullmatch(text):
        return _festival_value(text, ref)
    if _DAYLESS_FESTIVALS.search(text):  # 今年春节 is a day of 2013, not the year: no value rather than a wrong one
        return None
    parts = _RANGE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and "月" not in parts[0] and _RE_MONTH.match(parts[1]) and parts[0][-1:].isdigit():
        parts[0] += "月"  # 1-6月: the first month shares the second's 月
    if len(parts) == 2 and re.fullmatch(r"[0-9]{4}", parts[0]) and re.fullmatch(r"[0-9]{4}年", parts[1]):
        parts[0] += "年"  # 2013-2015年
    first = _resolve_point(parts[0], ref, context)
    if len(parts) == 1 or first is None:
        return first
    start_year = int(first[:4])
    second = _resolve_point(parts[1], ref, DateContext(year=start_year, previous=first))
    if second is None:
        return first
    if not _RE_NAMED_YEAR.search(parts[1]) and len(second) == len(first) and second < first:
        second = f"{int(second[:4]) + 1:04d}{second[4:]}"  # 12月28日至1月3日: the end is in the next year
    return f"{first}/{second}"


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def date_values_in_text(text: str, spans: Sequence[tuple[int, int]], ref: date | None) -> list[str | None]:
    """Values of the DATE spans of ``text`` (sorted, not overlapping), each read in its sentence.

    A date inside 《…》 is part of a title and gets no value. A date without a year takes the
    year an earlier date of the same sentence named; a bare day takes the month of the date before it.
    """
    values: list[str | None] = []
    context = DateContext()
    sentence_start = 0
    for start, end in spans:
        boundary = max((m.end() for m in _SENTENCE_END.finditer(text, sentence_start, start)), default=None)
        if boundary is not None:
            sentence_start, context = boundary, DateContext()
        piece = text[start:end]
        value = None if inside_title(text, start, end) else date_value(piece, ref, context)
        values.append(value)
        if value is not None:
            named = _RE_NAMED_YEAR.search(piece)
            year = int(_last_point(value)[:4]) if named else context.year
            context = DateContext(year=year, previous=value)
    return values


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
