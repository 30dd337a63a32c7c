"""From a spectrum to ``alpha``, ``beta`` with intervals, the regime and the predictions (theory §6, §3).

:func:`estimate_spectrum` fits the windows of :mod:`.window`, draws the bootstrap of
:mod:`.bootstrap` (re-centred bootstrap draws), and evaluates the theory engine
(:func:`scalingtool.theory.exponents`) on the point estimate and on every draw, so that each
predicted exponent carries the interval the data allow. The regime probabilities are the
fractions of draws in each regime.

Without samples (a bare spectrum with target powers) the capacity has no interval and the
target-power slope gets a parametric bootstrap: each ``p_k`` redrawn as ``mu_k chi^2_1``
around the fitted law, the scatter theory §6 describes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..errors import UsageError
from ..theory import exponents
from .bootstrap import RESAMPLE_FACTOR, Replicates, bootstrap, interval, recentre, reflect
from .fit import CAPACITY_LIFT_MAX, LIFT_MAX, beta_from, capacity_fit, fit_power_slope, half_slopes, power_fit
from .sources import check_psd_fast
from .spectrum import MeasuredSpectrum, decompose
from .window import P_FRACTION, NoPowerLaw, Windows, auto_windows, check_decade, curvature, parse_window

__all__ = ["Estimate", "estimate_spectrum", "QUANTITIES", "KEEP_FACTOR"]

#: predicted exponents reported per training
QUANTITIES = ("time", "width", "compute", "n_star", "t_star")
#: modes kept for resampling: this many times the window's upper end
KEEP_FACTOR = 4
_DENOMINATOR = 10**4


@dataclass
class Estimate:
    """Everything ``scalingtool estimate`` reports (JSON schema ``scalingtool/estimate/v1``)."""

    source: str
    samples: int
    alpha: tuple[float, tuple[float, float] | None]
    beta: tuple[float, tuple[float, float] | None] | None
    windows: Windows
    regime: str | None
    regime_probability: dict[str, float]
    predicted: dict[str, dict[str, tuple[float | None, tuple[float, float] | None]]]
    sentence: str
    notes: list[str]
    dynamics: str
    spectrum: MeasuredSpectrum
    slope: float | None
    draws: dict[str, np.ndarray] = field(default_factory=dict)


def _theory(alpha: float, beta: float, dynamics: str) -> Any | None:
    if not (math.isfinite(alpha) and math.isfinite(beta)) or alpha <= 1.0 or beta <= 0.0:
        return None
    a = Fraction(alpha).limit_denominator(_DENOMINATOR)
    b = Fraction(beta).limit_denominator(_DENOMINATOR)
    if a <= 1 or b <= 0:
        return None
    return exponents(a, b, dynamics)


def _value(theory: Any, training: str, name: str) -> float | None:
    v = getattr(theory.training(training), name)
    return None if v is None else float(v)


def _predict(alpha: float, beta: float, a_draws: np.ndarray | None, b_draws: np.ndarray | None,
             dynamics: str) -> tuple[Any, dict[str, dict[str, Any]], dict[str, float], int]:
    point = _theory(alpha, beta, dynamics)
    per_draw = []
    if a_draws is not None and b_draws is not None:
        per_draw = [_theory(float(a), float(b), dynamics) for a, b in zip(a_draws, b_draws)]
    valid = [t for t in per_draw if t is not None]
    predicted: dict[str, dict[str, Any]] = {}
    for training in ("lazy", "rich"):
        predicted[training] = {}
        for name in QUANTITIES:
            value = _value(point, training, name) if point is not None else None
            vals = np.array([v for v in (_value(t, training, name) for t in valid) if v is not None])
            predicted[training][name] = (value, interval(vals) if vals.size else None)
    regimes = ("hard", "easy", "super-easy") if dynamics == "sgd" else ("hard", "easy")
    probability = {r: (sum(t.regime == r for t in valid) / len(valid) if valid else math.nan) for r in regimes}
    return point, predicted, probability, len(per_draw) - len(valid)


def _sentence(point: Any, probability: dict[str, float]) -> str:
    if point is None:
        return "The estimate lies outside the model's range (alpha > 1, beta > 0): no prediction."
    p = probability.get(point.regime, math.nan)
    chance = f" (bootstrap probability {p:.0%})" if math.isfinite(p) else ""
    if point.regime == "hard":
        lt, rt = float(point.lazy.time), float(point.rich.time)
        lc, rc = float(point.lazy.compute), float(point.rich.compute)
        return (f"A hard task{chance}: feature learning should improve the time exponent from {lt:.3g} to "
                f"{rt:.3g} (x{rt / lt:.2f}) and the compute exponent from {lc:.3g} to {rc:.3g} (x{rc / lc:.2f}); "
                "the width exponent stays the same.")
    return (f"A{'n' if point.regime == 'easy' else ''} {point.regime} task{chance}: feature learning should not "
            "change the time, width or compute exponents (rich and lazy training scale alike).")


def _windows(spec: MeasuredSpectrum, window: str | tuple[int, int] | None, eps: float) -> Windows:
    if window is None or window == "auto":
        total = float(np.sum(spec.labels ** 2)) / spec.samples if spec.labels is not None else None
        return auto_windows(spec.eigenvalues, spec.powers, spec.samples, total, eps)
    w = parse_window(window, spec.size) if isinstance(window, str) else tuple(window)
    check_decade(w, "chosen")
    return Windows(w, w if spec.powers is not None else None, "chosen by the user")


def _parametric(powers: np.ndarray, window: tuple[int, int], slope: float, replicates: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Power slopes (and half slopes) of ``p_k`` redrawn as ``mu_k chi^2_1`` around the fit."""
    rng = np.random.default_rng(seed)
    k = np.arange(window[0], window[1] + 1, dtype=float)
    p = powers[window[0] - 1: window[1]]
    mu = k ** -slope * np.mean(p * k ** slope)
    out, halves = [], []
    for _ in range(replicates):
        draw = powers.copy()
        draw[window[0] - 1: window[1]] = mu * rng.chisquare(1, size=k.shape[0])
        out.append(fit_power_slope(draw, window))
        halves.append(half_slopes(draw, window, "power"))
    return np.array(out), np.array(halves)


