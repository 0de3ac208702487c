"""Shared fixtures. Tests use only files under tests/ (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
pytest_plugins = ["doccano_server"]  # session-scoped real doccano server for @pytest.mark.doccano tests


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
