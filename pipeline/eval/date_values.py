"""Date values of the project's resolver and of jionlp's ``parse_time`` on a hand-written table.

``python -m pipeline.eval.date_values [TABLE]`` prints, per category, how many expressions
each resolver gets right, wrong or leaves without a value, then every row where they differ.
A value is right when it names the same days as the expected one (``2013-Q1`` and
``2013-01/2013-03`` are the same three months): jionlp answers in datetimes, not in our
notation, so both are compared on the days they cover. For our resolver the exact notation
is counted too. jionlp is optional (``pip install jionlp==1.5.31``); without it only ours
is scored.

The table (``data/date_expressions.tsv``) has one row per expression: category, expression,
the sentence it stands in (optional; the expression must occur in it), issue date,
expected value (empty: no date, or no value) and ``must`` (``yes`` where tests require our
resolver to give exactly the expected value).
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.stages.entities.dates import date_values_in_text, find_dates

TABLE = Path(__file__).parent / "data" / "date_expressions.tsv"


@dataclass(frozen=True)
class Row:
    category: str
    expression: str
    context: str
    issue: date
    expected: str | None
    must: bool


def load_table(path: Path = TABLE) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(
                category=record["category"],
                expression=record["expression"],
                context=record["context"],
                issue=date.fromisoformat(record["issue_date"]),
                expected=record["expected"] or None,
                must=record["must"] == "yes",
            )
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _point_days(value: str) -> tuple[date, date]:
    """First and last day of one ISO value: 2013, 2013-04, 2013-04-28, 2013-Q1, 2013-H2, 2013-W16."""
    year = int(value[:4])
    rest = value[5:]
    if not rest:
        return date(year, 1, 1), date(year, 12, 31)
    if rest[0] == "Q":
        first = 3 * int(rest[1]) - 2
        return date(year, first, 1), _month_end(year, first + 2)
    if rest[0] == "H":
        return (date(year, 1, 1), date(year, 6, 30)) if rest[1] == "1" else (date(year, 7, 1), date(year, 12, 31))
    if rest[0] == "W":
        monday = date.fromisocalendar(year, int(rest[1:3]), 1)
        return monday, monday + timedelta(days=6)
    if len(rest) == 2:
        return date(year, int(rest), 1), _month_end(year, int(rest))
    day = date.fromisoformat(value)
    return day, day


def value_days(value: str) -> tuple[date, date] | None:
    """The days an ISO value or ``start/end`` range covers; None if it cannot be read."""
    try:
        start, _, end = value.partition("/")
        return _point_days(start)[0], _point_days(end or start)[1]
    except (ValueError, IndexError):
        return None


def days_value(first: date, last: date) -> str:
    """Our notation for a run of days, at the coarsest unit that fits (a year, quarter, month, week, day)."""
    if first == last:
        return first.isoformat()
    whole_months = first.day == 1 and last == _month_end(last.year, last.month)
    if whole_months and first.month == 1 and last.month == 12:
        return f"{first.year}" if first.year == last.year else f"{first.year}/{last.year}"
    if whole_months and first.year == last.year:
        if first.month == last.month:
            return f"{first.year}-{first.month:02d}"
        if first.month % 3 == 1 and last.month == first.month + 2:
            return f"{first.year}-Q{(first.month + 2) // 3}"
        if first.month in (1, 7) and last.month == first.month + 5:
            return f"{first.year}-H{1 if first.month == 1 else 2}"
    if whole_months:
        return f"{first.year}-{first.month:02d}/{last.year}-{last.month:02d}"
    if first.weekday() == 0 and last - first == timedelta(days=6):
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{first.isoformat()}/{last.isoformat()}"


def verdict(value: str | None, expected: str | None) -> str:
    """``right`` (same days, or no value where none is expected), ``wrong``, or ``none`` (no value given)."""
    if expected is None:
        return "right" if value is None else "wrong"
    if value is None:
        return "none"
    return "right" if value_days(value) == value_days(expected) else "wrong"


def our_value(row: Row) -> str | None:
    """Our value of the row's expression, read in its sentence among the dates our patterns find there."""
    text = row.context or row.expression
    start = text.index(row.expression)
    span = (start, start + len(row.expression))
    others = [s for s in find_dates(text) if s[1] <= span[0] or s[0] >= span[1]]
    spans = sorted([*others, span])
    return date_values_in_text(text, spans, row.issue)[spans.index(span)]


def load_jionlp() -> Callable[[str, date], str | None] | None:
    """jionlp's ``parse_time`` in our notation, or None when jionlp is not installed."""
    try:
        with redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
            import jionlp  # type: ignore[import-not-found]
    except ImportError:
        return None

    def jionlp_value(expression: str, issue: date) -> str | None:
        base = {"year": issue.year, "month": issue.month, "day": issue.day, "hour": 12, "minute": 0, "second": 0}
        try:
            parsed = jionlp.parse_time(expression, time_base=base)
        except Exception:  # noqa: BLE001 - jionlp raises ValueError and others on what it cannot read
            return None
        if parsed.get("type") not in ("time_point", "time_span") or not isinstance(parsed.get("time"), list):
            return None  # a duration (三年) or a recurring time (每周五) is no date value
        try:
            first, last = (datetime.strptime(t, "%Y-%m-%d %H:%M:%S").date() for t in parsed["time"])
        except (TypeError, ValueError):  # open ends (inf)
            return None
        return days_value(first, last)

    return jionlp_value


def compare(rows: Sequence[Row], jionlp_value: Callable[[str, date], str | None] | None) -> str:
    """The per-category report."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    differing = []
    for row in rows:
        ours = our_value(row)
        theirs = jionlp_value(row.expression, row.issue) if jionlp_value else None
        tally = counts[row.category]
        tally["n"] += 1
        tally[f"ours_{verdict(ours, row.expected)}"] += 1
        tally["ours_exact"] += ours == row.expected
        if jionlp_value:
            tally[f"jio_{verdict(theirs, row.expected)}"] += 1
            if verdict(ours, row.expected) != verdict(theirs, row.expected):
                differing.append((row, ours, theirs))
    columns = ["n", "ours_right", "ours_wrong", "ours_none", "ours_exact"]
    if jionlp_value:
        columns += ["jio_right", "jio_wrong", "jio_none"]
    lines = ["category".ljust(15) + "".join(c.rjust(12) for c in columns)]
    total: dict[str, int] = defaultdict(int)
    for category, tally in counts.items():
        lines.append(category.ljust(15) + "".join(str(tally[c]).rjust(12) for c in columns))
        for c in columns:
            total[c] += tally[c]
    lines.append("all".ljust(15) + "".join(str(total[c]).rjust(12) for c in columns))
    if not jionlp_value:
        lines.append("\njionlp is not installed (pip install jionlp==1.5.31): only our resolver is scored.")
    else:
        lines.append(f"\nRows where one is right and the other not ({len(differing)}):")
        for row, ours, theirs in differing:
            lines.append(
                f"  [{row.category}] {row.expression} ({row.issue}) expected={row.expected} ours={ours} jionlp={theirs}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    rows = load_table(Path(args[0]) if args else TABLE)
    print(compare(rows, load_jionlp()))


if __name__ == "__main__":
    main()