def estimate_spectrum(spec: MeasuredSpectrum, source: str, window: str | tuple[int, int] | None = None,
                      replicates: int = 200, seed: int = 0, dynamics: str = "sgd",
                      eps: float = float(np.finfo(np.float64).eps),
                      progress: Callable[[int, int], object] | None = None,
                      threads: int | None = None) -> Estimate:
    """Fit ``alpha`` (and ``beta`` when target powers are known) with bootstrap intervals.

    ``threads``: threads for the bootstrap's replicates (default: the cores available).

    Raises :class:`~.window.NoPowerLaw` (exit 1) when no window of a decade exists or the
    residuals curve.
    """
    if dynamics not in ("sgd", "gd"):
        raise UsageError(f"dynamics: expected sgd or gd, got {dynamics!r}")
    if replicates < 0 or replicates > 100000:
        raise UsageError(f"bootstrap: expected 0 to 100000 replicates, got {replicates}")
    wins = _windows(spec, window, eps)
    samples_known = spec.phi is not None
    alpha, corrected = capacity_fit(spec.eigenvalues, wins.alpha, spec.samples)
    a_halves = half_slopes(spec.eigenvalues, wins.alpha, "capacity", spec.samples)
    known = spec.samples if samples_known else None
    slope, power_corrected = power_fit(spec.powers, wins.beta, alpha, known) if wins.beta is not None else (None, True)
    notes: list[str] = _corrections(spec, wins, alpha, corrected, slope, power_corrected, known)
    if not corrected:
        notes.append(f"alpha: the finite-sample bias of the eigenvalues exceeds {CAPACITY_LIFT_MAX:.0%} in the "
                     "window (alpha near 1, where the tail sum barely converges) and is not corrected: alpha is "
                     "underestimated by more than its spread, so no interval is given for it, beta or the predictions")
    if samples_known and not power_corrected:
        notes.append(f"beta: the finite-sample bias of the target powers exceeds {LIFT_MAX:.0%} in the window "
                     "(or alpha <= 1 or the power slope <= 1) and is not corrected")
    reps: Replicates | None = None
    a_draws = s_draws = None
    s_halves_draws = a_halves_draws = None
    if replicates > 0 and samples_known:
        reps = bootstrap(spec, wins.alpha, wins.beta, replicates, seed, progress, threads=threads)
        a_draws, a_halves_draws = recentre(alpha, reps.alpha), reps.alpha_halves
        if slope is not None:
            s_draws, s_halves_draws = recentre(slope, reps.slope), reps.slope_halves
        notes.append(f"intervals: 95% re-centred basic bootstrap over samples ({replicates} resamplings, "
                     f"eigen-decomposition recomputed in the top {reps.modes} modes; the resamplings "
                     "give the spread, not the bias)")
    elif replicates > 0 and slope is not None:
        raw, s_halves_draws = _parametric(spec.powers, wins.beta, slope, replicates, seed)
        s_draws = reflect(slope, raw)
        a_draws = np.full(replicates, alpha)
        notes.append("intervals: no samples to resample; beta's interval is a parametric bootstrap of the "
                     "p_k scatter (chi^2_1) with alpha held fixed; alpha has no interval")
    for what, value, halves, draws in (("capacity", alpha, a_halves, a_halves_draws),
                                       ("target-power", slope,
                                        half_slopes(spec.powers, wins.beta, "power", known, alpha)
                                        if slope is not None else None,
                                        s_halves_draws)):
        if value is None:
            continue
        if not math.isfinite(value):
            raise NoPowerLaw(f"the {what} fit failed on the window (non-positive values)")
        reason = curvature(value, halves, draws if samples_known or what == "target-power" else None, what)
        if reason:
            raise NoPowerLaw(reason)
    if not corrected:  # the draws spread around a biased value: an interval would exclude the truth
        a_draws = s_draws = None
    a_ci = interval(a_draws) if a_draws is not None and samples_known else None
    b_draws = beta_from(a_draws, s_draws) if s_draws is not None else None
    beta_value = beta_from(alpha, slope) if slope is not None else None
    beta = (float(beta_value), interval(b_draws) if b_draws is not None else None) if slope is not None else None
    if beta is None:
        point, predicted, probability, outside = None, {}, {}, 0
        sentence = "No target power given: alpha only (beta, the regime and the predictions need the labels)."
    else:
        point, predicted, probability, outside = _predict(alpha, beta[0], a_draws, b_draws, dynamics)
        sentence = _sentence(point, probability)
        if outside:
            notes.append(f"{outside} bootstrap draws fall outside the model's range (alpha <= 1 or beta <= 0) "
                         "and are left out of the predictions")
    notes.append(f"window rule: {wins.rule}")
    draws = {k: v for k, v in (("alpha", a_draws), ("beta", b_draws)) if v is not None}
    return Estimate(source, spec.samples, (alpha, a_ci), beta, wins,
                    point.regime if point is not None else None, probability, predicted, sentence, notes,
                    dynamics, spec, slope, draws)


