"""Lazy online SGD: exact second-moment recursions (theory §2) and the noise exponent (§3)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from scalingtool.errors import NumericalError
from scalingtool.measure import local_exponent
from scalingtool.reduced import finite_width_spectrum, power_law_spectrum, solve_sgd
from scalingtool.reduced.sgd import (largest_stable_step, sgd_plain, sgd_recursion,
                                     stability_sum, _step_grid)
from scalingtool.spectral import projection_matrix


def test_largest_stable_step_sits_on_the_boundary() -> None:
    spec = power_law_spectrum(2, 3)
    eta = largest_stable_step(spec, 2)
    assert stability_sum(spec, eta * (1 - 1e-9), 2) < 1 <= stability_sum(spec, eta * (1 + 1e-9), 2)
    # small-eta estimate of theory §2: eta ~ 2 B / tr(Lambda), tr = zeta(2) = 1.645
    assert 0.3 < eta / (2 * 2 / 1.645) < 1.5


def test_unstable_step_names_the_largest_stable_one() -> None:
    eta = largest_stable_step(power_law_spectrum(2, 3), 1)
    with pytest.raises(NumericalError, match=f"largest stable step is {eta:.6g}"):
        solve_sgd(2, 3, eta * 1.05, batch=1, steps=100)


def test_just_stable_step_does_not_diverge() -> None:
    spec = power_law_spectrum(2, 3)
    eta = 0.99 * largest_stable_step(spec, 1)
    curve = solve_sgd(2, 3, eta, batch=1, steps=10**6)
    assert np.all(np.isfinite(curve.loss)) and curve.loss[-1] < curve.loss[0]


@pytest.mark.parametrize("alpha,beta,eta,batch", [(2, 3, 0.5, 2), (F(3, 2), F(3, 10), 0.3, 1),
                                                  (2, F(1, 2), 1.0, 4)])
def test_block_steps_match_the_plain_recursion(alpha, beta, eta, batch) -> None:
    spec = power_law_spectrum(alpha, beta)
    ref = sgd_plain(spec, eta, batch, 30_000)
    outputs = _step_grid(30_000, 20)
    errors = []
    for sub in (1, 2):
        with spec.precision.context():
            got = sgd_recursion(spec, eta, batch, outputs, substeps=sub)
        errors.append(max(abs(g / ref[n] - 1) for g, n in zip(got, outputs)))
    # the one approximation (F linear inside a block) costs ~1e-4 at 20 blocks per decade
    # and shrinks ~3x per halving of the blocks
    assert errors[0] < 2e-3 and errors[1] < errors[0] / 2


def _assert_matches_recursion(losses: list, spec, eta: float, batch: int, steps: int) -> None:
    """Monte Carlo mean loss (runs along axis 1) against the exact recursion, step by step.

    Statistical: up to 60 correlated steps, each within 4.5 standard errors (a false alarm
    is below 1e-3 even if all of them were independent).
    """
    losses = np.array(losses)
    mean, err = losses.mean(axis=1), losses.std(axis=1) / np.sqrt(losses.shape[1])
    theory = np.array(sgd_plain(spec, eta, batch, steps)[1:], dtype=float)
    assert np.max(np.abs(mean - theory) / err) < 4.5


def test_finite_width_recursion_matches_monte_carlo() -> None:
    """theory §2: M = 30, N = 10, Bsz = 2; 4000 vectorised SGD runs of the lazy network."""
    n, m, batch, seed, steps, runs = 10, 30, 2, 1, 60, 4000
    spec = finite_width_spectrum(F(3, 2), F(1, 2), n, seed, modes=m, tail="drop")
    eta = 0.5 * largest_stable_step(spec, batch)
    a_mat = projection_matrix(n, m, seed)  # the A that finite_width_spectrum draws for seed
    k = np.arange(1, m + 1, dtype=float)
    lam, w = k ** -1.5, k ** ((1.5 - 0.75 - 1) / 2)
    rng = np.random.default_rng(123)
    a = np.zeros((runs, n))
    losses = []
    for _ in range(steps):
        psi = rng.standard_normal((runs, batch, m)) * np.sqrt(lam)
        beta = a @ a_mat / n
        resid = psi @ w - np.einsum("rbm,rm->rb", psi, beta)
        # readout rate eta N times the gradient (y - f) A psi / N of the lazy model
        a = a + eta / batch * np.einsum("rb,rbn->rn", resid, psi @ a_mat.T)
        v = w - a @ a_mat / n
        losses.append(0.5 * np.sum(lam * v * v, axis=1))
    _assert_matches_recursion(losses, spec, eta, batch, steps)


def test_infinite_width_recursion_matches_monte_carlo() -> None:
    """P = I (no projection): plain online SGD on beta in M = 20 modes, Bsz = 1."""
    m, batch, steps, runs = 20, 1, 40, 4000
    from scalingtool.reduced import truncated_spectrum

    spec = truncated_spectrum(2, F(1, 2), m)
    eta = 0.5 * largest_stable_step(spec, batch)
    lam, w = spec.lam, spec.w
    rng = np.random.default_rng(7)
    beta = np.zeros((runs, m))
    losses = []
    for _ in range(steps):
        psi = rng.standard_normal((runs, m)) * np.sqrt(lam)
        resid = psi @ w - np.sum(psi * beta, axis=1)
        beta = beta + eta * resid[:, None] * psi
        v = w - beta
        losses.append(0.5 * np.sum(lam * v * v, axis=1))
    _assert_matches_recursion(losses, spec, eta, batch, steps)


def test_super_easy_noise_exponent() -> None:
    """theory §3: with SGD noise the observed exponent is min(beta, 2 - 1/alpha)."""
    curve = solve_sgd(2, 3, 0.5, batch=2, steps=10**10)
    m = local_exponent(curve.x, curve.loss)
    # super-easy (beta = 3 > 1.5): noise term t^-(2 - 1/alpha) = t^-1.5; signal t^-3 is
    # 1e-15 below by t = 1e10, so the slope is 1.5 to ~1e-6
    assert m.converged and abs(m.value - 1.5) < 1e-4


def test_hard_sgd_keeps_beta() -> None:
    curve = solve_sgd(F(3, 2), F(3, 10), 0.3, batch=1, steps=10**10)
    m = local_exponent(curve.x, curve.loss)
    # hard: beta = 0.3 < 2 - 1/alpha; the noise adds a t^-(4/3) correction relative t^-1,
    # measured 1e-4 off at t = 3e9
    assert m.converged and abs(m.value - 0.3) < 1e-3


def test_finite_width_sgd_settles_above_r_over_2() -> None:
    """theory §2: constant-step SGD settles at (r/2)/(1 - S(eta)) above gradient flow's r/2."""
    spec = finite_width_spectrum(2, F(1, 2), 16, seed=3)
    eta = 0.5 * largest_stable_step(spec, 2)
    curve = solve_sgd(2, F(1, 2), eta, batch=2, steps=10**9, width=16, seed=3)
    plateau = float(spec.r) / 2 / (1 - stability_sum(spec, eta, 2))
    assert abs(curve.loss[-1] / plateau - 1) < 1e-8
