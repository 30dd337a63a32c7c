"""Power-law fits over a window of modes (theory §6).

* Capacity: ``log lambda_k = c - alpha log k``, least squares over the window. The sample
  eigenvalues are smooth in k (each is a collective property of P samples), so a straight
  line fit is appropriate.
* Target power: each ``p_k`` scatters like ``mu_k chi^2_1`` around its mean
  ``mu_k = D k^-s`` (theory §6), so a least-squares fit of ``log p_k`` is biased (the mean of
  ``log chi^2_1`` is -1.27) and noisy. We maximise the ``chi^2_1`` (Gamma(1/2, 2 mu_k))
  likelihood instead: ``-2 log L = sum_k [log mu_k + p_k / mu_k] + const``; for fixed ``s`` the
  best ``D`` is ``mean(p_k k^s)``, leaving a one-dimensional, convex-in-practice profile in ``s``.
  Then ``s = alpha beta + 1`` gives ``beta = (s - 1) / alpha``.

We fit ``p_k`` itself, not the tail sum ``sum_{l>k} p_l``: summed only up to P the tail sum
misses the power beyond P, which is not small for hard tasks and biases ``beta`` upward
(theory §6).
"""

from __future__ import annotations

import math

import numpy as np

from .deps import require_scipy

__all__ = ["fit_capacity", "fit_power_slope", "beta_from", "half_slopes", "S_MAX"]

#: largest target-power slope searched (``alpha beta + 1`` beyond 40 is not a power law we can see)
S_MAX = 40.0
#: largest finite-sample lift applied, relative to the smallest eigenvalue of the window
LIFT_MAX = 0.25


def _modes(window: tuple[int, int]) -> np.ndarray:
    return np.arange(window[0], window[1] + 1, dtype=float)


def _ols_slope(logk: np.ndarray, logv: np.ndarray) -> tuple[float, float]:
    x = logk - logk.mean()
    slope = float(np.dot(x, logv) / np.dot(x, x))
    return slope, float(logv.mean() - slope * logk.mean())


def fit_capacity(eigenvalues: np.ndarray, window: tuple[int, int], samples: int | None = None) -> float:
    """``alpha``: minus the least-squares slope of ``log(lambda_k - delta)`` on ``log k``.

    ``delta`` is the finite-sample lift of the eigenvalues: the modes beyond P act on P
    samples like an isotropic kernel, lifting every sample eigenvalue by about
    ``sum_{j > P} lambda_j / P = C P^-alpha / (alpha - 1)`` for ``lambda_j = C j^-alpha``
    (it flattens the top of the window: -0.03 in alpha at alpha = 1.5, P = 1000, window
    5..100 without it). It is found self-consistently from the fitted law (three passes);
    ``samples=None`` fits without it. A lift above ``LIFT_MAX`` times the window's smallest
    eigenvalue (alpha near 1, where the tail sum barely converges) is not applied.
    """
    k = _modes(window)
    lam = np.asarray(eigenvalues[window[0] - 1: window[1]], dtype=float)
    if lam.shape[0] != k.shape[0] or np.any(lam <= 0):
        return math.nan
    logk = np.log(k)
    slope, icpt = _ols_slope(logk, np.log(lam))
    if samples is None:
        return -slope
    for _ in range(3):
        a = -slope
        if a <= 1.0:
            break
        delta = math.exp(icpt) * samples ** (-a) / (a - 1.0)
        if delta > LIFT_MAX * lam[-1]:  # near alpha = 1 the tail sum diverges: no correction
            break
        lifted = lam - delta
        slope, icpt = _ols_slope(logk, np.log(lifted))
    return -slope


def fit_power_slope(powers: np.ndarray, window: tuple[int, int]) -> float:
    """``s`` of ``p_k ~ k^-s`` by the ``chi^2_1`` likelihood over the window (module docstring)."""
    scipy = require_scipy()
    k = _modes(window)
    p = np.asarray(powers[window[0] - 1: window[1]], dtype=float)
    if p.shape[0] != k.shape[0] or not np.any(p > 0):
        return math.nan
    logk = np.log(k)
    logk0 = logk - logk.mean()  # centring keeps p k^s in range
    n = float(k.shape[0])

    def objective(s: float) -> float:
        d = np.mean(p * np.exp(s * logk0))
        return n * math.log(d) - s * float(np.sum(logk0))

    res = scipy.optimize.minimize_scalar(objective, bounds=(-S_MAX, S_MAX), method="bounded",
                                         options={"xatol": 1e-6})
    return float(res.x)


def beta_from(alpha: float | np.ndarray, slope: float | np.ndarray) -> float | np.ndarray:
    """``beta = (s - 1) / alpha`` from ``p_k ~ k^-(alpha beta + 1)`` (theory §1)."""
    return (np.asarray(slope) - 1.0) / np.asarray(alpha)


def half_slopes(values: np.ndarray, window: tuple[int, int], kind: str,
                samples: int | None = None) -> tuple[float, float]:
    """The slope fitted on the lower and on the upper half (in log k) of the window.

    A straight power law has equal halves; their difference measures curvature.
    """
    lo, hi = window
    mid = int(round(math.sqrt(lo * hi)))
    if kind == "capacity":
        return fit_capacity(values, (lo, mid), samples), fit_capacity(values, (mid, hi), samples)
    return fit_power_slope(values, (lo, mid)), fit_power_slope(values, (mid, hi))
