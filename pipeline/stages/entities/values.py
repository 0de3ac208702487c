"""The normalised values of DATE and PERCENT entities, one definition for the pre-labeller and the pull.

DATE values are read together, each in its sentence (11月 after 1997年8月 is 1997-11; a month inside
《…》 is part of a title), against the issue's date; a PERCENT's value is its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.stages.entities.dates import date_values_in_text
from pipeline.stages.entities.percent import percent_value

VALUED_LABELS = ("DATE", "PERCENT")


def entity_values(text: str, spans: Sequence[tuple[int, int, str]], issue: date | None) -> list[str | float | None]:
    """The value of each ``(start, end, label)`` span of ``text``: ISO 8601 for a DATE, a number for a
    PERCENT, None where there is none (and for every other label)."""
    values: list[str | float | None] = [None] * len(spans)
    dates = [index for index, (_, _, label) in enumerate(spans) if label == "DATE"]
    found = date_values_in_text(text, [spans[index][:2] for index in dates], issue)
    for index, value in zip(dates, found, strict=True):
        values[index] = value
    for index, (start, end, label) in enumerate(spans):
        if label == "PERCENT":
            values[index] = percent_value(text[start:end])
    return values
