"""Compute-optimal scaling: the max-min over allocation lines (SPEC §3).

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
from itertools import combinations

import sympy as sp

from .regimes import classify, easy_supereasy_boundary, hard_easy_boundary, observed_time_decay, regimes_for
from .symbols import alpha as ALPHA, beta as BETA, to_fraction, to_sympy
from .terms import noise_decay, transient_decay, width_decay
from .timechange import signal_time_decay, time_change

__all__ = ["Line", "Optimum", "loss_lines", "optimum", "compute_optimum", "derive_compute",
           "regime_sample_points"]


@dataclass(frozen=True)
class Line:
    """One loss term ``t^(-t_decay) N^(-n_decay)``."""

    name: str
    t_decay: sp.Expr
    n_decay: sp.Expr


@dataclass(frozen=True)
class Optimum:
    """The compute-optimal exponent ``L* ~ C^-exponent`` and allocation ``t* ~ C^t_star``,
    ``N* ~ C^n_star``. ``active`` names the terms that balance at the optimum.
    ``t_star``/``n_star`` are ``None`` when the optimal allocation is not unique."""

    exponent: Fraction
    t_star: Fraction | None
    n_star: Fraction | None
    active: tuple[str, ...]


def loss_lines(training: str, dynamics: str, alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA,
               include_transient: bool | None = None) -> list[Line]:
    """The leading loss terms of SPEC §3 as lines in ``(log t, log N)``.

    signal ``t^-chi``; width ``N^(-alpha min(beta,1))``; the finite-width transient
    ``N^-1 tau^-(...)`` (SPEC keeps it for ``beta > 1`` only: below, it ties at the optimum
    and never changes an exponent; pass ``include_transient`` to override); SGD noise
    ``t^-(2 - 1/alpha)`` for ``dynamics = "sgd"``.
    """
    if include_transient is None:
        include_transient = bool(beta > hard_easy_boundary().subs(ALPHA, alpha))
    zero = sp.Integer(0)
    lines = [Line("signal", signal_time_decay(training, alpha, beta), zero),
             Line("width", zero, width_decay(alpha, beta))]
    if include_transient:
        lines.append(Line("transient", time_change(training, alpha, beta)
                          * transient_decay(alpha, beta), sp.Integer(1)))
    if dynamics == "sgd":
        lines.append(Line("noise", noise_decay(alpha), zero))
    return lines


def optimum(lines: list[tuple[Fraction, Fraction]], p: Fraction = Fraction(1),
            q: Fraction = Fraction(1), names: tuple[str, ...] | None = None) -> Optimum:
    """Exact ``max_x min_i (a_i x + b_i (1 - q x)/p)`` over ``x in [0, 1/q]``."""
    names = names or tuple(str(i) for i in range(len(lines)))
    slopes = [a - b * q / p for a, b in lines]
    heights = [b / p for _, b in lines]

    def value(x: Fraction) -> Fraction:
        return min(s * x + h for s, h in zip(slopes, heights))

    candidates = {Fraction(0), 1 / q}
    for i, j in combinations(range(len(lines)), 2):
        if slopes[i] != slopes[j]:
            x = (heights[j] - heights[i]) / (slopes[i] - slopes[j])
            if 0 <= x <= 1 / q:
                candidates.add(x)
    best = max(value(x) for x in candidates)
    xs = sorted(x for x in candidates if value(x) == best)
    active = tuple(names[i] for i in range(len(lines))
                   if slopes[i] * xs[0] + heights[i] == best)
    if xs[0] != xs[-1]:
        return Optimum(best, None, None, active)
    x = xs[0]
    return Optimum(best, x, (1 - q * x) / p, active)


def compute_optimum(alpha: Fraction, beta: Fraction, training: str, dynamics: str = "sgd",
                    p: Fraction = Fraction(1), q: Fraction = Fraction(1)) -> Optimum:
    """The compute-optimal exponent and allocation for one task, exactly."""
    a, b = to_sympy(alpha), to_sympy(beta)
    lines = loss_lines(training, dynamics, a, b)
    return optimum([(to_fraction(ln.t_decay), to_fraction(ln.n_decay)) for ln in lines],
                   p, q, tuple(ln.name for ln in lines))


# --- symbolic -----------------------------------------------------------------------------

def regime_sample_points(regime: str, dynamics: str) -> list[tuple[Fraction, Fraction]]:
    """Points strictly inside ``regime``, spread over ``alpha`` and over the regime's ``beta`` range."""
    points = []
    for a in (Fraction(3, 2), Fraction(2), Fraction(3), Fraction(6)):
        lo1 = Fraction(1)
        hi1 = to_fraction(easy_supereasy_boundary().subs(ALPHA, to_sympy(a)))
        if regime == "hard":
            betas = [Fraction(1, 5), Fraction(1, 2), Fraction(9, 10)]
        elif regime == "easy":
            hi = hi1 if dynamics == "sgd" else lo1 + 4
            betas = [lo1 + (hi - lo1) * f for f in (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))]
        else:
            betas = [hi1 + d for d in (Fraction(1, 4), Fraction(1), Fraction(3))]
        points += [(a, b) for b in betas]
    return points


