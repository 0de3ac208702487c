"""Our date resolver on the hand-written table: every row marked ``must`` gets exactly its expected value."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.eval.date_values import Row, days_value, load_table, our_value, value_days, verdict

TABLE_ROWS = load_table()
MUST = [row for row in TABLE_ROWS if row.must]


def test_table_is_large_and_broad() -> None:
    assert len(TABLE_ROWS) >= 100
    assert len({row.category for row in TABLE_ROWS}) >= 10
    for row in TABLE_ROWS:
        assert not row.context or row.expression in row.context, row


@pytest.mark.parametrize("row", MUST, ids=[f"{r.category}:{r.expression}:{r.issue}" for r in MUST])
def test_must_rows(row: Row) -> None:
    assert our_value(row) == row.expected


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("2013", (date(2013, 1, 1), date(2013, 12, 31))),
        ("2013-02", (date(2013, 2, 1), date(2013, 2, 28))),
        ("2013-Q1", (date(2013, 1, 1), date(2013, 3, 31))),
        ("2013-H2", (date(2013, 7, 1), date(2013, 12, 31))),
        ("2013-W16", (date(2013, 4, 15), date(2013, 4, 21))),
        ("2013-04-26/2013-04-27", (date(2013, 4, 26), date(2013, 4, 27))),
        ("2019/2020", (date(2019, 1, 1), date(2020, 12, 31))),
        ("nonsense", None),
    ],
)
def test_value_days(value: str, days: tuple[date, date] | None) -> None:
    assert value_days(value) == days


@pytest.mark.parametrize(
    "value", ["2013", "2013-02", "2013-Q1", "2013-H2", "2019-W01", "2013-04-26/2013-04-27", "2019/2020", "2013-01/2013-02"]
)
def test_days_value_gives_back_our_notation(value: str) -> None:
    days = value_days(value)
    assert days is not None
    assert days_value(*days) == value


@pytest.mark.parametrize(
    ("value", "expected", "result"),
    [
        ("2013-01/2013-03", "2013-Q1", "right"),  # the same three months
        ("2013-04", "2013-04-27", "wrong"),
        (None, "2013-04-27", "none"),
        (None, None, "right"),
        ("2013-02", None, "wrong"),
    ],
)
def test_verdict(value: str | None, expected: str | None, result: str) -> None:
    assert verdict(value, expected) == result
