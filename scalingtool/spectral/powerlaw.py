"""The power-law task's modes and the Hurwitz sums of what lies beyond M (theory §1).

``lambda_k = k^-alpha`` and ``lambda_k (w*_k)^2 = k^-(alpha beta + 1)``, so
``w*_k = k^((alpha - alpha beta - 1)/2)`` (all ``w*_k > 0``: the projection ``A`` is
sign-symmetric, so signs do not matter in distribution). The modes ``k > M`` that a finite
model leaves out carry the trace ``sum_{k>M} lambda_k`` and the target power
``sum_{k>M} lambda_k w*_k^2``, both Hurwitz zeta values ``zeta(p, M + 1)``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

__all__ = ["power_law_modes", "hurwitz_tail", "power_law_tails"]

Real = float | Fraction


def power_law_modes(alpha: Real, beta: Real, modes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(lambda_k, w*_k)`` for ``k = 1..modes`` in float64 (module docstring)."""
    k = np.arange(1, modes + 1, dtype=float)
    return k ** -float(alpha), k ** (float(alpha - alpha * beta - 1) / 2)


def hurwitz_tail(p: Real, m: int) -> float:
    """``sum_{k > m} k^-p = zeta(p, m + 1)`` (Hurwitz zeta, mpmath) for ``p > 1``, ``m >= 0``.

    A Fraction ``p`` enters mpmath exactly (no rounding to float first).
    """
    q = mpmath.mpf(p.numerator) / p.denominator if isinstance(p, Fraction) else mpmath.mpf(p)
    return float(mpmath.zeta(q, m + 1))


def power_law_tails(alpha: Real, beta: Real, m: int) -> tuple[float, float]:
    """``(sum_{k>m} lambda_k, sum_{k>m} lambda_k w*_k^2) = (zeta(alpha, m+1), zeta(alpha beta + 1, m+1))``."""
    return hurwitz_tail(alpha, m), hurwitz_tail(alpha * beta + 1, m)
