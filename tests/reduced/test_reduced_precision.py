"""Precision: precision parsing and the exponential-integrator kernels (theory §2 numerics)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.reduced.precision import get_precision

X_VALUES = [0, 1e-30, 1e-12, 1e-8, 0.1, 0.49, 0.51, 1, 10, 1e3]
D_VALUES = [0, 1e-20, 0.3, 0.49, 0.51, 0.9]


@pytest.mark.parametrize("text", ["float32", "mp:5", "mp:2000", "mp:x", "", "mp30"])
def test_bad_precision_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="precision"):
        get_precision(text)


def test_precision_names_round_trip() -> None:
    assert get_precision("float64").name == "float64"
    assert get_precision("mp:30").name == "mp:30"
    assert get_precision("MP:40").digits == 40


def _reference(fn, values):
    with mpmath.workdps(80):
        return [fn(mpmath.mpf(v)) for v in values]


def test_kernels_are_accurate_to_the_last_digits(precision: str) -> None:
    be = get_precision(precision)
    # tolerance: 8 rounding units; the series and the raised-precision closed forms are
    # accurate to a few units, a subtraction-based formula would fail by 1e16 at x = 1e-30
    tol = 8 * be.eps
    with be.context():
        xs = be.array(X_VALUES)
        decay, p1, p2 = be.exp_phi(xs)
        ds = be.array(D_VALUES)
        tail = be.log1p_tail(ds)
    exact_x = [float(v) if not be.is_mp else v for v in xs]
    ref_e = _reference(lambda v: mpmath.exp(-v), exact_x)
    ref_1 = _reference(lambda v: mpmath.mpf(1) if v == 0 else -mpmath.expm1(-v) / v, exact_x)
    ref_2 = _reference(lambda v: mpmath.mpf(1) / 2 if v == 0 else (v + mpmath.expm1(-v)) / v**2,
                       exact_x)
    exact_d = [float(v) if not be.is_mp else v for v in ds]
    ref_t = _reference(lambda v: mpmath.mpf(1) / 2 if v == 0 else -(v + mpmath.log1p(-v)) / v**2,
                       exact_d)
    for got, ref in [(decay, ref_e), (p1, ref_1), (p2, ref_2), (tail, ref_t)]:
        # exp(-x) below eps^2 1e-10 is dropped on purpose (float64 underflows anyway; mpmath
        # would spend time on a number that cannot matter): compare the values above that
        pairs = [(g, r) for g, r in zip(got, ref) if r > be.eps**2 * 1e-10]
        with mpmath.workdps(80):
            err = max(abs((g - r) / r) for g, r in pairs)
        assert err < tol


def test_float_and_mp_vectors_have_the_expected_types() -> None:
    f64, mp30 = get_precision("float64"), get_precision("mp:30")
    assert f64.array([1, 2]).dtype == np.float64
    with mp30.context():
        arr = mp30.array([1, 2])
    assert arr.dtype == object and isinstance(arr[0], mpmath.mpf)
