"""``kappa`` of ``sum_i weight_i lam_i/(lam_i + kappa) + lam_tail/kappa = n`` (theory §2, §3)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.reduced.precision import get_precision
from scalingtool.spectral import solve_kappa


@pytest.mark.parametrize("precision", ["float64", "mp:40"])
def test_closed_forms(precision: str) -> None:
    arith = get_precision(precision)
    with arith.context():
        # one mode of weight 5: 5 lam/(lam + kappa) = 2  =>  kappa = 3 lam / 2
        lam = arith.array(["0.4"])
        kappa = solve_kappa(lam, arith.array([5]), arith.scalar(0), 2, arith)
        assert abs(kappa / (lam[0] * 3 / 2) - 1) < 100 * arith.eps
        # tail only beside a tiny mode (count ~0): lam_tail/kappa = n  =>  kappa = lam_tail/n
        kappa = solve_kappa(arith.array([1e-30]), arith.array([1]), arith.scalar(3), 6, arith)
        assert abs(kappa / arith.scalar("0.5") - 1) < 1e-25


def test_power_law_scaling_and_its_equation() -> None:
    """lambda_k = k^-2 with its Hurwitz tail: kappa ~ (pi/(2N))^2 for large N, and the count is N."""
    arith = get_precision("float64")
    k = np.arange(1, 200_001, dtype=float)
    lam, tail = k**-2, float(mpmath.zeta(2, 200_001))
    kappa = solve_kappa(lam, np.ones_like(lam), tail, 100, arith)
    assert np.sum(lam / (lam + kappa)) + tail / kappa == pytest.approx(100, rel=1e-12)
    # sum_k 1/(1 + kappa k^2) -> pi/(2 sqrt(kappa)) - 1/2 for small kappa: kappa = (pi/(2(N + 1/2)))^2
    assert kappa == pytest.approx((np.pi / (2 * 100.5)) ** 2, rel=1e-4)


def test_too_many_for_the_modes_is_a_usage_error() -> None:
    arith = get_precision("float64")
    with pytest.raises(UsageError, match="fewer than the 3 modes"):
        solve_kappa(np.array([1.0, 0.5, 0.25]), np.ones(3), 0.0, 3, arith)
