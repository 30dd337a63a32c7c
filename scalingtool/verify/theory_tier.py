"""The theory tier: the two derivation routes agree (theory §3).

Compiled formulas (the fast path) against the direct SymPy evaluation, exactly, on a grid
covering hard, easy and super-easy tasks under SGD and gradient flow.
"""

from __future__ import annotations

from fractions import Fraction
from functools import partial

from ..theory import exponents
from ..work import Part
from .plan import TierPlan
from .checks import Check, judge

#: exponents compared between the engines (theory §3)
THEORY_QUANTITIES = ("time", "width", "data", "compute", "n_star", "t_star", "transient")

__all__ = ["GRID", "QUICK_GRID", "THEORY_QUANTITIES", "theory_plan", "case_name"]

#: (alpha, beta) cases of the default grid: hard, easy and super-easy tasks.
QUICK_GRID = [(Fraction(2), Fraction(1, 2)), (Fraction(3), Fraction(5, 4)), (Fraction(2), Fraction(3))]
GRID = QUICK_GRID + [(Fraction(3, 2), Fraction(3, 10)), (Fraction(3), Fraction(4, 5)),
                     (Fraction(3, 2), Fraction(6, 5)), (Fraction(4), Fraction(5, 2))]


def case_name(alpha: Fraction, beta: Fraction, training: str | None = None, dynamics: str | None = None) -> str:
    parts = [f"alpha={alpha} beta={beta}"]
    parts += [p for p in (training, dynamics) if p]
    return " ".join(parts)


def _compare(a: Fraction, b: Fraction, dynamics: str) -> list[Check]:
    """Every quantity of one task and dynamics: compiled formulas against the SymPy engine."""
    fast = exponents(a, b, dynamics, engine="compiled")
    slow = exponents(a, b, dynamics, engine="sympy")
    checks = []
    for training in ("lazy", "rich"):
        for quantity in THEORY_QUANTITIES:
            predicted = getattr(slow.training(training), quantity)
            if predicted is None:
                continue
            checks.append(judge("theory", case_name(a, b, training, dynamics), quantity,
                                predicted, getattr(fast.training(training), quantity), Fraction(0),
                                "compiled formula vs SymPy engine"))
    return checks


def theory_plan(quick: bool = False) -> TierPlan:
    """Compiled formulas against the SymPy engine on the default grid, every quantity: one
    part per task and dynamics (each quick: no solving, only formulas)."""
    grid = QUICK_GRID if quick else GRID
    parts = [Part.of(f"{case_name(a, b)} {d}", partial(_compare, a, b, d), 0.05)
             for a, b in grid for d in ("sgd", "gd")]
    return TierPlan(parts, lambda results: [row for rows in results for row in rows])
