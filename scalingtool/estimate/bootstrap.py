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
added back. ``r`` is ``RESAMPLE_FACTOR`` (2) times the window's upper end: against ``r = P``
it changes the replicates' standard deviation by at most 6% and shifts them by at most 0.007
(theory §6), a shift the re-centring below removes.

Intervals are *re-centred basic* intervals: each replicate ``theta*_b`` is reflected about
the median of the replicates and placed on the estimate, ``theta_hat - (theta*_b -
median theta*)`` (:func:`recentre`). The bootstrap supplies the *spread and shape* of the
estimator, not its bias: resampling with replacement keeps only about ``0.63 P`` distinct
samples, so the resampled spectrum has a finite-sample distortion of its own, and the
bootstrap of sample-covariance eigenvalues is known not to reproduce their bias when the
number of modes is comparable to P (El Karoui & Purdom 2018). Measured on the Gaussian model
of theory §1 (P = 600, 60 tasks per regime): the bootstrap standard deviation of alpha and
beta matches the estimator's spread within 15%, but the bootstrap's bias estimate
(``median theta* - theta_hat``, +0.017 in alpha) is larger than the estimator's own bias
(-0.004 in alpha, with the tail-lift-only correction the fit then used), so subtracting it
(the plain basic interval) shifted the intervals off the truth (coverage 67% for alpha); the
fit's own bias is removed by :func:`~.fit.fit_capacity` instead (theory §6). Because only
spreads are used, a shift of every replicate by the mode truncation above does not move the
interval either. Every derived number is computed on the re-centred draws, so
the intervals propagate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .deps import require_scipy
from .fit import fit_capacity, fit_power_slope, half_slopes
from .spectrum import Spectrum

__all__ = ["Replicates", "bootstrap", "reflect", "recentre", "interval", "RESAMPLE_FACTOR"]

#: modes resampled: this many times the window's upper end (theory §6: the replicates' spread
#: at 2 is within 6% of resampling all P modes)
RESAMPLE_FACTOR = 2


@dataclass
class Replicates:
    """Per replicate: capacity, target-power slope and the half-window slopes (curvature)."""

    alpha: np.ndarray
    slope: np.ndarray
    alpha_halves: np.ndarray
    slope_halves: np.ndarray
    modes: int = 0


def _replicate_spectrum(phi: np.ndarray, labels: np.ndarray, counts: np.ndarray,
                        top: int, with_powers: bool) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues and target powers (top ``top``) of the resampled data (module docstring).

    ``S`` is a symmetric rank-k update (``dsyrk``, half the flops of a product) over the
    samples drawn at least once (about ``0.63 P``: the others have weight zero). Eigenvalues
    alone come from ``dsyevr`` on the top ``top`` indices; with eigenvectors the full
    divide-and-conquer ``dsyevd`` is used, which measured faster than ``dsyevr``'s subset at
    r = 400 and 800 (one thread: 0.12 s against 0.24 s at r = 800).
    """
    scipy = require_scipy()
    samples, r = phi.shape
    drawn = counts > 0
    weighted = phi[drawn] * np.sqrt(counts[drawn] / samples)[:, None]
    second = scipy.linalg.blas.dsyrk(1.0, weighted, trans=1, lower=1)
    top = min(top, r)
    if not with_powers:
        values = scipy.linalg.eigh(second, lower=True, eigvals_only=True, subset_by_index=(r - top, r - 1),
                                   overwrite_a=True, check_finite=False, driver="evr")
        return values[::-1], np.full(top, np.nan)
    values, vectors = scipy.linalg.eigh(second, lower=True, overwrite_a=True, check_finite=False, driver="evd")
    values, vectors = values[::-1][:top], vectors[:, ::-1][:, :top]
    b = phi.T @ (counts * labels) / samples
    with np.errstate(divide="ignore", invalid="ignore"):
        powers = (vectors.T @ b) ** 2 / values
    return values, powers


def bootstrap(spec: Spectrum, alpha_window: tuple[int, int], beta_window: tuple[int, int] | None,
              replicates: int, seed: int, progress: Callable[[int, int], object] | None = None,
              factor: int = RESAMPLE_FACTOR) -> Replicates:
    """Refit ``alpha`` and the power slope ``s`` on ``replicates`` resamplings of the samples,
    in the top ``factor`` x (the windows' upper end) of the modes kept."""
    if spec.phi is None or spec.labels is None:
        raise ValueError("bootstrap needs the samples' coordinates (a spectrum alone has none)")
    rng = np.random.default_rng(seed)
    top = max(alpha_window[1], beta_window[1] if beta_window else 0)
    kept = spec.phi.shape[1]
    r = min(kept, factor * top)
    phi = np.ascontiguousarray(spec.phi[:, :r])
    lift = (spec.tail_trace + float(np.sum(spec.eigenvalues[r:kept]))) / spec.samples
    out = {name: [] for name in ("alpha", "slope", "ah", "sh")}
    for i in range(replicates):
        counts = rng.multinomial(spec.samples, np.full(spec.samples, 1.0 / spec.samples)).astype(float)
        lam, powers = _replicate_spectrum(phi, spec.labels, counts, top, beta_window is not None)
        lam = lam + lift
        out["alpha"].append(fit_capacity(lam, alpha_window, spec.samples))
        out["ah"].append(half_slopes(lam, alpha_window, "capacity", spec.samples))
        if beta_window is not None:
            out["slope"].append(fit_power_slope(powers, beta_window))
            out["sh"].append(half_slopes(powers, beta_window, "power"))
        if progress is not None:
            progress(i + 1, replicates)
    nan2 = np.full((replicates, 2), np.nan)
    return Replicates(np.array(out["alpha"]), np.array(out["slope"]) if out["slope"] else np.full(replicates, np.nan),
                      np.array(out["ah"]), np.array(out["sh"]) if out["sh"] else nan2, r)


def reflect(estimate: float | np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Basic-bootstrap draws ``2 theta_hat - theta*`` (module docstring)."""
    return 2.0 * np.asarray(estimate) - draws


def recentre(estimate: float | np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Draws ``theta_hat - (theta* - median theta*)``: the replicates' spread, reflected, on the
    estimate (module docstring); NaN replicates stay NaN."""
    finite = draws[np.isfinite(draws)]
    centre = float(np.median(finite)) if finite.size else float("nan")
    return np.asarray(estimate) - (draws - centre)


def interval(draws: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of the finite draws (NaN when none)."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return float("nan"), float("nan")
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(finite, [tail, 100.0 - tail])
    return float(lo), float(hi)
