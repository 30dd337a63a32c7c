"""One row of a verification table, and how a measured number is judged."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Union

__all__ = ["Check", "PASS", "FAIL", "SKIP", "judge", "Value"]

PASS, FAIL, SKIP = "pass", "fail", "skip"

#: a cell of a check: an exact or measured number, a name (a regime, balancing terms), or none
Value = Union[Fraction, float, str, None]


@dataclass(frozen=True)
class Check:
    """``predicted`` (theory, exact; or a user's claim) against ``measured`` (numbers or a
    second derivation), accepted within ``tolerance``; ``note`` says why a row failed, was
    skipped, or how the measurement was made. ``kind`` is ``exact`` or ``numeric`` for a
    claim's rows; ``source`` the claims file a row comes from; ``seconds`` what the row
    took, where timed."""

    tier: str
    case: str
    quantity: str
    predicted: Value
    measured: Value
    tolerance: Fraction | float | None
    status: str
    note: str = ""
    kind: str = ""
    source: str = ""
    seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        return {"tier": self.tier, "case": self.case, "quantity": self.quantity,
                "predicted": self.predicted, "measured": self.measured,
                "tolerance": self.tolerance, "status": self.status, "note": self.note}


def judge(tier: str, case: str, quantity: str, predicted: Fraction | float | None,
          measured: Fraction | float | None, tolerance: Fraction | float, note: str = "",
          kind: str = "", source: str = "") -> Check:
    """A :class:`Check` that passes when ``|measured - predicted| <= tolerance``.

    A missing measurement (``None``: not converged, not computable) fails, with ``note``.
    """
    if predicted is None or measured is None:
        return Check(tier, case, quantity, predicted, measured, tolerance, FAIL,
                     note or "no measurement", kind, source)
    ok = abs(measured - predicted) <= tolerance
    return Check(tier, case, quantity, predicted, measured, tolerance, PASS if ok else FAIL, note,
                 kind, source)
