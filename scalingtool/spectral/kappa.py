"""``kappa`` of the deterministic equivalents (theory §2, §3), at any precision.

For a spectrum of modes ``lambda_i`` standing for ``weight_i`` true modes each, plus modes far
above the listed ones of total trace ``lam_tail`` (there ``lambda_k << kappa``, so
``lambda_k/(lambda_k + kappa) ~ lambda_k/kappa``), :func:`solve_kappa` finds ``kappa > 0`` with

    sum_i weight_i lambda_i/(lambda_i + kappa) + lam_tail/kappa = n.

With ``n = N`` it gives the width floor ``L_inf(N) ~= 1/2 kappa sum_k lambda_k w_k^2/(lambda_k +
kappa)`` (theory §2, lazy limit), with ``n = P`` the ridgeless data curve (theory §3). The left
side decreases strictly in ``kappa``, so the root is unique.

The arithmetic is supplied by the caller (:class:`Arithmetic`), so one implementation serves
float64 arrays and object arrays of mpmath numbers alike; the reduced layer's ``Precision``
is such an arithmetic.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..errors import NumericalError, UsageError

__all__ = ["Arithmetic", "solve_kappa"]

_NEWTON_MAX = 200


class Arithmetic(Protocol):
    """Scalar functions and reductions at one precision (float64 or mpmath)."""

    @property
    def eps(self) -> float:
        """Relative rounding unit."""

    def scalar(self, value: Any) -> Any:
        """A scalar of this precision."""

    def exp(self, x: Any) -> Any:
        """``exp(x)``."""

    def log(self, x: Any) -> Any:
        """Natural logarithm."""

    def dot(self, x: np.ndarray, y: np.ndarray) -> Any:
        """``sum_i x_i y_i``."""

    def to_float(self, values: Any) -> np.ndarray:
        """A float64 copy."""


def solve_kappa(lam: np.ndarray, weight: np.ndarray, lam_tail: Any, n: Any, arith: Arithmetic) -> Any:
    """``kappa > 0`` solving ``sum_i weight_i lam_i/(lam_i + kappa) + lam_tail/kappa = n``.

    ``lam`` descending. Newton in ``u = log kappa`` (the count is smooth and monotone in ``u``)
    kept inside a bisection bracket, to a relative step of ``16 eps``. Call it inside the
    precision's context when the arithmetic is mpmath. Raises :class:`UsageError` when
    ``n`` is not below the number of modes (no tail) and :class:`NumericalError` if the
    iteration does not converge.
    """
    n = arith.scalar(n)
    capacity = arith.dot(weight, lam * 0 + 1)
    if lam_tail == 0 and n >= capacity:
        raise UsageError(f"width/size = {float(n):g} is out of range: expected fewer than the "
                         f"{float(capacity):g} modes of the spectrum")

    def excess(u: Any) -> tuple[Any, Any]:
        kappa = arith.exp(u)
        frac = lam / (lam + kappa)
        value = arith.dot(weight, frac) + lam_tail / kappa - n
        slope = -arith.dot(weight, frac * (1 - frac)) - lam_tail / kappa
        return value, slope

    # bracket: kappa far below every lambda counts every mode (> n); kappa = 2 trace/n gives < n
    lo = arith.log(lam[-1]) - 40
    hi = arith.log((arith.dot(weight, lam) + lam_tail) * 2 / n)
    # start at the eigenvalue where the cumulative mode count reaches n
    counts = np.cumsum(arith.to_float(weight))
    u = arith.log(lam[min(int(np.searchsorted(counts, float(n))), len(lam) - 1)])
    tol = 16 * arith.eps
    for _ in range(_NEWTON_MAX):
        value, slope = excess(u)
        if value > 0:
            lo = u
        else:
            hi = u
        u_new = u - value / slope
        if not lo < u_new < hi:
            u_new = (lo + hi) / 2
        if abs(u_new - u) <= tol * (1 + abs(u_new)):
            return arith.exp(u_new)
        u = u_new
    raise NumericalError(f"kappa did not converge for n = {float(n):g}")
