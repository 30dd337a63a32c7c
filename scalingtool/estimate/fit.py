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
* Both fits remove the finite-sample bias of their data to first order in ``1 / P``
  (:func:`sample_bias`, :func:`power_bias`), computed from the fitted laws self-consistently.

We fit ``p_k`` itself, not the tail sum ``sum_{l>k} p_l``: summed only up to P the tail sum
misses the power beyond P, which is not small for hard tasks and biases ``beta`` upward
(theory §6).
"""

from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np


__all__ = ["sample_bias", "power_bias", "power_fit", "capacity_fit", "fit_capacity", "fit_power_slope", "beta_from", "half_slopes", "S_MAX"]

#: largest target-power slope searched (``alpha beta + 1`` beyond 40 is not a power law we can see)
S_MAX = 40.0
#: modes (log-spaced) at which the finite-sample bias is summed; linear in log k in between
#: (the bias is smooth in k: at windows 5..60 and 5..400, alpha 1.5 to 3, the error is under 2e-4)
BIAS_NODES = 48
#: largest relative finite-sample bias corrected (theory §6)
LIFT_MAX = 0.25
#: largest relative bias of the eigenvalues, at the fitted alpha, that the capacity fit corrects:
#: Gaussian features at P = 1500, window k = 5..150, alpha = 1.5 (bias 12%) correct to 1.505-1.506,
#: alpha = 1.3 (27%) to 1.302-1.304, while alpha = 1.2 (45%) stops at 1.180, ten intervals short
CAPACITY_LIFT_MAX = 0.3
#: the target powers' self-consistent correction stops once a pass moves the slope by less
#: than this (each pass shrinks the change about twentyfold)
FIXED_POINT_TOL = 1e-7


def _modes(window: tuple[int, int]) -> np.ndarray:
    return np.arange(window[0], window[1] + 1, dtype=float)


def _ols_slope(logk: np.ndarray, logv: np.ndarray) -> tuple[float, float]:
    x = logk - logk.mean()
    slope = float(np.dot(x, logv) / np.dot(x, x))
    return slope, float(logv.mean() - slope * logk.mean())


def sample_bias(modes: np.ndarray, alpha: float, samples: int) -> np.ndarray:
    """``E[lambda_hat_k] / lambda_k - 1`` for Gaussian features with ``lambda_j ~ j^-alpha``
    (``j = 1 .. infinity``), to first order in ``1 / P`` (theory §6).

    Second-order perturbation of ``S = Psi^T Psi / P`` about its mean ``Lambda``: the diagonal
    entries have mean ``lambda_k`` and the off-diagonal ones mean square ``lambda_k lambda_j / P``,
    so ``E[lambda_hat_k] = lambda_k (1 + (1/P) sum_{j != k} lambda_j / (lambda_k - lambda_j))``.
    Modes far beyond k lift it by ``lambda_j / P`` each (the isotropic lift of the tail), modes
    above k push it down (repulsion). The sum is exact up to ``J = 4 max(k)``; beyond ``J`` it is
    expanded to third order in ``lambda_j / lambda_k`` (at most ``4^-alpha``) and summed as integrals
    from ``J + 1/2``.
    """
    return _on_nodes(modes, lambda k: _exact_bias(k, alpha, samples))


def _on_nodes(modes: np.ndarray, exact: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``exact`` at the modes, or, for more modes than ``BIAS_NODES``, at log-spaced integer
    nodes and interpolated in ``log k`` (a first-order bias is smooth in k)."""
    k = np.asarray(modes, dtype=float)
    nodes = _bias_nodes(float(k.min()), float(k.max()))
    if nodes.shape[0] < k.shape[0]:
        return np.interp(np.log(k), np.log(nodes), exact(nodes))
    return exact(k)


@functools.lru_cache(maxsize=256)
def _bias_nodes(lo: float, hi: float) -> np.ndarray:
    nodes = np.unique(np.round(np.geomspace(lo, hi, BIAS_NODES)))
    nodes.setflags(write=False)
    return nodes


@functools.lru_cache(maxsize=64)
def _log_modes(cut: int) -> np.ndarray:
    logj = np.log(np.arange(1, cut + 1, dtype=float))
    logj.setflags(write=False)
    return logj


def _exact_bias(k: np.ndarray, alpha: float, samples: int) -> np.ndarray:
    """:func:`sample_bias` at the modes ``k`` themselves: the sum to ``J = 4 max(k)`` and the far tail."""
    cut = 4 * int(k.max())
    lam_j = np.exp(-alpha * _log_modes(cut))
    lam_k = k ** -alpha
    terms = np.subtract.outer(lam_k, lam_j)
    terms[np.arange(k.shape[0]), k.astype(np.int64) - 1] = np.inf  # j == k is left out of the sum
    np.divide(lam_j[None, :], terms, out=terms)
    edge = cut + 0.5
    far = sum(edge ** (1.0 - n * alpha) / (n * alpha - 1.0) / lam_k ** n for n in (1, 2, 3))
    return (terms.sum(axis=1) + far) / samples


