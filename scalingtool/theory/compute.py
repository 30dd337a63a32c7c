"""Compute-optimal scaling: the max-min over allocation lines (theory §3).

The loss is a sum of terms ``t^(-a_i) N^(-b_i)``. With compute ``C = N^p t^q`` (default
``p = q = 1``, the paper's ``C = N t``) and ``t = C^x``, ``N = C^((1 - q x)/p)`` for
``x in [0, 1/q]``, each term is ``C^-(a_i x + b_i (1 - q x)/p)``; the loss at the best
allocation falls like ``C^-e`` with

    e = max over x of min_i (a_i x + b_i (1 - q x)/p).

The objective is concave and piecewise linear, so its maximum sits at an endpoint or at a
crossing of two lines. :func:`optimum` solves it exactly for rational inputs by checking
those candidates; :func:`derive_compute` builds the symbolic ``Piecewise`` over the regimes:
inside each regime it resolves every ``Min``/``Max`` branch, finds which lines are active at
the optimum, and solves their crossing with SymPy. Both results are checked against each
other at points spread over each regime, so the symbolic formula is never trusted blindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from .maxmin import Optimum, optimum
from .regimes import (easy_supereasy_boundary, hard_easy_boundary, holds, regimes_for,
                      resolve_branches, sample_points)
from ..params import check
from .symbols import exact_inputs, alpha as ALPHA, beta as BETA, linear_root, to_fraction, to_sympy
from .terms import noise_decay, transient_decay, width_decay
from .timechange import signal_time_decay, time_change

__all__ = ["Line", "Optimum", "loss_lines", "optimum", "compute_optimum", "derive_compute",
           "regime_optimum"]


@dataclass(frozen=True)
class Line:
    """One loss term ``t^(-t_decay) N^(-n_decay)``."""

    name: str
    t_decay: sp.Expr
    n_decay: sp.Expr


@exact_inputs
def loss_lines(training: str, dynamics: str, alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA,
               regime: str | None = None) -> list[Line]:
    """The leading loss terms of theory §3 as lines in ``(log t, log N)``.

    signal ``t^-chi``; width ``N^(-alpha min(beta,1))``; the finite-width transient
    ``N^-1 tau^-(...)``, which the loss law of theory §3 keeps for ``beta > 1`` only (below, it ties at the optimum
    and never changes an exponent: a test checks this); SGD noise ``t^-(2 - 1/alpha)`` for
    ``dynamics = "sgd"``. For symbolic ``(alpha, beta)`` pass the ``regime``.
    """
    zero = sp.Integer(0)
    lines = [Line("signal", signal_time_decay(training, alpha, beta), zero),
             Line("width", zero, width_decay(alpha, beta))]
    if holds(beta > hard_easy_boundary().subs(ALPHA, alpha), regime, dynamics):
        lines.append(Line("transient", time_change(training, alpha, beta)
                          * transient_decay(alpha, beta), sp.Integer(1)))
    if dynamics == "sgd":
        lines.append(Line("noise", noise_decay(alpha), zero))
    return lines


def compute_optimum(alpha: Fraction, beta: Fraction, training: str, dynamics: str = "sgd",
                    p: Fraction = Fraction(1), q: Fraction = Fraction(1)) -> Optimum:
    """The compute-optimal exponent and allocation for one task, exactly."""
    alpha, beta = check("alpha", alpha), check("beta", beta)
    a, b = to_sympy(alpha), to_sympy(beta)
    lines = loss_lines(training, dynamics, a, b)
    return optimum([(to_fraction(ln.t_decay), to_fraction(ln.n_decay)) for ln in lines],
                   p, q, tuple(ln.name for ln in lines))


# --- symbolic -----------------------------------------------------------------------------

@lru_cache(maxsize=None)
def regime_optimum(training: str, dynamics: str, regime: str, p: Fraction = Fraction(1),
                   q: Fraction = Fraction(1)) -> tuple[sp.Expr, sp.Expr, sp.Expr, tuple[str, ...]]:
    """``(exponent, t_star, n_star, balance)`` as formulas inside one regime.

    Symbolic optimum inside one regime: resolve the branches, find the balancing pair of
    lines with the exact solver at a sample point, solve their crossing, then check the
    formula against the exact solver at every sample point of the regime."""
    points = sample_points(regime, dynamics)
    a0, b0 = points[len(points) // 2]
    at0 = {ALPHA: to_sympy(a0), BETA: to_sympy(b0)}
    ps, qs = to_sympy(p), to_sympy(q)
    lines = [Line(ln.name, resolve_branches(ln.t_decay, regime, dynamics),
                  resolve_branches(ln.n_decay, regime, dynamics))
             for ln in loss_lines(training, dynamics, regime=regime)]
    x = sp.Symbol("x", nonnegative=True)
    exprs = [ln.t_decay * x + ln.n_decay * (1 - qs * x) / ps for ln in lines]
    slopes = [sp.diff(e, x).subs(at0) for e in exprs]
    numeric = compute_optimum(a0, b0, training, dynamics, p, q)
    if numeric.t_star is None:
        raise ArithmeticError(f"{regime}/{training}: optimal allocation not unique")
    idx = [i for i, ln in enumerate(lines) if ln.name in numeric.active]
    rising = [i for i in idx if slopes[i] > 0]
    falling = [i for i in idx if slopes[i] < 0]
    if rising and falling:
        i = rising[0]
        xstar = linear_root(exprs[i], exprs[falling[0]], x)
    else:  # optimum at an endpoint: the active line with the smallest inward slope
        xstar = sp.Integer(0) if numeric.t_star == 0 else 1 / qs
        i = min(idx, key=lambda k: slopes[k] * (1 if xstar == 0 else -1))
    e = sp.factor(sp.cancel(exprs[i].subs(x, xstar)))
    nstar = sp.factor(sp.cancel((1 - qs * xstar) / ps))
    xstar = sp.factor(xstar)
    for a, b in points:
        at = {ALPHA: to_sympy(a), BETA: to_sympy(b)}
        exact = compute_optimum(a, b, training, dynamics, p, q)
        got = (to_fraction(e.subs(at)), to_fraction(xstar.subs(at)), to_fraction(nstar.subs(at)))
        if got != (exact.exponent, exact.t_star, exact.n_star):
            raise ArithmeticError(f"symbolic optimum for {regime}/{training} fails at "
                                  f"alpha={a}, beta={b}: {got} vs {exact}")
    return e, xstar, nstar, numeric.active


@lru_cache(maxsize=None)
def derive_compute(training: str, dynamics: str = "sgd", p: Fraction = Fraction(1),
                   q: Fraction = Fraction(1)) -> dict[str, sp.Piecewise]:
    """Symbolic compute-optimal exponents as ``Piecewise`` over the regimes.

    Returns ``{"exponent": ..., "t_star": ..., "n_star": ...}``, each a ``Piecewise`` with
    conditions ``beta < 1``, ``beta < 2 - 1/alpha`` (SGD only) and ``True``.
    """
    regimes = regimes_for(dynamics)
    results = {r: regime_optimum(training, dynamics, r, p, q) for r in regimes}
    conditions = [BETA < hard_easy_boundary()]
    if dynamics == "sgd":
        conditions.append(BETA < easy_supereasy_boundary())
    conditions.append(sp.true)
    out = {}
    for k, key in enumerate(("exponent", "t_star", "n_star")):
        out[key] = sp.Piecewise(*[(results[r][k], c) for r, c in zip(regimes, conditions)])
    return out
