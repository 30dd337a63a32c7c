"""Measuring exponents from curves (theory §4)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.measure import (extrapolate_inverse_log, fit_slope, local_exponent,
                                 local_slopes)

X = np.logspace(0, 8, 161)


def test_pure_power_law_is_measured_exactly() -> None:
    m = local_exponent(X, 3.0 * X**-0.7)
    assert m.converged and abs(m.value - 0.7) < 1e-12 and m.drift < 1e-12
    assert m.window == pytest.approx((1e7, 1e8))


def test_window_and_drift_of_a_corrected_power_law() -> None:
    y = X**-0.5 * (1 + 1 / np.log(X + 2))
    m = local_exponent(X, y, decades=2)
    assert m.window == pytest.approx((1e6, 1e8))
    slope_here = -np.polyfit(np.log(X[X >= 1e6]), np.log(y[X >= 1e6]), 1)[0]
    assert m.estimate == pytest.approx(slope_here)


def test_drifting_curve_is_not_converged() -> None:
    y = X**-0.5 * np.exp(-0.05 * np.log(X) ** 1.5)   # slope keeps growing
    m = local_exponent(X, y, tolerance=1e-3)
    assert not m.converged and m.value is None and "drift" in m.reason
    assert m.drift > 1e-3 and math.isfinite(m.estimate)


def test_short_curve_is_not_converged() -> None:
    x = np.logspace(0, 1.5, 20)
    m = local_exponent(x, x**-1.0)
    assert not m.converged and "decades" in m.reason


def test_local_slopes_of_a_power_law() -> None:
    x, p = local_slopes(X, X**-1.25)
    assert np.allclose(p, 1.25) and np.allclose(x, X)


def test_inverse_log_extrapolation_removes_a_log_correction() -> None:
    # p(x) = 0.6 + 0.3/log x exactly: log y = -0.6 log x - 0.3 log log x
    x = np.logspace(1, 12, 221)
    y = x**-0.6 * np.log(x) ** -0.3
    raw = local_exponent(x, y, tolerance=1.0)
    assert abs(raw.value - 0.6) > 5e-3
    assert abs(extrapolate_inverse_log(x, y) - 0.6) < 1e-4
    m = local_exponent(x, y, tolerance=1.0, extrapolate=True)
    assert abs(m.extrapolated - 0.6) < 1e-4


def test_mp_values_below_float_range() -> None:
    with mpmath.workdps(30):
        y = [mpmath.mpf(10) ** (-400) * mpmath.mpf(float(v)) ** -2 for v in X]
    m = local_exponent(X, np.array(y, dtype=object))
    assert m.converged and abs(m.value - 2) < 1e-12


def test_x_max_cuts_the_window() -> None:
    y = X**-1.0 + 1e-9   # floor from x ~ 1e9; 1e-5 of y at x = 1e4
    m = local_exponent(X, y, x_max=1e4)
    assert m.converged and abs(m.value - 1.0) < 1e-3 and m.window[1] == pytest.approx(1e4)


def test_fit_slope_with_error() -> None:
    rng = np.random.default_rng(0)
    c = np.logspace(2, 8, 30)
    y = c**-0.4 * np.exp(0.01 * rng.standard_normal(30))
    fit = fit_slope(c, y)
    assert abs(fit.slope + 0.4) < 4 * fit.stderr + 1e-12 and fit.points == 30


@pytest.mark.parametrize("x,y", [([1, 2], [1, 2]), ([1, 2, 3], [1, -1, 2]), ([3, 2, 1], [1, 2, 3]),
                                 ([1, 2, 3], [1, 2]), ([1, 2, float("nan")], [1, 2, 3])])
def test_bad_curves_are_usage_errors(x, y) -> None:
    with pytest.raises(UsageError):
        local_exponent(x, y)


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="decades"):
        local_exponent(X, X**-1.0, decades=0)
    with pytest.raises(UsageError, match="tolerance"):
        local_exponent(X, X**-1.0, tolerance=-1)
