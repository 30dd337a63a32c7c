"""Bootstrap over samples (theory §6): resample the P samples with replacement, recompute the
decomposition and refit.

Resampling sample i ``c_i`` times (multinomial counts) turns the kernel into
``C^(1/2) K C^(1/2)``, whose non-zero eigenvalues are those of the re-weighted second-moment
matrix ``S = Phi^T C Phi / P`` of the samples' coordinates ``Phi`` in the eigenbasis of ``K``
(``Phi Phi^T = K``); the target's powers are ``p_k = (v_k . b)^2 / lambda_k`` with
``b = Phi^T C y / P`` and ``(lambda_k, v_k)`` the eigenpairs of ``S``. Working in the top
``r`` modes costs ``O(P r^2)`` per replicate instead of ``O(P^3)``; it is exact when
``r = P``. The modes beyond ``r`` act on the fitted ones like an isotropic kernel of size
``tail / P`` (``tail``: the trace of ``K / P`` beyond ``r``), which lifts every eigenvalue by
that much (the finite-sample lift of :func:`~.fit.fit_capacity`); each replicate gets that lift
added back. The caller keeps ``r`` several times the window's upper end.

Intervals are *basic* (reverse-percentile) intervals: each replicate ``theta*_b`` is reflected
to ``2 theta_hat - theta*_b``. The bootstrap's deviation ``theta* - theta_hat`` mimics the
estimator's ``theta_hat - theta`` including its finite-sample bias (eigenvalue repulsion near
``k ~ P`` grows as ``1/P``, and resampling adds the same again), which a percentile interval
would double instead of remove. Every derived number is computed on the reflected draws, so
the intervals propagate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .fit import fit_capacity, fit_power_slope, half_slopes
from .spectrum import Spectrum

__all__ = ["Replicates", "bootstrap", "reflect", "interval"]


@dataclass
class Replicates:
    """Per replicate: capacity, target-power slope and the half-window slopes (curvature)."""

    alpha: np.ndarray
    slope: np.ndarray
    alpha_halves: np.ndarray
    slope_halves: np.ndarray


def _replicate_spectrum(phi: np.ndarray, labels: np.ndarray, counts: np.ndarray,
                        top: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and target powers (top ``top``) of the resampled data (module docstring)."""
    samples, r = phi.shape
    weighted = phi * np.sqrt(counts)[:, None]
    second = weighted.T @ weighted / samples
    b = phi.T @ (counts * labels) / samples
    top = min(top, r)
    values, vectors = np.linalg.eigh(second)
    values, vectors = values[::-1][:top], vectors[:, ::-1][:, :top]
    with np.errstate(divide="ignore", invalid="ignore"):
        powers = (vectors.T @ b) ** 2 / values
    return values, powers


def bootstrap(spec: Spectrum, alpha_window: tuple[int, int], beta_window: tuple[int, int] | None,
              replicates: int, seed: int, progress: Callable[[int, int], object] | None = None) -> Replicates:
    """Refit ``alpha`` and the power slope ``s`` on ``replicates`` resamplings of the samples."""
    if spec.phi is None or spec.labels is None:
        raise ValueError("bootstrap needs the samples' coordinates (a spectrum alone has none)")
    rng = np.random.default_rng(seed)
    top = max(alpha_window[1], beta_window[1] if beta_window else 0)
    out = {name: [] for name in ("alpha", "slope", "ah", "sh")}
    for i in range(replicates):
        counts = rng.multinomial(spec.samples, np.full(spec.samples, 1.0 / spec.samples)).astype(float)
        lam, powers = _replicate_spectrum(spec.phi, spec.labels, counts, top)
        lam = lam + spec.tail_trace / spec.samples
        out["alpha"].append(fit_capacity(lam, alpha_window, spec.samples))
        out["ah"].append(half_slopes(lam, alpha_window, "capacity", spec.samples))
        if beta_window is not None:
            out["slope"].append(fit_power_slope(powers, beta_window))
            out["sh"].append(half_slopes(powers, beta_window, "power"))
        if progress is not None:
            progress(i + 1, replicates)
    nan2 = np.full((replicates, 2), np.nan)
    return Replicates(np.array(out["alpha"]), np.array(out["slope"]) if out["slope"] else np.full(replicates, np.nan),
                      np.array(out["ah"]), np.array(out["sh"]) if out["sh"] else nan2)


def reflect(estimate: float | np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Basic-bootstrap draws ``2 theta_hat - theta*`` (module docstring)."""
    return 2.0 * np.asarray(estimate) - draws


def interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of the finite draws (NaN when none)."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return float("nan"), float("nan")
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(finite, [tail, 100.0 - tail])
    return float(lo), float(hi)
