"""Task difficulty: hard / easy / super-easy and the boundaries (SPEC §3).

The boundaries are derived, not typed: each is the kink of a derived exponent.

* hard | easy: the learned RKHS norm ``|beta_vec|^2 ~ tau^max(0, 1-beta)`` stops diverging
  (the kink of :func:`~scalingtool.theory.terms.learned_norm_growth`): ``beta = 1``.
* easy | super-easy: the SGD-noise decay ``2 - 1/alpha`` overtakes the signal decay
  ``beta`` (kink of ``min(beta, 2 - 1/alpha)``): ``beta = 2 - 1/alpha``. Gradient flow
  (``dynamics = "gd"``) has no noise term and hence no super-easy regime.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp

from .symbols import alpha as ALPHA, beta as BETA, to_fraction, to_sympy
from .terms import learned_norm_growth, noise_decay, signal_decay

__all__ = ["REGIMES", "DYNAMICS", "kink", "hard_easy_boundary", "easy_supereasy_boundary",
           "observed_time_decay", "regimes_for", "classify"]

REGIMES = ("hard", "easy", "super-easy")
DYNAMICS = ("sgd", "gd")


def kink(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The value of ``var`` where the single ``Min``/``Max`` in ``expr`` switches branch."""
    switches = [node for node in sp.preorder_traversal(expr)
                if isinstance(node, (sp.Min, sp.Max)) and node.has(var)]
    if len(switches) != 1 or len(switches[0].args) != 2:
        raise ValueError(f"expected one two-way Min/Max in {expr}")
    left, right = switches[0].args
    (value,) = sp.solve(sp.Eq(left, right), var)
    return sp.simplify(value)


def observed_time_decay(dynamics: str, signal: sp.Expr, alpha: sp.Expr = ALPHA) -> sp.Expr:
    """Observed time exponent: the slower of the signal and (SGD only) the noise decay."""
    if dynamics == "gd":
        return signal
    if dynamics != "sgd":
        raise ValueError(f"dynamics must be 'sgd' or 'gd', not {dynamics!r}")
    return sp.Min(signal, noise_decay(alpha))


@lru_cache(maxsize=None)
def hard_easy_boundary() -> sp.Expr:
    """``beta`` at the hard|easy boundary (= 1), as a function of ``alpha``."""
    return kink(learned_norm_growth(), BETA)


@lru_cache(maxsize=None)
def easy_supereasy_boundary() -> sp.Expr:
    """``beta`` at the easy|super-easy boundary (= ``2 - 1/alpha``), as a function of ``alpha``."""
    return kink(observed_time_decay("sgd", signal_decay()), BETA)


def regimes_for(dynamics: str) -> tuple[str, ...]:
    """The regimes a dynamics has: gradient flow has no super-easy regime (SPEC §3)."""
    return REGIMES if dynamics == "sgd" else REGIMES[:2]


def classify(alpha: Fraction, beta: Fraction, dynamics: str = "sgd") -> tuple[str, str | None]:
    """``(regime, boundary)`` for exact ``alpha``, ``beta``.

    ``boundary`` is ``None`` inside a regime, or ``"hard|easy"`` / ``"easy|super-easy"`` when
    ``beta`` sits exactly on a boundary (the exponents are continuous there; the regime
    returned is the one above the boundary).
    """
    a = to_sympy(alpha)
    first = to_fraction(hard_easy_boundary().subs(ALPHA, a))
    if beta < first:
        return "hard", None
    if beta == first:
        return "easy", "hard|easy"
    if dynamics == "gd":
        return "easy", None
    second = to_fraction(easy_supereasy_boundary().subs(ALPHA, a))
    if beta < second:
        return "easy", None
    return "super-easy", ("easy|super-easy" if beta == second else None)
