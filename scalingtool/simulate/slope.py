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

__all__ = ["loglog_decay_fit", "decay_exponents"]


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
