"""Values as JSON data, the one conversion shared by the schemas (a kind's ``config``) and the
store (a part's ``params`` and ``data``): exact fractions and non-finite floats as text."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Fractions as text, non-finite floats as text, containers recursively."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return to_jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
