"""Values as JSON data: the one conversion behind every JSON the package writes (command
output, stored runs and parts, simulated curves, the config schemas).

JSON has no fractions, NaN or infinities, so each is spelt out, by an explicit choice:

* ``nonfinite="text"`` (stored runs and parts): ``"nan"``, ``"inf"``, ``"-inf"``;
  ``nonfinite="null"`` (command output): NaN as ``null``, infinities ``"inf"`` / ``"-inf"``;
* ``fractions="text"``: ``"1/2"``; ``fractions="exact"``: ``{"exact": "1/2", "value": 0.5}``;
  ``fractions="number"``: an integer or a float.

Containers are converted recursively (tuples become lists, keys text); arrays and scalars of
array libraries through their ``tolist`` or ``item``. Only the standard library is imported.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

__all__ = ["to_json"]

NonFinite = Literal["text", "null"]
Fractions = Literal["text", "exact", "number"]


def to_json(value: Any, *, nonfinite: NonFinite = "text", fractions: Fractions = "text") -> Any:
    """``value`` as plain JSON data (``json.dumps`` writes it with ``allow_nan=False``); a value
    of no known kind is returned as it is."""
    if isinstance(value, float):  # before ``tolist``: NumPy's float64 is a float
        if math.isfinite(value):
            return float(value)
        if math.isnan(value):
            return "nan" if nonfinite == "text" else None
        return "inf" if value > 0 else "-inf"
    if isinstance(value, Fraction):
        if fractions == "exact":
            return {"exact": str(value), "value": float(value)}
        if fractions == "number":
            return int(value) if value.denominator == 1 else float(value)
        return str(value)
    if isinstance(value, dict):
        return {key if isinstance(key, str) else str(key): to_json(v, nonfinite=nonfinite, fractions=fractions)
                for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v, nonfinite=nonfinite, fractions=fractions) for v in value]
    if hasattr(value, "tolist"):
        return to_json(value.tolist(), nonfinite=nonfinite, fractions=fractions)
    if hasattr(value, "item") and callable(value.item):
        return to_json(value.item(), nonfinite=nonfinite, fractions=fractions)
    return value
