"""Power-law modes and the Hurwitz tail sums (theory §1)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from scalingtool.spectral import hurwitz_tail, power_law_modes, power_law_tails


def test_hurwitz_tail_matches_the_direct_sum() -> None:
    k = np.arange(101, 2_000_001, dtype=float)
    direct = np.sum(k**-2.5) + 2_000_000**-1.5 / 1.5  # + integral remainder (error ~1e-12)
    assert hurwitz_tail(2.5, 100) == pytest.approx(direct, rel=1e-9)
    assert hurwitz_tail(F(5, 2), 100) == pytest.approx(direct, rel=1e-9)
    assert hurwitz_tail(2, 0) == pytest.approx(np.pi**2 / 6, rel=1e-14)  # zeta(2)


def test_modes_and_tails_of_the_power_law() -> None:
    lam, w = power_law_modes(F(3, 2), F(1, 3), 50)
    k = np.arange(1, 51)
    np.testing.assert_allclose(lam, k**-1.5, rtol=1e-15)
    np.testing.assert_allclose(lam * w * w, k**-1.5, rtol=1e-14)  # k^-(alpha beta + 1), alpha beta = 1/2
    trace, power = power_law_tails(F(3, 2), F(1, 3), 50)
    assert trace == pytest.approx(hurwitz_tail(1.5, 50)) and power == pytest.approx(hurwitz_tail(1.5, 50))