def power_bias(modes: np.ndarray, alpha: float, slope: float, samples: int) -> np.ndarray:
    """``E[p_hat_k] / p_k - 1`` for Gaussian features with ``lambda_j ~ j^-alpha`` and target
    powers ``p_j ~ j^-slope`` (``j = 1 .. infinity``), to first order in ``1 / P`` (theory §6).

    ``p_hat_k = lambda_hat_k (v_hat_k . w)^2`` with ``(lambda_hat_k, v_hat_k)`` the eigenpairs
    of ``S = Psi^T Psi / P``. Second-order perturbation as for :func:`sample_bias`: the
    eigenvector takes weight ``E_jk / (lambda_k - lambda_j)`` from mode j (mean square
    ``sigma_jk^2 = lambda_j lambda_k / (P (lambda_k - lambda_j)^2)``), losing as much of its own,
    and the eigenvalue is lifted by ``b_k``; so, with ``r = lambda_j / lambda_k`` and
    ``q = p_j / p_k``, ``E[p_hat_k] / p_k - 1 = (1/P) sum_{j != k} (q - r^2) / (1 - r)^2``. Far
    modes (``j >> k``) add their power ``p_j / P``: the flat floor that the target's tail beyond
    the samples leaves on every mode. Summed exactly up to ``J = 4 max(k)``, beyond as integrals
    of the expansion to third order in ``r``.
    """
    return _on_nodes(modes, lambda k: _exact_power_bias(k, alpha, slope, samples))


def _exact_power_bias(k: np.ndarray, alpha: float, slope: float, samples: int) -> np.ndarray:
    cut = 4 * int(k.max())
    logk = np.log(k)
    d = np.subtract.outer(logk, _log_modes(cut))  # log(k / j)
    q = np.exp(slope * d)
    r = np.multiply(d, alpha, out=d)
    np.exp(r, out=r)
    q -= r * r
    np.subtract(1.0, r, out=r)
    r *= r
    r[np.arange(k.shape[0]), k.astype(np.int64) - 1] = np.inf  # j == k is left out of the sum
    q /= r
    edge = cut + 0.5
    ratio = k / edge

    def tail(m: float) -> np.ndarray:  # sum_{j > J} (k / j)^m
        return ratio ** m * edge / (m - 1.0)

    far = (tail(slope) + 2.0 * tail(slope + alpha) + 3.0 * tail(slope + 2.0 * alpha)
           - tail(2.0 * alpha) - 2.0 * tail(3.0 * alpha))
    return (q.sum(axis=1) + far) / samples


def power_fit(powers: np.ndarray, window: tuple[int, int], alpha: float | None = None,
              samples: int | None = None) -> tuple[float, bool]:
    """``s`` of :func:`fit_power_slope` on ``p_hat_k / (1 + B_k)``, ``B_k`` the finite-sample bias
    of the target powers (:func:`power_bias`, theory §6) at the fitted ``alpha`` and ``s``,
    self-consistently (at most four passes, fewer once the slope moves by under
    ``FIXED_POINT_TOL``). Without ``alpha`` and ``samples``, or where the bias
    exceeds ``LIFT_MAX`` or the law is outside ``alpha > 1``, ``s > 1``, the plain fit.
    Returns ``(s, corrected)``."""
    slope = fit_power_slope(powers, window)
    if alpha is None or samples is None or not (math.isfinite(alpha) and math.isfinite(slope)):
        return slope, False
    lo, hi = window
    k = _modes(window)
    corrected = False
    adjusted = np.array(powers, dtype=float)
    for _ in range(4):
        if alpha <= 1.0 or slope <= 1.0 or slope >= S_MAX:
            break
        bias = power_bias(k, alpha, slope, samples)
        if np.max(np.abs(bias)) > LIFT_MAX:
            break
        adjusted[lo - 1: hi] = powers[lo - 1: hi] / (1.0 + bias)
        previous, slope = slope, fit_power_slope(adjusted, window)
        corrected = True
        if abs(slope - previous) < FIXED_POINT_TOL:
            break
    return slope, corrected


