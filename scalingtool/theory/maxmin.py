"""Exact ``max_x min_i`` of allocation lines (theory §3, compute optimum); no SymPy needed.

``value_i(x) = a_i x + b_i (1 - q x)/p`` for ``x in [0, 1/q]`` (``t = C^x``,
``N = C^((1 - q x)/p)`` under ``C = N^p t^q``). The objective is concave and piecewise
linear, so its maximum lies at an endpoint or at a crossing of two lines; checking every
such candidate in exact rational arithmetic gives the optimum exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

__all__ = ["Optimum", "optimum"]


@dataclass(frozen=True)
class Optimum:
    """The compute-optimal exponent ``L* ~ C^-exponent`` and allocation ``t* ~ C^t_star``,
    ``N* ~ C^n_star``. ``active`` names the terms that balance at the optimum.
    ``t_star``/``n_star`` are ``None`` when the optimal allocation is not unique."""

    exponent: Fraction
    t_star: Fraction | None
    n_star: Fraction | None
    active: tuple[str, ...]


def optimum(lines: list[tuple[Fraction, Fraction]], p: Fraction = Fraction(1),
            q: Fraction = Fraction(1), names: tuple[str, ...] | None = None) -> Optimum:
    """Exact ``max_x min_i (a_i x + b_i (1 - q x)/p)`` over ``x in [0, 1/q]``.

    ``lines`` are ``(a_i, b_i)``: the decay exponents of term ``i`` in ``t`` and in ``N``.
    """
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
