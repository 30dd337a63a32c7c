"""One arithmetic interface for float64 (NumPy) and mpmath (theory §2 numerics).

Every solver in :mod:`scalingtool.reduced` is written once against :class:`Precision`.
Vectors are NumPy arrays in both cases: ``float64`` arrays for ``"float64"``, object arrays
of ``mpmath.mpf`` for ``"mp:DIGITS"``. NumPy's elementwise ``+ - * /`` work on both (write
``array * scalar``, never ``scalar * array``: an ``mpf`` on the left first tries to convert the
whole array through its text form, which is slow); the transcendental functions and the few numerically delicate kernels below are
supplied by the precision, so the solver code never branches on the precision.

The delicate kernels (:meth:`Precision.exp_phi`, :meth:`Precision.log1p_tail`) are the ones an
exponential integrator needs for a rate ``x >= 0``:

* ``phi1(x) = (1 - exp(-x)) / x`` (``-> 1`` at 0),
* ``phi2(x) = (x - 1 + exp(-x)) / x^2`` (``-> 1/2`` at 0), so ``1 - phi1(x) = x phi2(x)``,
* ``log1p_tail(d) = -(d + log(1 - d)) / d^2`` (``-> 1/2`` at 0),

each evaluated by its Taylor series (float64) or at raised precision (mpmath) for small
arguments. Forming them by subtraction
instead loses every digit once ``x`` is below the machine epsilon, and the mode sums
weight such modes by ``k`` up to ``10^30`` (theory §2 numerical warning), so the lost digits
would come back as O(1) errors in ``|beta_vec|^2``.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterator, Sequence

import mpmath
import numpy as np

from ..params import LIMITS, check_precision

__all__ = ["Precision", "get_precision", "named_precision", "PRECISION_HELP", "MP_DIGITS_MIN", "MP_DIGITS_MAX"]

MP_DIGITS_MIN = int(LIMITS["digits"].low)
MP_DIGITS_MAX = int(LIMITS["digits"].high)
PRECISION_HELP = f'"float64" or "mp:DIGITS" with {MP_DIGITS_MIN} <= DIGITS <= {MP_DIGITS_MAX}'
# Below this argument the series replace the closed forms (the series then need few terms).
_SERIES_BELOW = 0.5


@dataclass(frozen=True)
class Precision:
    """Elementwise arithmetic at one precision: ``digits is None`` means NumPy float64."""

    digits: int | None = None

    # --- identity -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The precision string this precision was made from."""
        return "float64" if self.digits is None else f"mp:{self.digits}"

    @property
    def is_mp(self) -> bool:
        """True for the mpmath precision."""
        return self.digits is not None

    @property
    def eps(self) -> float:
        """Relative rounding unit (a float, for tolerances)."""
        return float(np.finfo(float).eps) if self.digits is None else 10.0 ** (1 - self.digits)

    @contextlib.contextmanager
    def context(self) -> Iterator[None]:
        """Set ``mpmath.mp.dps`` for the duration (a no-op for float64).

        Every number of an mpmath computation must be created inside this context: an
        ``mpf`` keeps the precision it was rounded to.
        """
        if self.digits is None:
            yield
        else:
            with mpmath.workdps(self.digits):
                yield

    # --- construction ---------------------------------------------------------------------
    def scalar(self, value: Any) -> Any:
        """A scalar of this precision from an int, float, Fraction, string or mpf."""
        if self.digits is None:
            return float(value)
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        return mpmath.mpf(value)

    def array(self, values: Sequence[Any] | np.ndarray) -> np.ndarray:
        """A vector of this precision."""
        if self.digits is None:
            return np.asarray(values, dtype=float)
        return np.array([self.scalar(v) for v in np.asarray(values, dtype=object).ravel()],
                        dtype=object)

    def zeros(self, n: int) -> np.ndarray:
        """A vector of ``n`` zeros."""
        return self.array(np.zeros(n))

    def to_float(self, values: Any) -> np.ndarray:
        """Float64 copy (for reporting, plotting and measuring)."""
        return np.asarray(np.asarray(values, dtype=object).astype(float), dtype=float)

    # --- elementwise functions --------------------------------------------------------------
    def _map(self, fn_np: Any, fn_mp: Any, x: Any) -> Any:
        if self.digits is None:
            return fn_np(x)
        if isinstance(x, np.ndarray):
            return np.array([fn_mp(v) for v in x.ravel()], dtype=object).reshape(x.shape)
        return fn_mp(x)

    def exp(self, x: Any) -> Any:
        """``exp(x)``."""
        return self._map(np.exp, mpmath.exp, x)

    def expm1(self, x: Any) -> Any:
        """``exp(x) - 1`` without cancellation."""
        return self._map(np.expm1, mpmath.expm1, x)

    def log(self, x: Any) -> Any:
        """Natural logarithm."""
        return self._map(np.log, mpmath.log, x)

    def log1p(self, x: Any) -> Any:
        """``log(1 + x)`` without cancellation."""
        return self._map(np.log1p, mpmath.log1p, x)

    def sqrt(self, x: Any) -> Any:
        """Square root."""
        return self._map(np.sqrt, mpmath.sqrt, x)

    def power(self, x: Any, p: Any) -> Any:
        """``x ** p`` for a scalar exponent ``p``."""
        p = self.scalar(p)
        return self._map(lambda v: np.power(v, p), lambda v: mpmath.power(v, p), x)

    def isfinite(self, x: Any) -> bool:
        """True when every entry is finite."""
        if self.digits is None:
            return bool(np.all(np.isfinite(x)))
        values = x.ravel() if isinstance(x, np.ndarray) else [x]
        return all(mpmath.isfinite(v) for v in values)

    # --- reductions -------------------------------------------------------------------------
    def sum(self, x: np.ndarray) -> Any:
        """Sum of a vector (an mpf for the mpmath precision)."""
        if self.digits is None:
            return float(np.sum(x))
        return mpmath.fsum(x)

    def dot(self, x: np.ndarray, y: np.ndarray) -> Any:
        """``sum_i x_i y_i``."""
        if self.digits is None:
            return float(np.dot(x, y))
        return mpmath.fdot(x, y)

    # --- exponential-integrator kernels -----------------------------------------------------
    def exp_phi(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(exp(-x), phi1(x), phi2(x))`` for a vector ``x >= 0`` (see module docstring).

        One exponential per entry; below ``x = 1/2`` the ``phi`` come from their series.
        """
        if self.digits is None:
            x = np.asarray(x, dtype=float)
            e = np.exp(-x)
            small = x < _SERIES_BELOW
            safe = np.where(small, 1.0, x)
            p1 = -np.expm1(-safe) / safe
            p2 = (safe - 1.0 + e) / (safe * safe)
            if np.any(small):
                xs = x[small]
                p1[small] = _horner(xs, 1, _FLOAT_TERMS)
                p2[small] = _horner(xs, 2, _FLOAT_TERMS)
            return e, p1, p2
        consts = _MpConstants.make(self.digits)
        triples = [_mp_exp_phi(v, consts) for v in x]
        return tuple(np.array([t[i] for t in triples], dtype=object) for i in range(3))

    def log1p_tail(self, d: np.ndarray) -> np.ndarray:
        """``-(d + log(1 - d))/d^2 = sum_{n>=0} d^n/(n+2)`` for a vector ``0 <= d < 1``."""
        if self.digits is None:
            d = np.asarray(d, dtype=float)
            small = d < _SERIES_BELOW
            safe = np.where(small, _SERIES_BELOW, d)
            out = -(safe + np.log1p(-safe)) / (safe * safe)
            if np.any(small):
                ds = d[small]
                acc = np.zeros_like(ds)
                for n in range(_FLOAT_TAIL_TERMS, -1, -1):
                    acc = 1.0 / (n + 2) + ds * acc
                out[small] = acc
            return out
        consts = _MpConstants.make(self.digits)
        return np.array([_mp_log1p_tail(v, consts) for v in d], dtype=object)


# float64 series lengths: 0.5^n/(n+1)! < 1e-18 and 0.5^n/(n+2) < 1e-18
_FLOAT_TERMS = 16
_FLOAT_TAIL_TERMS = 60


def _horner(x: np.ndarray, first: int, terms: int) -> np.ndarray:
    """``sum_{n>=0} (-x)^n/(n + first)!`` in Horner form (``first = 1``: phi1, ``2``: phi2)."""
    acc = np.ones_like(x)
    for n in range(terms + first, first, -1):
        acc = 1.0 - x * acc / n
    return acc / math.factorial(first)


@dataclass(frozen=True)
class _MpConstants:
    """mpf thresholds of :func:`_mp_exp_phi` (comparing an mpf with a float is slow)."""

    tiny: Any   # below: three series terms are exact to eps (x^3/24 < eps)
    half: Any   # below: closed forms at raised precision, above: at working precision
    big: Any    # above: exp(-x) < eps^2 1e-10 is dropped
    eps: Any

    @classmethod
    def make(cls, digits: int) -> "_MpConstants":
        eps = mpmath.mpf(10) ** (1 - digits)
        return cls(mpmath.cbrt(eps) / 10, mpmath.mpf(_SERIES_BELOW),
                   mpmath.mpf(2 * digits + 10) * mpmath.log(10), eps)


def _mp_exp_phi(x: Any, c: _MpConstants) -> tuple[Any, Any, Any]:
    if x >= c.big:
        return mpmath.mpf(0), 1 / x, (x - 1) / (x * x)
    if x >= c.half:
        e = mpmath.exp(-x)
        return e, (1 - e) / x, (x - 1 + e) / (x * x)
    if x < c.tiny:
        p1 = 1 - x / 2 * (1 - x / 3)
        return 1 - x * p1, p1, (1 - x / 3 * (1 - x / 4)) / 2
    # closed forms at raised precision: x - 1 + exp(-x) ~ x^2/2 loses 2 log2(1/x) bits
    with mpmath.extraprec(10 - 2 * mpmath.mag(x)):
        e = mpmath.exp(-x)
        p1, p2 = (1 - e) / x, (x - 1 + e) / (x * x)
    return +e, +p1, +p2


def _mp_log1p_tail(d: Any, c: _MpConstants) -> Any:
    if d >= c.half:
        return -(d + mpmath.log1p(-d)) / (d * d)
    total, power, n = mpmath.mpf(1) / 2, mpmath.mpf(1), 0
    while True:
        n += 1
        power *= d
        term = power / (n + 2)
        total += term
        if term <= c.eps * total / 1000:
            return total


def named_precision(name: str) -> Precision:
    """The precision of a validated name (``"float64"`` or ``"mp:DIGITS"``, as a config holds it)."""
    return Precision(None) if name == "float64" else Precision(int(name[3:]))


def get_precision(precision: str | Precision = "float64") -> Precision:
    """Parse a precision string (``"float64"`` or ``"mp:DIGITS"``) into a :class:`Precision`."""
    if isinstance(precision, Precision):
        return precision
    text = check_precision(precision)  # the one parser of precision names (scalingtool.params)
    if text == "float64":
        return Precision(None)
    digits = int(text[3:])
    return Precision(digits)
