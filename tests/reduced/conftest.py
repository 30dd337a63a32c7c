"""Shared fixtures of the reduced-dynamics tests."""

from __future__ import annotations

import pytest

#: the two precisions every precision-generic test runs on
PRECISIONS = ["float64", "mp:30"]


@pytest.fixture(params=PRECISIONS)
def precision(request: pytest.FixtureRequest) -> str:
    """Each precision string in turn."""
    return request.param
