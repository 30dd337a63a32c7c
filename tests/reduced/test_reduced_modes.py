"""Mode grids: exact small k plus log-spaced quadrature (theory §2 numerical warning)."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import pytest

from scalingtool.errors import UsageError
from scalingtool.reduced.modes import (gregory_end_weights, power_law_spectrum,
                                       truncated_spectrum)

TASKS = [(F(3, 2), F(3, 10)), (F(2), F(1, 2)), (F(3), F(4, 5)), (F(11, 10), F(1, 5)), (F(2), F(3))]


def _mp(q: F) -> mpmath.mpf:
    return mpmath.mpf(q.numerator) / q.denominator


@pytest.mark.parametrize("alpha,beta", TASKS)
def test_grid_reproduces_zeta(precision: str, alpha: F, beta: F) -> None:
    """``sum_k lambda_k = zeta(alpha)`` and ``sum_k lambda_k w_k^2 = zeta(alpha beta + 1)``."""
    spec = power_law_spectrum(alpha, beta, precision, k_exact=200)
    with spec.precision.context():
        trace = spec.msum(spec.lam) + spec.lam_tail
        power = spec.target_power()
        err_trace = abs(trace / mpmath.zeta(_mp(alpha)) - 1)
        err_power = abs(power / mpmath.zeta(_mp(alpha * beta + 1)) - 1)
    # tolerance 1e-10: the Euler-Maclaurin end term at k_exact = 200 leaves ~1e-11 (measured
    # 1e-11 .. 1e-14); the trapezoid in log k is exponentially accurate, its ends O(h^8)
    assert err_trace < 1e-10
    assert err_power < 1e-10


def test_grid_stands_for_1e30_modes_with_few_nodes() -> None:
    spec = power_law_spectrum(F(3, 2), F(3, 10))
    assert spec.size < 1000 and spec.info["k_max"] >= 1e30


def test_plain_truncation_misses_the_tail() -> None:
    """The baseline of theory §2's warning: truncation at M = 1e4 loses ~M^(-alpha beta)."""
    spec = truncated_spectrum(F(3, 2), F(3, 10), 10_000)
    err = abs(spec.target_power() / float(mpmath.zeta(1.45)) - 1)
    # tail sum_{k>M} k^-1.45 ~ M^-0.45/0.45 = 0.035 of zeta(1.45) = 2.9: a 1% error at least
    assert err > 0.01


def test_gregory_weights_are_the_known_ones() -> None:
    w = gregory_end_weights()
    assert len(w) == 7 and w[0] == F(5257, 17280)


@pytest.mark.parametrize("kwargs", [{"k_exact": 1}, {"k_max": 10.0}, {"nodes_per_decade": 2}])
def test_bad_grid_is_a_usage_error(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        power_law_spectrum(F(2), F(1, 2), **kwargs)