def _resolve(expr: sp.Expr, point: dict) -> sp.Expr:
    """Replace each ``Min``/``Max`` by the branch that wins at ``point``."""
    def pick(node: sp.Expr) -> sp.Expr:
        values = [arg.subs(point) for arg in node.args]
        target = min(values) if isinstance(node, sp.Min) else max(values)
        return node.args[values.index(target)]
    return expr.replace(lambda n: isinstance(n, (sp.Min, sp.Max)), pick)


def _regime_optimum(training: str, dynamics: str, regime: str, p: sp.Expr, q: sp.Expr):
    points = regime_sample_points(regime, dynamics)
    a0, b0 = points[len(points) // 2]
    at0 = {ALPHA: to_sympy(a0), BETA: to_sympy(b0)}
    include = regime != "hard"
    lines = loss_lines(training, dynamics, include_transient=include)
    resolved = [Line(ln.name, _resolve(ln.t_decay, at0), _resolve(ln.n_decay, at0)) for ln in lines]
    x = sp.Symbol("x", nonnegative=True)
    exprs = [ln.t_decay * x + ln.n_decay * (1 - q * x) / p for ln in resolved]
    slopes = [sp.simplify(sp.diff(e, x)) for e in exprs]
    numeric = optimum([(to_fraction(ln.t_decay.subs(at0)), to_fraction(ln.n_decay.subs(at0)))
                       for ln in lines], to_fraction(p), to_fraction(q),
                      tuple(ln.name for ln in lines))
    if numeric.t_star is None:
        raise ArithmeticError(f"{regime}/{training}: optimal allocation not unique")
    idx = [i for i, ln in enumerate(lines) if ln.name in numeric.active]
    rising = [i for i in idx if slopes[i].subs(at0) > 0]
    falling = [i for i in idx if slopes[i].subs(at0) < 0]
    if rising and falling:
        i, j = rising[0], falling[0]
        (xstar,) = sp.solve(sp.Eq(exprs[i], exprs[j]), x)
    else:  # optimum at an endpoint
        xstar = sp.Integer(0) if numeric.t_star == 0 else 1 / q
        i = min(idx, key=lambda k: slopes[k].subs(at0) * (1 if xstar == 0 else -1))
    xstar = sp.simplify(xstar)
    e = sp.factor(sp.simplify(exprs[i].subs(x, xstar)))
    nstar = sp.factor(sp.simplify((1 - q * xstar) / p))
    # check the symbolic result everywhere in the regime against the exact solver
    for a, b in points:
        at = {ALPHA: to_sympy(a), BETA: to_sympy(b)}
        exact = compute_optimum(a, b, training, dynamics, to_fraction(p), to_fraction(q))
        got = (to_fraction(e.subs(at)), to_fraction(xstar.subs(at)), to_fraction(nstar.subs(at)))
        if got != (exact.exponent, exact.t_star, exact.n_star):
            raise ArithmeticError(f"symbolic optimum for {regime}/{training} fails at "
                                  f"alpha={a}, beta={b}: {got} vs {exact}")
    return e, xstar, nstar


@lru_cache(maxsize=None)
def derive_compute(training: str, dynamics: str = "sgd", p: Fraction = Fraction(1),
                   q: Fraction = Fraction(1)) -> dict[str, sp.Piecewise]:
    """Symbolic compute-optimal exponents as ``Piecewise`` over the regimes.

    Returns ``{"exponent": ..., "t_star": ..., "n_star": ...}``, each a ``Piecewise`` with
    conditions ``beta < 1``, ``beta < 2 - 1/alpha`` (SGD only) and ``True``.
    """
    ps, qs = to_sympy(p), to_sympy(q)
    regimes = regimes_for(dynamics)
    results = {r: _regime_optimum(training, dynamics, r, ps, qs) for r in regimes}
    conditions = [BETA < hard_easy_boundary()]
    if dynamics == "sgd":
        conditions.append(BETA < easy_supereasy_boundary())
    conditions.append(sp.true)
    out = {}
    for k, key in enumerate(("exponent", "t_star", "n_star")):
        out[key] = sp.Piecewise(*[(results[r][k], c) for r, c in zip(regimes, conditions)])
    return out
