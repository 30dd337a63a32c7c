"""The SymPy symbols of the theory (theory §1, §3) and small conversion helpers."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

__all__ = ["alpha", "beta", "gamma0", "N", "t", "tau", "C", "linear_root", "to_fraction", "to_sympy"]

#: capacity and source exponents; ``alpha > 1`` and ``beta > 0`` (theory §1)
alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", positive=True)
#: feature-learning strength, width, time, effective time, compute
gamma0 = sp.Symbol("gamma0", positive=True)
N = sp.Symbol("N", positive=True)
t = sp.Symbol("t", positive=True)
tau = sp.Symbol("tau", positive=True)
C = sp.Symbol("C", positive=True)


def to_sympy(value: Fraction | int | sp.Expr) -> sp.Expr:
    """An exact SymPy number for a Fraction or int; SymPy expressions pass through."""
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    return value


def to_fraction(value: sp.Expr) -> Fraction:
    """A Python Fraction for an exact SymPy rational (raises if the value is not rational)."""
    if not isinstance(value, sp.Rational):
        raise TypeError(f"not an exact rational: {value}")
    return Fraction(int(value.p), int(value.q))


def linear_root(lhs: sp.Expr, rhs: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """Solve ``lhs = rhs`` for ``var`` when the equation is linear in ``var``.

    Every equation of the theory (balance of two power laws, the self-consistent time
    change) is linear in its unknown exponent; solving it directly avoids ``sympy.solve``'s
    general machinery (and its ``simplify``, which costs a second of imports).
    """
    difference = sp.expand(lhs - rhs)
    slope = sp.diff(difference, var)
    if slope.has(var) or slope == 0:
        raise ValueError(f"{lhs} = {rhs} is not linear in {var}")
    return sp.cancel(-difference.subs(var, 0) / slope)
