"""Mode grids: a finite set of weighted modes standing for ``sum_{k>=1}`` (theory §1, §2).

A :class:`Spectrum` is what every reduced solver consumes: eigenvalues ``lam``, target
coefficients ``w`` (``w*_k``), weights (how many true modes each entry stands for) and two
constants for what lies outside the listed modes,

* ``r``: the part of ``2L`` that no listed mode can learn (``r = sum_{k>k_max} lambda_k w_k^2``
  at infinite width, the part outside the span of ``A`` at finite width, theory §2),
* ``lam_tail``: ``sum_{k>k_max} lambda_k``, the trace of the missing modes (it enters the
  equations for ``kappa`` of theory §2-§3 as ``lam_tail/kappa``, valid since ``lambda_k << kappa``
  there).

:func:`power_law_spectrum` builds the default grid for ``lambda_k = k^-alpha``,
``lambda_k w_k^2 = k^(-alpha beta - 1)``: exact terms ``k = 1..k_exact``, then ``sum_{k > k_exact}
f(k)`` as the integral of ``f`` from ``k_exact + 1/2`` (Euler-Maclaurin midpoint form, with
its ``f'/24`` end term taken by backward differences of the last exact terms) evaluated by
the trapezoidal rule in ``u = log k`` (weights ``k_j h``, i.e. the bin width ``dk = k du``)
with Gregory end corrections of order ``h^8``. For the mode sums of this model the integrand
is analytic in a strip ``|Im u| < pi/(2 alpha)``, so the trapezoidal error away from the ends
is of order ``exp(-pi^2/(alpha h))``: with :func:`default_nodes_per_decade` it is far below
1e-10. (Weights equal to the literal bin widths ``k_{j+1/2} - k_{j-1/2}`` would carry a
relative bias ``h^2/24``; the ``k_j h`` form does not.) :func:`truncated_spectrum` is the plain
sum over ``k <= M`` that theory §2 warns against; it is kept as a benchmark baseline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import UsageError
from ..spectral import solve_kappa
from .precision import Precision, get_precision

__all__ = [
    "Spectrum",
    "power_law_spectrum",
    "truncated_spectrum",
    "default_nodes_per_decade",
    "K_EXACT_DEFAULT",
    "K_MAX_DEFAULT",
]

K_EXACT_DEFAULT = 200
K_MAX_DEFAULT = 1e30
# Gregory coefficients: trapezoid end corrections sum_j (-1)^(j+1) G_j Delta^j f_0.
_GREGORY_COEFFS = (Fraction(1, 12), Fraction(1, 24), Fraction(19, 720), Fraction(3, 160),
                   Fraction(863, 60480), Fraction(275, 24192))
# Euler-Maclaurin midpoint end term f'(k_exact + 1/2)/24 from f(K), f(K-1), f(K-2).
_EM_END = (Fraction(2, 24), Fraction(-3, 24), Fraction(1, 24))


@dataclass
class Spectrum:
    """Weighted modes ``(lam_i, w_i, weight_i)`` plus the constants ``r`` and ``lam_tail``.

    A mode sum ``sum_k f(lambda_k, w_k)`` is ``sum_i weight_i f(lam_i, w_i)``. The loss of a
    predictor with per-mode errors ``v_i`` is ``L = (r + sum_i weight_i lam_i v_i^2)/2``.
    """

    lam: np.ndarray
    w: np.ndarray
    weight: np.ndarray
    r: Any
    lam_tail: Any
    precision: Precision
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of listed modes (grid nodes)."""
        return len(self.lam)

    def msum(self, values: np.ndarray) -> Any:
        """``sum_i weight_i values_i``: the mode sum represented by the grid."""
        return self.precision.dot(self.weight, values)

    def target_power(self) -> Any:
        """``w*^T Lambda w* = r + sum_i weight_i lam_i w_i^2`` (twice the loss at ``beta_vec = 0``)."""
        return self.r + self.msum(self.lam * self.w * self.w)

    def kappa(self, n: Any) -> Any:
        """``kappa`` with ``sum_k lambda_k/(lambda_k + kappa) = n`` on this grid (theory §2, §3).

        The modes above the grid count ``lam_tail/kappa``. Call inside ``self.precision.context()``.
        """
        return solve_kappa(self.lam, self.weight, self.lam_tail, n, self.precision)


def default_nodes_per_decade(alpha: float) -> int:
    """Quadrature nodes per decade of ``k``: ``max(16, 10 alpha)``.

    The trapezoidal error ``exp(-pi^2/(alpha h))`` with ``h = ln(10)/n`` is then below
    ``exp(-4.2 n/alpha) <= 1e-12`` for ``alpha <= 2``, and ``e^-42`` for larger alpha.
    """
    return int(max(16, math.ceil(10 * alpha)))


