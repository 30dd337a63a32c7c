"""Deterministic equivalents: lazy width floor and finite-data curve (theory §2, §3)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.measure import local_exponent
from scalingtool.reduced import data_curve, deterministic_width_curve, truncated_spectrum
from scalingtool.reduced.data import data_error
from scalingtool.reduced.equivalent import width_loss

SEEDS = range(8)


def _log_sizes(lo: float, hi: float, per_decade: int) -> list[int]:
    n = int(round(np.log10(hi / lo) * per_decade)) + 1
    return sorted({int(round(v)) for v in np.logspace(np.log10(lo), np.log10(hi), n)})


def test_kappa_solves_its_equation(precision: str) -> None:
    spec = truncated_spectrum(2, F(1, 2), 500, precision)
    with spec.precision.context():
        kappa = spec.kappa(50)
        count = spec.msum(spec.lam / (spec.lam + kappa))
    assert abs(float(count) - 50) < 50 * 1e3 * spec.precision.eps


@pytest.mark.parametrize("alpha,beta", [(F(3, 2), F(3, 10)), (2, F(1, 2)), (F(3, 2), F(3, 2)),
                                        (F(3, 2), 3)])
def test_width_exponent_float64(alpha, beta) -> None:
    curve = deterministic_width_curve(alpha, beta, _log_sizes(1e4, 1e8, 10))
    m = local_exponent(curve.x, curve.loss)
    # alpha min(beta, 1); corrections decay like N^-alpha|1 - beta|, < 2e-5 at N = 1e8
    assert m.converged and abs(m.value - float(alpha) * min(float(beta), 1)) < 1e-4


def test_width_exponent_mp_at_large_width() -> None:
    """mpmath carries the deterministic equivalent to N = 1e12 (widths up to 1e12)."""
    curve = deterministic_width_curve(2, F(6, 5), _log_sizes(1e10, 1e12, 3), precision="mp:30")
    m = local_exponent(curve.x, curve.loss)
    # beta = 1.2 > 1: exponent alpha = 2; the beta-dependent correction N^-(alpha(beta-1))
    # = N^-0.4 is still ~1e-5 in slope at N = 1e12 (float64 reaches only ~4e-4 at 1e8)
    assert m.converged and abs(m.value - 2) < 1e-4


def test_width_floor_matches_sampled_projections() -> None:
    """L_inf(N) = 1/2 (w Lambda w - b Sigma^-1 b) vs its equivalent, N = 200, M = 2000."""
    n, m = 200, 2000
    spec = truncated_spectrum(2, F(1, 2), m)
    samples = []
    for seed in SEEDS:
        a = np.random.default_rng(seed).standard_normal((n, m))
        sigma = (a * spec.lam) @ a.T
        b = a @ (spec.lam * spec.w)
        samples.append(0.5 * (np.sum(spec.lam * spec.w**2) - b @ np.linalg.solve(sigma, b)))
    with spec.precision.context():
        theory = width_loss(spec, n)
    mean, err = np.mean(samples), np.std(samples, ddof=1) / np.sqrt(len(samples))
    # statistical: 3 standard errors of the 8-seed mean (one seed scatters ~8% because the
    # lowest modes dominate), plus the ~2% finite-N bias quoted in theory §2
    assert abs(mean - theory) < 3 * err + 0.02 * theory


def test_data_curve_matches_sampled_ridgeless_regression() -> None:
    """E(P) (no 1/2: E = (w - beta)^T Lambda (w - beta)) vs min-norm interpolation, P = 200."""
    p, m = 200, 2000
    spec = truncated_spectrum(F(3, 2), F(3, 2), m)
    samples = []
    for seed in SEEDS:
        psi = np.random.default_rng(seed).standard_normal((p, m)) * np.sqrt(spec.lam)
        beta = psi.T @ np.linalg.solve(psi @ psi.T, psi @ spec.w)
        v = spec.w - beta
        samples.append(np.sum(spec.lam * v * v))
    with spec.precision.context():
        theory = float(data_error(spec, p)[0])
    mean, err = np.mean(samples), np.std(samples, ddof=1) / np.sqrt(len(samples))
    # statistical: 3 standard errors of the 8-seed mean (a seed scatters ~15% at P = 200),
    # plus the ~4% finite-P bias quoted in theory §3
    assert abs(mean - theory) < 3 * err + 0.04 * theory


@pytest.mark.parametrize("alpha,beta", [(F(3, 2), F(3, 10)), (2, F(6, 5)), (F(3, 2), 3)])
def test_data_exponent(alpha, beta) -> None:
    curve = data_curve(alpha, beta, _log_sizes(1e4, 1e8, 10))
    m = local_exponent(curve.x, curve.loss)
    # alpha min(beta, 2); corrections decay like a power of P, < 2e-5 in slope at P = 1e8
    assert m.converged and abs(m.value - float(alpha) * min(float(beta), 2)) < 1e-4


def test_bad_width_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        deterministic_width_curve(2, F(1, 2), [10, 5])
    spec = truncated_spectrum(2, F(1, 2), 10)
    with pytest.raises(UsageError), spec.precision.context():
        spec.kappa(20)
