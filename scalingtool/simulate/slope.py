"""Least-squares log-log slope of a loss curve over a fit window (theory §4, minimal form).

The simulators' windowed use of :func:`scalingtool.measure.fit_slope`: the time exponent of a
curve ``L(t) ~ t^-p`` is ``p = -slope`` of the straight-line fit of ``log L`` against
``log t`` over the window ``[lo, hi]``, with the slope's standard error from the residuals.
Points that are not positive and finite are left out; fewer than 3 points give NaN.
"""

from __future__ import annotations

import math

import numpy as np

from ..measure import fit_slope

__all__ = ["loglog_decay_fit", "decay_exponents", "late_exponents", "running_exponent", "paired_difference",
           "crossing_time", "slope_at_loss"]


def loglog_decay_fit(x: np.ndarray, y: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """``(p, stderr)`` of ``y ~ x^-p`` fitted over ``lo <= x <= hi`` (NaN when under 3 usable points).

    The fit itself is :func:`scalingtool.measure.fit_slope`; this adds the window and the
    NaN convention the ensemble tables use.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = (x >= lo) & (x <= hi) & (x > 0) & np.isfinite(y) & (y > 0)
    if np.count_nonzero(keep) < 3 or np.ptp(x[keep]) == 0:
        return math.nan, math.nan
    fit = fit_slope(x[keep], y[keep])
    return -fit.slope, fit.stderr


def decay_exponents(x: np.ndarray, curves: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`loglog_decay_fit` of every row of ``curves`` (one row per seed)."""
    fits = [loglog_decay_fit(x, row, lo, hi) for row in np.atleast_2d(curves)]
    return np.array([f[0] for f in fits]), np.array([f[1] for f in fits])


def late_exponents(time: np.ndarray, loss: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-seed exponents over the last decade ``[end/10, end]`` and over ``[end/10^1.5, end/10^0.5]``
    (theory §4: a converged slope does not change between neighbouring windows)."""
    late = decay_exponents(time, loss, end / 10.0, end)[0]
    early = decay_exponents(time, loss, end / 10**1.5, end / 10**0.5)[0]
    return late, early


def running_exponent(x: np.ndarray, y: np.ndarray, per_decade: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The local exponent of one curve over the sliding one-decade window ``[t/10^0.5, t 10^0.5]``,
    at ``per_decade`` log-spaced centres ``t`` whose windows lie inside the curve's positive
    range: ``(centres, exponents)`` (theory §4: a power law's running exponent is flat; a
    transient rises and falls)."""
    x = np.asarray(x, dtype=float)
    positive = x[x > 0]
    if positive.size < 3 or positive.max() < 10 * positive.min():
        return np.empty(0), np.empty(0)
    lo, hi = math.log10(positive.min()) + 0.5, math.log10(positive.max()) - 0.5
    centres = np.logspace(lo, hi, max(2, int(round((hi - lo) * per_decade)) + 1))
    exponents = np.array([loglog_decay_fit(x, y, c / 10**0.5, c * 10**0.5)[0] for c in centres])
    return centres, exponents


def paired_difference(first: np.ndarray, second: np.ndarray) -> tuple[float, float | None]:
    """Mean of the per-seed differences ``first - second`` (the same seeds: the same initial
    network and target) and its standard error (None under two seeds)."""
    diff = np.asarray(first, dtype=float) - np.asarray(second, dtype=float)
    se = float(np.std(diff, ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else None
    return float(diff.mean()), se


def crossing_time(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """The first ``x`` at which the curve ``y`` comes down to ``level``, interpolated linearly in
    ``log x, log y`` between the two samples around it (NaN when it never does)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    below = np.flatnonzero(y <= level)
    if below.size == 0 or not level > 0:
        return math.nan
    i = int(below[0])
    if i == 0 or not (x[i - 1] > 0 and y[i - 1] > level and y[i] > 0):
        return float(x[i])
    u = (math.log(y[i - 1]) - math.log(level)) / (math.log(y[i - 1]) - math.log(y[i]))
    return float(math.exp(math.log(x[i - 1]) + u * (math.log(x[i]) - math.log(x[i - 1]))))


def slope_at_loss(x: np.ndarray, y: np.ndarray, level: float) -> tuple[float, float]:
    """``(x_c, p)``: where the curve first reaches ``level`` and its local exponent there, the
    :func:`loglog_decay_fit` over ``[x_c / 2, 2 x_c]`` (cut at the curve's end). Two curves
    that follow one law with a head start have equal ``p`` at equal loss (theory §4); a
    steeper law shows as a larger ``p``."""
    xc = crossing_time(x, y, level)
    if math.isnan(xc):
        return math.nan, math.nan
    return xc, loglog_decay_fit(x, y, xc / 2.0, min(2.0 * xc, float(np.max(x))))[0]
