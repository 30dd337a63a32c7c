"""Task difficulty: hard / easy / super-easy and the boundaries (theory §3).

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

from .results import place
from ..params import check
from .symbols import exact_inputs, alpha as ALPHA, beta as BETA, linear_root, to_fraction, to_sympy
from .terms import learned_norm_growth, noise_decay, signal_decay

__all__ = ["REGIMES", "DYNAMICS", "kink", "hard_easy_boundary", "easy_supereasy_boundary",
           "observed_time_decay", "regimes_for", "classify", "sample_points", "holds",
           "resolve_branches"]

REGIMES = ("hard", "easy", "super-easy")
DYNAMICS = ("sgd", "gd")


def kink(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """The value of ``var`` where the single ``Min``/``Max`` in ``expr`` switches branch."""
    switches = [node for node in sp.preorder_traversal(expr)
                if isinstance(node, (sp.Min, sp.Max)) and node.has(var)]
    if len(switches) != 1 or len(switches[0].args) != 2:
        raise ValueError(f"expected one two-way Min/Max in {expr}")
    left, right = switches[0].args
    return sp.expand(linear_root(left, right, var))


@exact_inputs
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
    """The regimes a dynamics has: gradient flow has no super-easy regime (theory §3)."""
    return REGIMES if dynamics == "sgd" else REGIMES[:2]


def classify(alpha: Fraction, beta: Fraction, dynamics: str = "sgd") -> tuple[str, str | None]:
    """``(regime, boundary)`` for exact ``alpha``, ``beta``; see :func:`~.results.place`.

    Text is parsed by :func:`scalingtool.params.check` (never by SymPy).
    """
    alpha, beta = check("alpha", alpha), check("beta", beta)
    a = to_sympy(alpha)
    first = to_fraction(hard_easy_boundary().subs(ALPHA, a))
    second = (to_fraction(easy_supereasy_boundary().subs(ALPHA, a)) if dynamics == "sgd" else None)
    return place(beta, first, second)


def sample_points(regime: str, dynamics: str = "sgd") -> list[tuple[Fraction, Fraction]]:
    """Points strictly inside ``regime``, spread over ``alpha`` and over its ``beta`` range.

    Used to decide, for symbolic ``(alpha, beta)``, which branch of a ``Min``/``Max`` or
    which side of a condition holds throughout a regime (and to check that it does).
    """
    if regime not in regimes_for(dynamics):
        raise ValueError(f"no regime {regime!r} under dynamics {dynamics!r}")
    points = []
    for a in (Fraction(3, 2), Fraction(2), Fraction(3), Fraction(6)):
        low = to_fraction(hard_easy_boundary().subs(ALPHA, to_sympy(a)))
        high = to_fraction(easy_supereasy_boundary().subs(ALPHA, to_sympy(a)))
        if regime == "hard":
            betas = [low * f for f in (Fraction(1, 5), Fraction(1, 2), Fraction(9, 10))]
        elif regime == "easy":
            top = high if dynamics == "sgd" else low + 4
            betas = [low + (top - low) * f for f in (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))]
        else:
            betas = [high + d for d in (Fraction(1, 4), Fraction(1), Fraction(3))]
        points += [(a, b) for b in betas]
    return points


def _at(point: tuple[Fraction, Fraction]) -> dict:
    return {ALPHA: to_sympy(point[0]), BETA: to_sympy(point[1])}


def holds(condition: sp.Basic, regime: str | None = None, dynamics: str = "sgd") -> bool:
    """Truth of ``condition``: directly for numbers, or throughout ``regime`` for symbols.

    For symbolic ``(alpha, beta)`` the condition is evaluated at every sample point of the
    regime; a condition that changes inside the regime is an error of the derivation.
    """
    if regime is None:
        return bool(condition)
    values = {bool(condition.subs(_at(pt))) for pt in sample_points(regime, dynamics)}
    if len(values) != 1:
        raise ArithmeticError(f"{condition} changes inside the {regime} regime")
    return values.pop()


def resolve_branches(expr: sp.Expr, regime: str, dynamics: str = "sgd") -> sp.Expr:
    """``expr`` with every ``Min``/``Max`` replaced by the branch that wins in ``regime``."""
    points = [_at(pt) for pt in sample_points(regime, dynamics)]

    def pick(node: sp.Expr) -> sp.Expr:
        winners = set()
        for at in points:
            values = [arg.subs(at) for arg in node.args]
            target = min(values) if isinstance(node, sp.Min) else max(values)
            winners.add(values.index(target))
        if len(winners) != 1:
            raise ArithmeticError(f"{node} switches branch inside the {regime} regime")
        return node.args[winners.pop()]

    return expr.replace(lambda n: isinstance(n, (sp.Min, sp.Max)), pick)
