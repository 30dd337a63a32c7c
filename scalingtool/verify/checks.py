"""One row of a verification table, and how a measured number is judged."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = ["Check", "PASS", "FAIL", "SKIP", "judge"]

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass(frozen=True)
class Check:
    """``predicted`` (theory, exact) against ``measured`` (numbers or a second derivation),
    accepted within ``tolerance``; ``note`` says why a row failed, was skipped, or how the
    measurement was made."""

    tier: str
    case: str
    quantity: str
    predicted: Fraction | float | None
    measured: Fraction | float | None
    tolerance: Fraction | float | None
    status: str
    note: str = ""

    def row(self) -> dict[str, Any]:
        return {"tier": self.tier, "case": self.case, "quantity": self.quantity,
                "predicted": self.predicted, "measured": self.measured,
                "tolerance": self.tolerance, "status": self.status, "note": self.note}


def judge(tier: str, case: str, quantity: str, predicted: Fraction | float | None,
          measured: Fraction | float | None, tolerance: Fraction | float, note: str = "") -> Check:
    """A :class:`Check` that passes when ``|measured - predicted| <= tolerance``.

    A missing measurement (``None``: not converged, not computable) fails, with ``note``.
    """
    if predicted is None or measured is None:
        return Check(tier, case, quantity, predicted, measured, tolerance, FAIL,
                     note or "no measurement")
    ok = abs(measured - predicted) <= tolerance
    return Check(tier, case, quantity, predicted, measured, tolerance, PASS if ok else FAIL, note)
