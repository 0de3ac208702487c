"""The suite's own settings: no test may fail on timing alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


def test_property_tests_have_no_deadline() -> None:
    """The profile loaded in conftest: a slow first example (a model loading) is no failure."""
    assert settings.default.deadline is None
    assert settings(max_examples=5).deadline is None  # a test's own @settings keep it


@settings(max_examples=2)
@given(st.integers())
def test_a_slow_example_passes(number: int) -> None:
    import time

    time.sleep(0.3)  # past Hypothesis's default deadline of 200 ms
    assert isinstance(number, int)
