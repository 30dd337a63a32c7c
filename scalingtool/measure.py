"""Measuring an exponent from a curve (theory §4).

The local exponent of a decaying curve is ``p(x) = -d log y / d log x``. A measurement
reports

* ``value``: the least-squares slope of ``-log y`` against ``log x`` over the last
  ``decades`` of the curve (the *window*),
* ``drift``: the change of that slope from the neighbouring window just before it
  (``[x_end 10^(-2d), x_end 10^(-d)]``), the convergence figure,
* ``converged``: ``drift <= tolerance``; a curve that has not converged gets
  ``value = None`` and a ``reason`` (its slope is still kept in ``estimate``),

and optionally an extrapolation of the local exponent in ``1/log x``
(``p(x) ~ p_inf + c / log x``, fitted over the last ``3 decades``), for the slow
pre-asymptotic corrections of rich training (theory §4). :func:`fit_slope` fits a single
log-log slope with its standard error (for envelopes and allocations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import mpmath
import numpy as np

from .errors import UsageError

__all__ = ["Measurement", "SlopeFit", "local_slopes", "local_exponent", "fit_slope",
           "extrapolate_inverse_log", "DEFAULT_TOLERANCE"]

#: default drift tolerance (theory §4 quotes exponents to ~1e-3)
DEFAULT_TOLERANCE = 1e-3
_LN10 = math.log(10.0)


@dataclass(frozen=True)
class Measurement:
    """A measured exponent ``y ~ x^(-value)`` (theory §4)."""

    value: float | None
    window: tuple[float, float]
    drift: float
    converged: bool
    reason: str
    estimate: float
    extrapolated: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {"value": self.value, "window": list(self.window), "drift": self.drift,
                "converged": self.converged, "reason": self.reason, "estimate": self.estimate,
                "extrapolated": self.extrapolated}


@dataclass(frozen=True)
class SlopeFit:
    """Least-squares ``log y = intercept + slope log x`` with the slope's standard error."""

    slope: float
    intercept: float
    stderr: float
    points: int


def _logs(values: Sequence[Any] | np.ndarray, name: str) -> np.ndarray:
    """Natural logs as float64 (mpf entries are logged in mpmath, so no underflow)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise UsageError(f"{name}: expected a one-dimensional sequence of numbers")
    if arr.dtype == object:
        out = []
        for v in arr:
            if not v > 0:
                raise UsageError(f"{name}: every value must be positive and finite, got {v}")
            out.append(float(mpmath.log(v)))
        logs = np.array(out, dtype=float)
    else:
        arr = arr.astype(float)
        if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
            raise UsageError(f"{name}: every value must be positive and finite")
        logs = np.log(arr)
    if not np.all(np.isfinite(logs)):
        raise UsageError(f"{name}: every value must be positive and finite")
    return logs


def _prepare(x: Sequence[Any], y: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    lx, ly = _logs(x, "x"), _logs(y, "y")
    if len(lx) != len(ly):
        raise UsageError(f"x and y must have the same length, got {len(lx)} and {len(ly)}")
    if len(lx) < 3:
        raise UsageError(f"a curve needs at least 3 points, got {len(lx)}")
    if np.any(np.diff(lx) <= 0):
        raise UsageError("x must be strictly increasing")
    return lx, ly


def _ls_slope(lx: np.ndarray, ly: np.ndarray) -> tuple[float, float, float]:
    """Slope, intercept and slope standard error of a straight-line fit."""
    n = len(lx)
    xm, ym = lx.mean(), ly.mean()
    sxx = float(np.sum((lx - xm) ** 2))
    slope = float(np.sum((lx - xm) * (ly - ym)) / sxx)
    intercept = float(ym - slope * xm)
    resid = ly - intercept - slope * lx
    stderr = math.sqrt(float(np.sum(resid**2)) / (n - 2) / sxx) if n > 2 else math.inf
    return slope, intercept, stderr


def local_slopes(x: Sequence[Any], y: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """``(x, -d log y / d log x)`` on the curve's own grid (second-order differences)."""
    lx, ly = _prepare(x, y)
    return np.exp(lx), -np.gradient(ly, lx)


