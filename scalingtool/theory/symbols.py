"""The SymPy symbols of the theory (theory §1, §3) and small conversion helpers."""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from fractions import Fraction
from typing import Any, Callable, TypeVar

import sympy as sp

from ..errors import UsageError

__all__ = ["alpha", "beta", "gamma0", "N", "t", "tau", "C", "linear_root", "to_fraction", "to_sympy",
           "exact_inputs"]

#: capacity and source exponents; ``alpha > 1`` and ``beta > 0`` (theory §1)
alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", positive=True)
#: feature-learning strength, width, time, effective time, compute
gamma0 = sp.Symbol("gamma0", positive=True)
N = sp.Symbol("N", positive=True)
t = sp.Symbol("t", positive=True)
tau = sp.Symbol("tau", positive=True)
C = sp.Symbol("C", positive=True)


def to_sympy(value: Fraction | int | float | sp.Basic) -> sp.Basic:
    """An exact SymPy number for a Fraction, int or finite float; SymPy objects pass through.

    Anything else -- text above all -- is refused: SymPy would ``sympify`` a string, which
    evaluates Python. Text goes through :mod:`scalingtool.params` first.
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise UsageError(f"expected a number, got {value!r}")
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        exact = Fraction(repr(float(value)))
        return sp.Rational(exact.numerator, exact.denominator)
    raise UsageError(f"expected a number (Fraction, int, float) or a SymPy expression, "
                     f"got {type(value).__name__}; parse text with scalingtool.params first")


_F = TypeVar("_F", bound=Callable[..., Any])
_EXACT_NAMES = ("alpha", "beta", "signal")


def exact_inputs(function: _F) -> _F:
    """Pass the arguments named ``alpha``, ``beta`` or ``signal`` through :func:`to_sympy`.

    Every public formula of the theory takes these; the decorator makes sure no string
    (or other object SymPy would ``sympify``) ever reaches a SymPy operation.
    """
    signature = inspect.signature(function)
    names = [n for n in _EXACT_NAMES if n in signature.parameters]

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        for name in names:
            if name in bound.arguments:
                bound.arguments[name] = to_sympy(bound.arguments[name])
        return function(*bound.args, **bound.kwargs)

    return wrapper  # type: ignore[return-value]


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
