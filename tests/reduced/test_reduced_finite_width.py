"""Finite width: the N-space reduction of theory §2 against the actual network."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from scalingtool.errors import UsageError
from scalingtool.reduced import finite_width_spectrum, solve_finite_width
from scalingtool.reduced.modesolver import integrate_modes, log_grid
from scalingtool.spectral import projection_matrix

N, M, SEED = 4, 10, 3
ALPHA, BETA = F(3, 2), F(1, 2)
GAMMA0, ETA = 1.5, 0.8


def _power_law(modes: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(1, modes + 1, dtype=float)
    return k ** -1.5, k ** ((1.5 - 0.75 - 1) / 2)


def _network(times: list) -> tuple[np.ndarray, np.ndarray, float]:
    """The network of theory §1 (a(0) = 0, B(0) = I, rates eta N and eta gamma0^2), DOP853.

    Returns the loss, s = gamma0^2 |a|^2/N, and the worst violation of the balance
    B B^T - gamma0^2 a a^T/N = I.
    """
    a_mat = projection_matrix(N, M, SEED)  # the A that finite_width_spectrum draws for SEED
    lam, w = _power_law(M)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        a, b = y[:N], y[N:].reshape(N, N)
        beta = a_mat.T @ b.T @ a / N
        ag = a_mat @ (lam * (w - beta))           # A g
        da = ETA * N * (b @ ag) / N               # rate eta N times -dL/da = B A g / N
        db = ETA * GAMMA0**2 * np.outer(a, ag) / N
        return np.concatenate([da, db.ravel()])

    y0 = np.concatenate([np.zeros(N), np.eye(N).ravel()])
    sol = solve_ivp(rhs, (0, times[-1]), y0, t_eval=times, rtol=1e-12, atol=1e-14,
                    method="DOP853")
    loss, s, balance = [], [], 0.0
    for j in range(len(times)):
        a, b = sol.y[:N, j], sol.y[N:, j].reshape(N, N)
        v = w - a_mat.T @ b.T @ a / N
        loss.append(0.5 * np.sum(lam * v * v))
        s.append(GAMMA0**2 * a @ a / N)
        balance = max(balance, np.max(np.abs(b @ b.T - GAMMA0**2 * np.outer(a, a) / N - np.eye(N))))
    return np.array(loss), np.array(s), balance


def test_reduction_is_exact_against_the_network() -> None:
    spec = finite_width_spectrum(ALPHA, BETA, N, SEED, modes=M, tail="drop")
    times = log_grid(spec.precision, 1e-2, 1e3, 10)
    loss_net, s_net, balance = _network(times)
    # the balance B B^T - gamma0^2 a a^T / N = I is conserved to the ODE tolerance
    assert balance < 1e-10
    runs = {sub: integrate_modes(spec, GAMMA0, ETA, times, substeps=sub) for sub in (32, 64)}
    coarse, fine = (np.array(runs[k].loss) for k in (32, 64))
    richardson = (4 * fine - coarse) / 3
    # second-order scheme: Richardson extrapolation of two step sizes removes the h^2 term;
    # what remains (and the network's rtol 1e-12) is far below 1e-8
    assert np.max(np.abs(richardson / loss_net - 1)) < 1e-8
    s_coarse, s_fine = (np.array(runs[k].s) for k in (32, 64))
    s_rich = (4 * s_fine - s_coarse) / 3
    assert np.max(np.abs(s_rich - s_net) / (1 + s_net)) < 1e-8
    # and the plain fine run is second-order close
    assert np.max(np.abs(fine / loss_net - 1)) < 1e-6


def test_balance_invariant_in_the_reduced_variables() -> None:
    """s (1 + s) = gamma0^2 N |u|^2 = gamma0^2 |y|^2, y = w' - v, v = e sqrt(1 + s)."""
    spec = finite_width_spectrum(2, F(1, 2), 16, seed=1)
    sol = integrate_modes(spec, 2.0, 1.0, log_grid(spec.precision, 1e-2, 1e5, 10), substeps=2)
    s = sol.s[-1]
    y = spec.w - sol.final_e * np.sqrt(1 + s)
    assert abs(s * (1 + s) / (4.0 * np.sum(y * y)) - 1) < 1e-10


def test_step_halving_converges_at_finite_width() -> None:
    curve = solve_finite_width(2, F(1, 2), 1, width=32, t_max=1e6, estimate_error=True)
    # 80 steps per decade on the finer run: Richardson estimate ~1e-6
    assert curve.meta["step_error"] < 1e-4


def test_lazy_floor_is_r_over_2() -> None:
    """Lazy gradient flow at width N ends at L_inf = r/2 (theory §2)."""
    spec = finite_width_spectrum(2, F(1, 2), 32, seed=2)
    curve = solve_finite_width(2, F(1, 2), 0, width=32, seed=2, t_max=1e12)
    # every mode is learned by t = 1e12 (smallest rate sigma/N ~ 1e-4): exact floor
    assert abs(curve.loss[-1] / (spec.r / 2) - 1) < 1e-10


def test_rich_and_lazy_share_the_width_floor() -> None:
    """Width exponent is the same lazy and rich (theory §3): both end at r/2."""
    lazy = solve_finite_width(2, F(1, 2), 0, width=32, seed=2, t_max=1e12)
    rich = solve_finite_width(2, F(1, 2), 1, width=32, seed=2, t_max=1e12)
    assert abs(rich.loss[-1] / lazy.loss[-1] - 1) < 1e-8


def test_isotropic_tail_adds_about_the_tail_power() -> None:
    drop = finite_width_spectrum(2, F(1, 2), 32, seed=4, tail="drop")
    iso = finite_width_spectrum(2, F(1, 2), 32, seed=4, tail="isotropic")
    tail_power = float(mpmath.zeta(2, 1025))  # sum_{k > M} lambda_k w_k^2, M = 1024
    # the unlearnable tail power is added to r; the isotropic kernel term slightly blurs
    # the span (an extra ~tail trace * |u*|^2), so r grows by 1 to 3 tail powers
    assert tail_power < iso.r - drop.r < 3 * tail_power


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"width": 8, "modes": 4},
                                    {"width": 8, "tail": "gaussian"}])
def test_bad_inputs_are_usage_errors(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        finite_width_spectrum(2, F(1, 2), **kwargs)