def keep_modes(samples: int, window: str | tuple[int, int] | None) -> tuple[int, int]:
    """Modes kept (``KEEP_FACTOR`` times the window's upper end) and modes resampled by the
    bootstrap (``RESAMPLE_FACTOR`` times it), each at most P."""
    hi = samples // P_FRACTION
    if isinstance(window, str) and window != "auto":
        hi = max(hi, parse_window(window, samples)[1])
    elif isinstance(window, tuple):
        hi = max(hi, window[1])
    return min(samples, KEEP_FACTOR * hi), min(samples, RESAMPLE_FACTOR * hi)


#: a correction smaller than this changes no printed digit that matters, and goes unmentioned
_SILENT_SHIFT = 5e-4


def _corrections(spec: MeasuredSpectrum, wins: Any, alpha: float, corrected: bool, slope: float | None,
                 power_corrected: bool, known: int | None) -> list[str]:
    """One note per finite-sample correction that moved a fit (theory §6), with the value
    before it, so that no adjusted number is reported without saying so."""
    notes = []
    raw_alpha = capacity_fit(spec.eigenvalues, wins.alpha, None)[0]
    if corrected and spec.samples is not None and abs(alpha - raw_alpha) > _SILENT_SHIFT:
        notes.append(f"alpha: corrected for the finite-sample bias of sample eigenvalues at P = {spec.samples} "
                     f"({raw_alpha:.4g} before the correction, {alpha:.4g} after; a population spectrum needs "
                     "none: give it with --samples far above its length)")
    if slope is not None and known is not None and power_corrected:
        raw_slope = power_fit(spec.powers, wins.beta, alpha, None)[0]
        if abs(slope - raw_slope) > _SILENT_SHIFT:
            notes.append(f"target power: slope corrected for the finite-sample bias at P = {known} "
                         f"({raw_slope:.4g} before the correction, {slope:.4g} after)")
    return notes


def estimate_gram(gram: np.ndarray, labels: np.ndarray | None, source: str,
                  window: str | tuple[int, int] | None = None, replicates: int = 200, seed: int = 0,
                  dynamics: str = "sgd", eps: float = float(np.finfo(np.float64).eps),
                  progress: Callable[[int, int], object] | None = None, threads: int | None = None,
                  psd_known: bool = False) -> Estimate:
    """:func:`estimate_spectrum` of a P x P Gram matrix and its labels (``gram`` is overwritten).

    The Gram matrix must be positive semi-definite to the tolerance of
    :func:`~.sources.check_psd` (tested by :func:`~.sources.check_psd_fast`), unless
    ``psd_known``: a matrix ``X X^T`` formed here from features is positive semi-definite by
    construction.
    """
    samples = gram.shape[0]
    if not psd_known:
        check_psd_fast(gram, source)
    y = labels if labels is not None else np.zeros(samples)
    spec = decompose(gram, np.asarray(y, dtype=float), *keep_modes(samples, window))
    if labels is None:
        spec.powers = None
    return estimate_spectrum(spec, source, window, replicates, seed, dynamics, eps, progress, threads)