def capacity_fit(eigenvalues: np.ndarray, window: tuple[int, int],
                 samples: int | None = None) -> tuple[float, bool]:
    """``alpha``: minus the least-squares slope of ``log(lambda_k / (1 + b_k))`` on ``log k``.

    ``b_k`` is the finite-sample bias of the sample eigenvalues (:func:`sample_bias`, theory
    §6): the modes beyond k lift ``lambda_k`` by about their trace over P, the modes above it
    push it down. ``b_k`` comes from the fitted law, self-consistently (four passes);
    ``samples=None`` fits without it. Where the bias at the corrected law exceeds
    ``CAPACITY_LIFT_MAX`` in the window (alpha near 1, where the tail sum barely converges, and
    the first-order correction falls short) the plain fit is returned. Returns
    ``(alpha, corrected)``: ``corrected`` is False when ``samples`` was given but the bias was left in.
    """
    k = _modes(window)
    lam = np.asarray(eigenvalues[window[0] - 1: window[1]], dtype=float)
    if lam.shape[0] != k.shape[0] or np.any(lam <= 0):
        return math.nan, samples is None
    logk = np.log(k)
    slope, icpt = _ols_slope(logk, np.log(lam))
    if samples is None:
        return -slope, True
    plain = -slope
    for _ in range(4):
        if -slope <= 1.0:  # near alpha = 1 the tail sum diverges: no correction
            return plain, False
        bias = sample_bias(k, -slope, samples)
        if np.any(bias <= -1.0):
            return plain, False
        slope, icpt = _ols_slope(logk, np.log(lam / (1.0 + bias)))
    if -slope <= 1.0 or np.max(np.abs(sample_bias(k, -slope, samples))) > CAPACITY_LIFT_MAX:
        return plain, False
    return -slope, True


def fit_capacity(eigenvalues: np.ndarray, window: tuple[int, int], samples: int | None = None) -> float:
    """``alpha`` of :func:`capacity_fit`."""
    return capacity_fit(eigenvalues, window, samples)[0]


def fit_power_slope(powers: np.ndarray, window: tuple[int, int]) -> float:
    """``s`` of ``p_k ~ k^-s`` by the ``chi^2_1`` likelihood over the window (module docstring).

    The profile ``n log mean(p_k e^(s x_k)) - s sum x_k`` (``x = log k`` centred) is convex in
    ``s`` (a log-sum-exp), so damped Newton steps converge from any start; its derivative is
    ``n (x-weighted mean) - sum x`` and its curvature ``n`` times the weighted variance of
    ``x``, with weights ``p_k e^(s x_k)``.
    """
    k = _modes(window)
    p = np.asarray(powers[window[0] - 1: window[1]], dtype=float)
    if p.shape[0] != k.shape[0] or not np.any(p > 0):
        return math.nan
    x = np.log(k)
    x -= x.mean()  # centring keeps p k^s in range; sum x = 0
    n = float(k.shape[0])
    positive = p > 0
    logp = np.log(np.where(positive, p, 1.0))

    def objective(slope: float) -> tuple[float, float, float]:
        z = np.where(positive, logp + slope * x, -np.inf)
        top = float(np.max(z))
        w = np.exp(z - top)
        total = float(np.sum(w))
        mean = float(np.dot(w, x)) / total
        var = float(np.dot(w, (x - mean) ** 2)) / total
        return n * (top + math.log(total / n)), n * mean, n * var

    slope = 0.0
    value, grad, curv = objective(slope)
    for _ in range(100):
        if abs(grad) <= 1e-12 * n:
            break
        step = -grad / curv if curv > 0 else -math.copysign(1.0, grad)
        while True:  # damped: halve until the convex objective decreases
            trial = min(max(slope + step, -S_MAX), S_MAX)
            t_value, t_grad, t_curv = objective(trial)
            if t_value <= value or abs(step) < 1e-14:
                break
            step /= 2.0
        converged = abs(trial - slope) < 1e-11
        slope, value, grad, curv = trial, t_value, t_grad, t_curv
        if converged or abs(slope) >= S_MAX:
            break
    return float(slope)


def beta_from(alpha: float | np.ndarray, slope: float | np.ndarray) -> float | np.ndarray:
    """``beta = (s - 1) / alpha`` from ``p_k ~ k^-(alpha beta + 1)`` (theory §1)."""
    return (np.asarray(slope) - 1.0) / np.asarray(alpha)


def half_slopes(values: np.ndarray, window: tuple[int, int], kind: str,
                samples: int | None = None, alpha: float | None = None) -> tuple[float, float]:
    """The slope fitted on the lower and on the upper half (in log k) of the window, each
    corrected for finite-sample bias when ``samples`` (and, for target powers, ``alpha``) are given.

    A straight power law has equal halves; their difference measures curvature.
    """
    lo, hi = window
    mid = int(round(math.sqrt(lo * hi)))
    if kind == "capacity":
        return fit_capacity(values, (lo, mid), samples), fit_capacity(values, (mid, hi), samples)
    return power_fit(values, (lo, mid), alpha, samples)[0], power_fit(values, (mid, hi), alpha, samples)[0]
