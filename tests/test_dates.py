"""The date normaliser: relative dates against the issue date, ranges, quarters, halves."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.stages.entities.dates import (
    DATE_BODY,
    DATE_PATTERN,
    DateContext,
    date_value,
    date_values_in_text,
    find_dates,
    parse_issue_date,
)

ISSUE = date(2013, 4, 28)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("昨晚", "2013-04-27"),
        ("昨天", "2013-04-27"),
        ("今天", "2013-04-28"),
        ("明日", "2013-04-29"),
        ("前天", "2013-04-26"),
        ("4月26日-27日", "2013-04-26/2013-04-27"),
        ("4月26日至5月2日", "2013-04-26/2013-05-02"),
        ("1月至3月", "2013-01/2013-03"),
        ("27日晚", "2013-04-27"),
        ("一季度", "2013-Q1"),
        ("第一季度", "2013-Q1"),
        ("二季度", "2013-Q2"),
        ("去年一季度", "2012-Q1"),
        ("一季度至三季度", "2013-Q1/2013-Q3"),
        ("上半年", "2013-H1"),
        ("下半年", "2013-H2"),
        ("今年", "2013"),
        ("全年", "2013"),
        ("去年", "2012"),
        ("上年", "2012"),  # the year before: 比上年增长
        ("1-6月", "2013-01/2013-06"),  # a range of months with one 月
        ("去年1—11月", "2012-01/2012-11"),
        ("上年同期", "2012"),
        ("明年", "2014"),
        ("今年3月", "2013-03"),
        ("本月", "2013-04"),
        ("上月", "2013-03"),
        ("2013年4月28日", "2013-04-28"),
        ("一九九八年一月十六日上午", "1998-01-16"),
        ("98年", "1998"),
        ("2012年-2013年", "2012/2013"),
        ("目前", None),
        ("当前", None),
        ("后年", "2015"),  # two years ahead
        ("大后年", "2016"),
        ("大前年", "2010"),
        ("明后年", "2014/2015"),  # both years
        ("明后两年", "2014/2015"),
        ("今明两年", "2013/2014"),
        ("今明两天", "2013-04-28/2013-04-29"),
        ("明后天", "2013-04-29/2013-04-30"),
        ("后年上半年", "2015-H1"),
        ("2012年底", "2012"),  # the year its end belongs to
        ("去年底", "2012"),
        ("11月末", "2013-11"),  # the month its end belongs to
        ("去年夏季", "2012"),  # a season: the year it belongs to
        ("今天一早", "2013-04-28"),
        ("60年代", "1960/1969"),
        ("本赛季", None),  # a season is no calendar period
        ("新赛季", None),
        ("当天", None),  # the story's day: the issue date does not say which
        ("4月中旬", "2013-04-11/2013-04-20"),
        ("2月下旬", "2013-02-21/2013-02-28"),
        ("本月上旬", "2013-04-01/2013-04-10"),
        ("年底", "2013"),
        ("上周末", "2013-04-20/2013-04-21"),
        ("周五", "2013-04-26"),  # a bare weekday: that day of the issue's week
        ("每周五", None),
        ("2013-2015年", "2013/2015"),
        ("今年前10个月", "2013-01/2013-10"),
        ("九八年三月", "1998-03"),
        ("90年代", "1990/1999"),
        ("上世纪80年代", "1980/1989"),
        ("劳动节", "2013-05-01"),
        ("去年国庆节", "2012-10-01"),
        ("今年春节", None),  # a lunar festival: no value rather than the year
        ("当天", None),  # the same day as what? nothing before it
    ],
)
def test_date_values_against_issue_date(text: str, value: str | None) -> None:
    assert date_value(text, ISSUE) == value


@pytest.mark.parametrize(
    ("text", "issue", "value"),
    [
        ("昨晚", date(2013, 3, 1), "2013-02-28"),  # across a month
        ("昨天", date(2014, 1, 1), "2013-12-31"),  # across a year
        ("上月", date(2013, 1, 15), "2012-12"),
        ("上周", date(2022, 3, 8), "2022-W09"),
        ("27日", date(2013, 4, 28), "2013-04-27"),
        # a day of a week: weeks begin on Monday; the issue of Sunday 2023-07-16 is in week 28
        ("上周五", date(2023, 7, 16), "2023-07-07"),
        ("本周三", date(2023, 7, 16), "2023-07-12"),
        ("上星期天", date(2023, 7, 16), "2023-07-09"),
        ("下礼拜一", date(2023, 7, 16), "2023-07-17"),
        ("下周二", date(2023, 12, 28), "2024-01-02"),  # across a year
        # a month or day just gone by belongs to the recent past
        ("11月", date(1998, 1, 5), "1997-11"),
        ("12月28日", date(2019, 1, 2), "2018-12-28"),
        ("31日", date(2019, 1, 2), "2018-12-31"),
        ("10月", date(1998, 1, 5), "1998-10"),  # not just gone by: the issue's year
        ("15日", date(2013, 4, 3), "2013-04-15"),  # 18 days back would be too far
        ("12月28日至1月3日", date(2019, 1, 2), "2018-12-28/2019-01-03"),  # the end in the next year
        ("元旦", date(2018, 12, 30), "2019-01-01"),  # the nearest New Year's Day
        ("圣诞节", date(2019, 1, 2), "2018-12-25"),
        ("上周", date(1998, 1, 5), "1998-W01"),  # ISO week of 1997-12-29
    ],
)
def test_relative_dates_cross_boundaries(text: str, issue: date, value: str) -> None:
    assert date_value(text, issue) == value


@pytest.mark.parametrize("text", ["昨晚", "一季度", "今年", "4月26日"])
def test_relative_dates_without_issue_date_have_no_value(text: str) -> None:
    assert date_value(text, None) is None


@pytest.mark.parametrize(
    ("text", "context", "value"),
    [
        ("11月", DateContext(year=1997, previous="1997-08"), "1997-11"),
        ("上半年", DateContext(year=1997, previous="1997"), "1997-H1"),
        ("27日", DateContext(previous="2013-03-20"), "2013-03-27"),  # the month of the date before
        ("当天", DateContext(previous="2013-04-20/2013-04-26"), "2013-04-26"),
        ("当年", DateContext(year=1978, previous="1978"), "1978"),
        ("今年3月", DateContext(year=1997, previous="1997"), "2013-03"),  # a year named wins
    ],
)
def test_context_of_earlier_dates(text: str, context: DateContext, value: str) -> None:
    assert date_value(text, ISSUE, context) == value


@pytest.mark.parametrize(
    ("text", "dates", "values"),
    [
        ("该工程1997年8月开工，11月竣工", ["1997年8月", "11月"], ["1997-08", "1997-11"]),
        ("该工程1997年8月开工。11月竣工", ["1997年8月", "11月"], ["1997-08", "2013-11"]),  # another sentence
        ("10月20日开幕，27日闭幕", ["10月20日", "27日"], ["2013-10-20", "2013-10-27"]),
        ("去年3月立项，12月完成验收", ["去年3月", "12月"], ["2012-03", "2012-12"]),
        ("昨天开工，12月完成", ["昨天", "12月"], ["2013-04-27", "2013-12"]),  # 昨天 names no year
        ("他朗诵了诗歌《二月》，二月", ["二月", "二月"], [None, "2013-02"]),  # a title is no date
    ],
)
def test_date_values_in_text(text: str, dates: list[str], values: list[str | None]) -> None:
    spans, start = [], 0
    for piece in dates:
        start = text.index(piece, start)
        spans.append((start, start + len(piece)))
        start += len(piece)
    assert date_values_in_text(text, spans, ISSUE) == values


def test_absolute_dates_need_no_issue_date() -> None:
    assert date_value("2013年4月28日", None) == "2013-04-28"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("4月26日-27日,与会人员", ["4月26日-27日"]),
        ("昨晚,我市召开会议", ["昨晚"]),
        ("在27日晚的会议上", ["27日晚"]),
        ("确保上半年项目投资", ["上半年"]),
        ("当前,全市经济发展趋势向好", []),
        ("增长12%", []),
        ("第127日", []),  # a day number glued to a larger number is not a date
        ("郑州晚报 2013年4月28日", ["2013年4月28日"]),
        ("上周五,公司发布公告", ["上周五"]),
        ("每周五出版", []),  # every Friday is no date
        ("今年1-6月，全省", ["今年1-6月"]),
        ("1至10月份，该院", ["1至10月份"]),
        ("增长1-6%", []),
        ("今明两年，全市将新建", ["今明两年"]),
        ("明后年投产", ["明后年"]),
        ("今后年均增长5%", []),  # 后年 inside 今后年均 is no date
        ("他相当年轻", []),
        ("他朗诵了诗歌《二月》", []),  # a month in a title is part of the name
        ("电影《十月围城》于2009年12月上映", ["2009年12月"]),
        ("上周末，市民", ["上周末"]),
        # a clock time belongs to the day it follows; alone it is no date
        ("29日凌晨1点52分，地震发生", ["29日凌晨1点52分"]),
        ("上周六晚8点，比赛开始", ["上周六晚8点"]),
        ("1998年1月16日上午10时30分", ["1998年1月16日上午10时30分"]),
        ("今晨6时许，记者赶到", ["今晨6时"]),  # 许 (about) stays out, as pd1998 and Boson leave it
        ("今天晚上8点半开幕", ["今天晚上8点半"]),
        ("18日12时起实行", ["18日12时"]),
        ("下午3时开会", []),
        ("今年3点意见", ["今年"]),  # no clock after a year
        ("上周提出三点意见", ["上周"]),  # nor after a week
        ("与2017年底商品种类相比", ["2017年底"]),  # the end of a year is one DATE
        ("公司2017财年营收", ["2017财年"]),  # a fiscal year, as 2017年度
        ("2018财政年度预算", ["2018财政年度"]),
        ("1998年初,工程开工", ["1998年初"]),
        ("1997年初步核算", ["1997年"]),  # 初步: preliminary
        ("2000年初中毕业", ["2000年"]),
        ("截至去年11月末，千户企业", ["去年11月末"]),  # the end or start of a month is part of it
        ("7月初步完成", ["7月"]),
        ("去年底，公司上市", ["去年底"]),  # as of a year named relatively
        ("本月底到期", ["本月底"]),
        ("今年初步核算", ["今年"]),
        ("去年夏季，云岩区开工", ["去年夏季"]),  # a season of the year named
        ("1996年春天他来了", ["1996年春天"]),
        ("今年秋冬季节", ["今年"]),  # 季节: seasons in general
        ("今天一早就挤满了人", ["今天一早"]),  # early in the day
        ("昨天一大早赶到", ["昨天一大早"]),
        ("1997年12月31日子夜", ["1997年12月31日子夜"]),
        ("1998年新年到了", ["1998年新年"]),  # a festival of the year named
        ("今年国庆期间", ["今年国庆"]),
        ("1995年盛夏，他来了", ["1995年盛夏"]),
        ("他于当晚9时45分自首", ["当晚9时45分"]),  # the day of the story, with its clock time
        ("次日凌晨，警方赶到", ["次日凌晨"]),
        ("当时他说", []),  # vague
        ("相当日常", []),
        ("他在60年代作为反战人士", ["60年代"]),  # a decade
        ("记得上个世纪60年代三年", ["上个世纪60年代"]),
        ("近20年代表了", []),  # twenty years, then 代表
        ("火箭本赛季10场比赛", ["本赛季"]),  # a season of the story
        ("北京时间11月9日早间消息", ["11月9日早间"]),  # a part of the day
        ("9日晚间举行", ["9日晚间"]),
        ("11月9日早些时候", ["11月9日"]),  # 早些时候, earlier: no part of the day
        ("一支上个赛季联盟第一", ["上个赛季"]),
        ("新赛季火箭表现", ["新赛季"]),  # the coming season
        ("今冬明春", ["今冬"]),  # this winter; 明春 is a given name as often as next spring
        ("去秋以来", ["去秋"]),
        ("今夏装上市", []),  # this summer's clothes: 夏装
        ("新月", []),
        ("Yelp股价周四大跌", ["周四"]),  # a day of the story's week
        ("他星期三晚8点到京", ["星期三晚8点"]),
        ("周一至周五开放", ["周一至周五"]),  # a range of weekdays, one span
        ("每周一至周五开放", []),  # every week: no day
        ("一星期一次最佳", []),  # a week, then once
        ("周末休息，周刊出版", []),
    ],
)
def test_find_dates(text: str, found: list[str]) -> None:
    assert [text[a:b] for a, b in find_dates(text)] == found


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2013-04-28", date(2013, 4, 28)), ("2013-04-28T08:00", date(2013, 4, 28)), ("", None), (None, None), ("x", None)],
)
def test_parse_issue_date(value: object, expected: date | None) -> None:
    assert parse_issue_date(value) == expected


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_yesterday_is_one_day_before_any_issue_date(issue: date) -> None:
    value = date_value("昨天", issue)
    assert value is not None
    assert (issue - date.fromisoformat(value)).days == 1


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 4))
def test_quarters_resolve_to_the_issue_year(issue: date, quarter: int) -> None:
    assert date_value(f"{quarter}季度", issue) == f"{issue.year:04d}-Q{quarter}"


def test_entity_values_reads_dates_in_their_sentence() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    import pipeline.stages.components  # noqa: F401 - registers doc._.meta and span._.value
    from pipeline.stages.entities.components import EntityValues

    text = "该工程1997年8月开工，11月竣工，12%。"
    doc = Doc(spacy.blank("xx").vocab, words=list(text), spaces=[False] * len(text))
    doc._.meta = {"date": "1998-01-05"}
    doc.ents = [
        Span(doc, 3, 10, label="DATE"),  # 1997年8月
        Span(doc, 13, 16, label="DATE"),  # 11月
        Span(doc, 19, 22, label="PERCENT"),  # 12%
    ]
    EntityValues()(doc)
    assert [(e.text, e._.value) for e in doc.ents] == [("1997年8月", "1997-08"), ("11月", "1997-11"), ("12%", 12.0)]


# Characters dates are made of, and some that are not: random text of them exercises every alternative.
DATE_ALPHABET = "0123456789〇零一二两三四五六七八九十今明大去前后本当全第上下年岁这新昨次翌月日号天晚夜晨早午间季度底末初旬周星期礼拜点时分半整钟世纪代赛春夏秋冬盛寒元旦节至到-相说的，"


@given(st.text(alphabet=DATE_ALPHABET, max_size=40))
def test_the_first_character_lookahead_changes_no_match(text: str) -> None:
    unguarded = re.compile(DATE_BODY)
    assert [m.span() for m in DATE_PATTERN.finditer(text)] == [m.span() for m in unguarded.finditer(text)]

