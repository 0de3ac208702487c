"""Shared fixtures. Tests use only files under tests/ (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No Hypothesis deadlines: a first example that loads a model, or a loaded CI machine, is slow
# without anything being wrong, and a timing failure would make the suite flaky. Per-test
# @settings only change what they name, so this holds for every property test.
settings.register_profile("corpusprep", deadline=None)
settings.load_profile("corpusprep")

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
pytest_plugins = ["doccano_server"]  # session-scoped real doccano server for @pytest.mark.doccano tests


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