def fit_slope(x: Sequence[Any], y: Sequence[Any]) -> SlopeFit:
    """Least-squares slope of ``log y`` against ``log x`` (positive for growing curves)."""
    lx, ly = _logs(x, "x"), _logs(y, "y")
    if len(lx) < 2 or len(lx) != len(ly) or np.ptp(lx) == 0:
        raise UsageError("fit_slope needs at least 2 points with distinct x and equal-length x, y")
    slope, intercept, stderr = _ls_slope(lx, ly)
    return SlopeFit(slope, intercept, stderr, len(lx))


def _window(lx: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (lx >= lo - 1e-9) & (lx <= hi + 1e-9)


def extrapolate_inverse_log(x: Sequence[Any], y: Sequence[Any], decades: float = 3.0) -> float:
    """``p_inf`` from fitting the local exponent as ``p_inf + c / log x`` over the last ``decades``.

    Requires ``x > 1`` in that range (``log x > 0``); a pre-asymptotic correction that decays
    like ``1/log x`` is removed, a faster one (a power of ``x``) is left nearly untouched.
    """
    xs, p = local_slopes(x, y)
    lx = np.log(xs)
    keep = _window(lx, lx[-1] - decades * _LN10, lx[-1]) & (lx > 0)
    if np.count_nonzero(keep) < 3:
        raise UsageError(f"extrapolation needs 3 points with x > 1 in the last {decades} decades")
    u = 1.0 / lx[keep]
    design = np.vstack([np.ones_like(u), u]).T
    coeffs, *_ = np.linalg.lstsq(design, p[keep], rcond=None)
    return float(coeffs[0])


def local_exponent(x: Sequence[Any], y: Sequence[Any], decades: float = 1.0,
                   tolerance: float = DEFAULT_TOLERANCE, x_max: float | None = None,
                   extrapolate: bool = False) -> Measurement:
    """Measure ``p`` in ``y ~ x^-p`` over the last ``decades`` of the curve (theory §4).

    ``x_max`` ends the window earlier than the curve (e.g. before a width floor sets in).
    See the module docstring for ``value``, ``drift`` and ``converged``.
    """
    if not (decades > 0 and math.isfinite(decades)):
        raise UsageError(f"decades = {decades} is out of range: expected a finite number > 0")
    if not (tolerance > 0 and math.isfinite(tolerance)):
        raise UsageError(f"tolerance = {tolerance} is out of range: expected a finite number > 0")
    lx, ly = _prepare(x, y)
    if x_max is not None:
        if not x_max > 0:
            raise UsageError(f"x_max = {x_max} is out of range: expected x_max > 0")
        keep = lx <= math.log(x_max) + 1e-9
        lx, ly = lx[keep], ly[keep]
        if len(lx) < 3:
            raise UsageError(f"x_max = {x_max:g} leaves fewer than 3 points of the curve")
    end = lx[-1]
    width = decades * _LN10
    here = _window(lx, end - width, end)
    before = _window(lx, end - 2 * width, end - width)
    window = (float(math.exp(end - width)), float(math.exp(end)))
    if np.count_nonzero(here) < 3:
        raise UsageError(f"the last {decades} decades hold fewer than 3 points of the curve")
    value = -_ls_slope(lx[here], ly[here])[0]
    extrapolated = None
    if extrapolate:
        xs = np.exp(lx)
        extrapolated = extrapolate_inverse_log(xs, np.exp(ly - ly.max()), 3 * decades)
    span = (end - lx[0]) / _LN10
    if np.count_nonzero(before) < 3 or span < 2 * decades - 1e-9:
        return Measurement(None, window, math.inf, False,
                           f"curve spans {span:.3g} decades; need {2 * decades:g} to measure drift",
                           value, extrapolated)
    previous = -_ls_slope(lx[before], ly[before])[0]
    drift = abs(value - previous)
    if not math.isfinite(value):
        return Measurement(None, window, drift, False, "slope is not finite", value, extrapolated)
    if drift > tolerance:
        return Measurement(None, window, drift, False,
                           f"drift {drift:.2e} between neighbouring {decades:g}-decade windows "
                           f"exceeds tolerance {tolerance:.1e}", value, extrapolated)
    return Measurement(value, window, drift, True,
                       f"drift {drift:.2e} <= tolerance {tolerance:.1e}", value, extrapolated)
