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

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .deps import require_threadpoolctl
from .fit import fit_capacity, half_slopes, power_fit
from .lapack import eigh_along
from .spectrum import MeasuredSpectrum

__all__ = ["Replicates", "bootstrap", "default_threads", "reflect", "recentre", "interval", "RESAMPLE_FACTOR"]

#: modes resampled: this many times the window's upper end (theory §6: the replicates' spread
#: at 2 is within 6% of resampling all P modes)
RESAMPLE_FACTOR = 2
#: most threads used for the replicates (each holds a resampled copy of the kept coordinates)
MAX_THREADS = 8
#: resamplings drawn ahead per worker
CHUNK_PER_THREAD = 4


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

    ``S`` is formed over the samples drawn at least once (about ``0.63 P``: the others have
    weight zero) as ``W^T W``, which NumPy computes as a symmetric rank-k update (``syrk``);
    :func:`~.lapack.eigh_along` gives its eigenvalues and the weights ``(v_k . b)^2`` without
    back-transforming eigenvectors. Both release the GIL, so replicates run side by side in
    threads (:func:`bootstrap`). ``eigh_along`` is faster than ``numpy.linalg.eigh`` with all
    vectors, and without powers (a capacity-only bootstrap) ``eigvalsh`` suffices (measured:
    docs results page 'Implementation measurements').
    """
    samples = phi.shape[0]
    drawn = counts > 0
    weighted = phi[drawn] * np.sqrt(counts[drawn] / samples)[:, None]
    second = weighted.T @ weighted
    del weighted
    top = min(top, phi.shape[1])
    if not with_powers:
        return np.linalg.eigvalsh(second)[::-1][:top], np.full(top, np.nan)
    if labels.ndim == 1:
        b = phi.T @ (counts * labels) / samples
        values, weights = eigh_along(second, b)
    else:  # C target columns: their weights summed, from the eigenvectors (one reflection fixes one axis)
        b = phi.T @ (counts[:, None] * labels) / samples
        values, vectors = np.linalg.eigh(second)
        weights = np.sum((vectors.T @ b) ** 2, axis=1)
    values, weights = values[::-1][:top], weights[::-1][:top]
    with np.errstate(divide="ignore", invalid="ignore"):
        powers = weights / values
    return values, powers


def default_threads() -> int:
    """Threads for the replicates: the cores this process may use, or ``OMP_NUM_THREADS`` when
    that is set lower (as Dask's workers set it), at most ``MAX_THREADS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    omp = os.environ.get("OMP_NUM_THREADS", "").strip()
    if omp.isdigit() and int(omp) > 0:
        cores = min(cores, int(omp))
    return max(1, min(cores, MAX_THREADS))


def _one_replicate(phi: np.ndarray, spec: MeasuredSpectrum, counts: np.ndarray, top: int, lift: float,
                   alpha_window: tuple[int, int], beta_window: tuple[int, int] | None) -> tuple:
    lam, powers = _replicate_spectrum(phi, spec.labels, counts, top, beta_window is not None)
    lam = lam + lift
    alpha = fit_capacity(lam, alpha_window, spec.samples)
    halves = half_slopes(lam, alpha_window, "capacity", spec.samples)
    if beta_window is None:
        return alpha, math.nan, halves, (math.nan, math.nan)
    slope = power_fit(powers, beta_window, alpha, spec.samples)[0]
    return alpha, slope, halves, half_slopes(powers, beta_window, "power", spec.samples, alpha)


def bootstrap(spec: MeasuredSpectrum, alpha_window: tuple[int, int], beta_window: tuple[int, int] | None,
              replicates: int, seed: int, progress: Callable[[int, int], object] | None = None,
              factor: int = RESAMPLE_FACTOR, threads: int | None = None) -> Replicates:
    """Refit ``alpha`` and the power slope ``s`` on ``replicates`` resamplings of the samples,
    in the top ``factor`` x (the windows' upper end) of the modes kept.

    The resamplings are drawn in order from ``seed``; ``threads`` threads (default: the cores
    available, :func:`default_threads`) decompose them side by side, each with a
    single-threaded BLAS, so the replicates are the same whatever the number of threads.
    """
    if spec.phi is None or spec.labels is None:
        raise ValueError("bootstrap needs the samples' coordinates (a spectrum alone has none)")
    limits = require_threadpoolctl()
    rng = np.random.default_rng(seed)
    top = max(alpha_window[1], beta_window[1] if beta_window else 0)
    kept = spec.phi.shape[1]
    r = min(kept, factor * top)
    phi = np.ascontiguousarray(spec.phi[:, :r])
    lift = (spec.tail_trace + float(np.sum(spec.eigenvalues[r:]))) / spec.samples
    workers = default_threads() if threads is None else max(1, int(threads))
    uniform = np.full(spec.samples, 1.0 / spec.samples)
    rows: list[tuple] = []

    def one(counts: np.ndarray) -> tuple:
        return _one_replicate(phi, spec, counts, top, lift, alpha_window, beta_window)

    with limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        while len(rows) < replicates:  # a few per worker at a time: the counts stay small
            chunk = min(CHUNK_PER_THREAD * workers, replicates - len(rows))
            draws = [rng.multinomial(spec.samples, uniform).astype(float) for _ in range(chunk)]
            for row in pool.map(one, draws):
                rows.append(row)
                if progress is not None:
                    progress(len(rows), replicates)
    if not rows:
        empty = np.full(0, np.nan)
        return Replicates(empty, empty, np.full((0, 2), np.nan), np.full((0, 2), np.nan), r)
    alpha, slope, ah, sh = (np.array(col, dtype=float) for col in zip(*rows))
    return Replicates(alpha, slope, ah, sh, r)


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