def gregory_end_weights() -> list[Fraction]:
    """Trapezoid weights (in units of ``h``) of the first nodes with Gregory's end correction.

    Expanding the forward differences ``Delta^j f_0`` of the six Gregory terms gives seven
    end weights; the rule is then exact for polynomials of degree 7 (error ``O(h^8)``).
    With two terms it is the familiar ``3/8, 7/6, 23/24``.
    """
    order = len(_GREGORY_COEFFS)
    weights = [Fraction(1, 2)] + [Fraction(1)] * order
    for j, coeff in enumerate(_GREGORY_COEFFS, start=1):
        sign = (-1) ** (j + 1)
        for i in range(j + 1):
            weights[i] += sign * coeff * (-1) ** (j - i) * math.comb(j, i)
    return weights


def _exponents(alpha: Fraction, beta: Fraction) -> tuple[Fraction, Fraction]:
    """``lambda_k = k^-alpha`` and ``w_k = k^p`` with ``p = (alpha - alpha beta - 1)/2``."""
    return alpha, (alpha - alpha * beta - 1) / 2


def _check_grid(k_exact: int, k_max: float, nodes_per_decade: int) -> None:
    if not 3 <= k_exact <= 10**6:
        raise UsageError(f"k_exact = {k_exact} is out of range: expected 3 <= k_exact <= 1000000")
    if not (k_max >= 100 * (k_exact + 1) and math.isfinite(k_max)):
        raise UsageError(f"k_max = {k_max:g} is out of range: expected a finite k_max >= "
                         f"100 (k_exact + 1) = {100 * (k_exact + 1)}")
    if not 4 <= nodes_per_decade <= 10**4:
        raise UsageError(f"nodes_per_decade = {nodes_per_decade} is out of range: "
                         "expected 4 <= nodes_per_decade <= 10000")


def power_law_spectrum(alpha: Fraction, beta: Fraction, precision: str | Precision = "float64",
                       k_exact: int = K_EXACT_DEFAULT, k_max: float = K_MAX_DEFAULT,
                       nodes_per_decade: int | None = None) -> Spectrum:
    """The grid for ``sum_{k>=1}`` of theory §1's power-law model (see module docstring).

    ``k <= k_exact``: exact terms (weight 1, the last three adjusted by the Euler-Maclaurin
    end term); ``k_exact + 1/2 <= k <= k_max``: log-spaced quadrature; ``k > k_max``: the
    constants ``r = k_max^(-alpha beta)/(alpha beta)`` and
    ``lam_tail = k_max^(1-alpha)/(alpha - 1)`` (integrals of the pure power tails).
    """
    be = get_precision(precision)
    alpha, beta = Fraction(alpha), Fraction(beta)
    per_decade = nodes_per_decade or default_nodes_per_decade(float(alpha))
    _check_grid(k_exact, k_max, per_decade)
    a_exp, w_exp = _exponents(alpha, beta)
    with be.context():
        one = be.scalar(1)
        k_int = be.array(np.arange(1, k_exact + 1))
        w_int = be.array(np.ones(k_exact))
        for offset, c in enumerate(_EM_END):
            w_int[k_exact - 1 - offset] = w_int[k_exact - 1 - offset] + be.scalar(c)
        u0 = be.log(be.scalar(Fraction(2 * k_exact + 1, 2)))
        u1 = be.log(be.scalar(k_max))
        ends = gregory_end_weights()
        n = max(2 * len(ends), math.ceil(float(u1 - u0) / math.log(10) * per_decade))
        h = (u1 - u0) / n
        u = be.array([u0 + j * h for j in range(n + 1)])
        k_quad = be.exp(u)
        g = [one] * (n + 1)
        for j, c in enumerate(ends):
            g[j] = g[n - j] = be.scalar(c)
        w_quad = k_quad * h * be.array(g)
        k = np.concatenate([k_int, k_quad])
        weight = np.concatenate([w_int, w_quad])
        lam = be.power(k, -a_exp)
        w = be.power(k, w_exp)
        kmax = be.scalar(k_max)
        ab = be.scalar(alpha * beta)
        r = be.power(kmax, -ab) / ab
        lam_tail = be.power(kmax, 1 - be.scalar(alpha)) / (be.scalar(alpha) - 1)
    info = {"grid": "exact+log-quadrature", "k_exact": k_exact, "k_max": float(k_max),
            "nodes_per_decade": per_decade, "nodes": len(k)}
    return Spectrum(lam, w, weight, r, lam_tail, be, info)


def truncated_spectrum(alpha: Fraction, beta: Fraction, modes: int,
                       precision: str | Precision = "float64") -> Spectrum:
    """Plain truncation ``k = 1..modes`` with nothing beyond (``r = lam_tail = 0``).

    This is the baseline of theory §2's numerical warning, and the exact finite-``M`` model
    used when comparing with sampled matrices of ``M`` columns.
    """
    if not 1 <= modes <= 10**8:
        raise UsageError(f"modes = {modes} is out of range: expected 1 <= modes <= 100000000")
    be = get_precision(precision)
    alpha, beta = Fraction(alpha), Fraction(beta)
    a_exp, w_exp = _exponents(alpha, beta)
    with be.context():
        k = be.array(np.arange(1, modes + 1))
        lam = be.power(k, -a_exp)
        w = be.power(k, w_exp)
        weight = be.array(np.ones(modes))
        zero = be.scalar(0)
    return Spectrum(lam, w, weight, zero, zero, be,
                    {"grid": "truncated", "k_max": float(modes), "nodes": modes})
