"""The date normaliser: relative dates against the issue date, ranges, quarters, halves."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.stages.entities.dates import date_value, find_dates, parse_issue_date

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
    ],
)
def test_relative_dates_cross_boundaries(text: str, issue: date, value: str) -> None:
    assert date_value(text, issue) == value


@pytest.mark.parametrize("text", ["昨晚", "一季度", "今年", "4月26日"])
def test_relative_dates_without_issue_date_have_no_value(text: str) -> None:
    assert date_value(text, None) is None


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
