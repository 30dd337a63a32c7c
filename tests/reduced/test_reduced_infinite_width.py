"""Infinite-width gradient flow (theory §2) and its exponents (theory §3-§4)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from scalingtool.errors import UsageError
from scalingtool.measure import local_exponent, local_slopes
from scalingtool.reduced import lazy_closed_form, solve_infinite_width, truncated_spectrum
from scalingtool.reduced.modesolver import integrate_modes, log_grid


def rich_hard(alpha: float, beta: float) -> float:
    """theory §3: chi = 2 beta/(1 + beta) for rich training of a hard task."""
    return 2 * beta / (1 + beta)


# --- exactness ---------------------------------------------------------------------------

def test_lazy_equals_closed_form_float64() -> None:
    curve = solve_infinite_width(F(3, 2), F(3, 10), 0, t_max=1e12)
    ref = lazy_closed_form(F(3, 2), F(3, 10), curve.x)
    # the lazy exponential step is exact: only rounding (a few units of 1e-16) remains
    assert np.max(np.abs(curve.loss / ref - 1)) < 1e-13


def test_lazy_equals_closed_form_mp() -> None:
    grid = {"k_exact": 20, "k_max": 1e16}
    curve = solve_infinite_width(2, F(1, 2), 0, t_max=1e6, precision="mp:30", **grid)
    ref = lazy_closed_form(2, F(1, 2), curve.exact["t"], precision="mp:30", **grid)
    # exact scheme at 30 digits; the comparison goes through float64 copies (1e-16)
    assert np.max(np.abs(curve.loss / ref - 1)) < 1e-14


def _beta_form(lam: np.ndarray, w: np.ndarray, gamma0: float, eta: float, times: list) -> tuple:
    """The ODE exactly as theory §2 writes it, in v = w - beta, by DOP853 at rtol 1e-13."""
    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        v, s = y[:-1], y[-1]
        c = np.sum(lam * (w - v) * v)
        dv = -(eta * (1 + s) * lam * v + eta * gamma0**2 / (1 + s) * c * (w - v))
        return np.concatenate([dv, [2 * eta * gamma0**2 * c]])
    sol = solve_ivp(rhs, (0, times[-1]), np.concatenate([w, [0.0]]), t_eval=times,
                    rtol=1e-13, atol=1e-20, method="DOP853")
    return 0.5 * np.sum(lam[:, None] * sol.y[:-1] ** 2, axis=0), sol.y[-1]


def test_change_of_variables_matches_spec_ode_at_second_order() -> None:
    """The z/tau form with exact exponential steps solves theory §2's beta-form ODE."""
    spec = truncated_spectrum(F(3, 2), F(3, 10), 40)
    gamma0, eta = 1.3, 0.7
    times = log_grid(spec.precision, 1e-2, 1e2, 10)
    loss_ref, s_ref = _beta_form(spec.lam, spec.w, gamma0, eta, times)
    errors = []
    for sub in (8, 32):
        sol = integrate_modes(spec, gamma0, eta, times, substeps=sub)
        errors.append(max(np.max(np.abs(np.array(sol.loss) / loss_ref - 1)),
                          np.max(np.abs(np.array(sol.s) - s_ref) / (1 + s_ref))))
    # second order: 4x smaller steps give ~16x smaller errors (allow 10x for the
    # pre-asymptotic part); the fine run is within 1e-5
    assert errors[1] < errors[0] / 10
    assert errors[1] < 1e-5


def test_invariant_holds_at_the_end() -> None:
    """s (1 + s) = gamma0^2 |beta|^2 with beta = w - v and v = e sqrt(1 + s)."""
    spec = truncated_spectrum(2, F(1, 2), 200)
    gamma0 = 2.0
    sol = integrate_modes(spec, gamma0, 1.0, log_grid(spec.precision, 1e-2, 1e4, 10), substeps=2)
    s = sol.s[-1]
    beta = spec.w - sol.final_e * np.sqrt(1 + s)
    # s is computed from the invariant each step: only rounding separates the two sides
    assert abs(s * (1 + s) / (gamma0**2 * np.sum(beta**2)) - 1) < 1e-10


def test_step_halving_converges() -> None:
    curve = solve_infinite_width(2, F(1, 2), 1, t_max=1e8, estimate_error=True)
    # 40 steps per decade: the Richardson estimate of the finer run's error is ~1e-5
    assert curve.meta["step_error"] < 1e-4
    assert curve.meta["steps_per_decade"] == 80


def test_float64_and_mp_run_the_same_scheme() -> None:
    grid = {"k_exact": 20, "k_max": 1e12, "points_per_decade": 5, "substeps": 1}
    f64 = solve_infinite_width(2, F(1, 2), 1, t_max=1e3, **grid)
    mp30 = solve_infinite_width(2, F(1, 2), 1, t_max=1e3, precision="mp:30", **grid)
    # same discretisation, so only float64 rounding (amplified by ~1e3 through the Newton
    # solves and the mode sums) separates them
    assert np.max(np.abs(f64.loss / mp30.loss - 1)) < 1e-11
    assert np.max(np.abs(f64.columns["s"] - mp30.columns["s"]) / (1 + mp30.columns["s"])) < 1e-11


def test_grid_top_is_raised_when_learned() -> None:
    curve = solve_infinite_width(F(3, 2), F(3, 10), 1, t_max=1e4, k_exact=20, k_max=3000)
    # an explicit k_max is respected and the learned fraction of its top mode reported
    assert curve.meta["grid"]["k_max"] == 3000 and curve.meta["top_mode_learned"] > 1e-3
    auto = solve_infinite_width(F(3, 2), F(3, 10), 1, t_max=1e4)
    assert auto.meta["top_mode_learned"] <= 1e-3


# --- exponents (theory §3, §4) --------------------------------------------------------------

@pytest.mark.parametrize("alpha,beta", [(F(3, 2), F(3, 10)), (2, F(6, 5)), (2, 3)])
def test_lazy_time_exponent_is_beta(alpha, beta) -> None:
    curve = solve_infinite_width(alpha, beta, 0, t_max=1e12)
    m = local_exponent(curve.x, curve.loss, decades=1)
    # lazy: L = sum of exponentials; its last-decade slope equals beta to 1e-6 at t = 1e12
    assert m.converged and abs(m.value - float(beta)) < 1e-6


def test_rich_hard_exponent_1p5_0p3_to_1e3_over_ten_decades() -> None:
    curve = solve_infinite_width(F(3, 2), F(3, 10), 1, t_max=1e10)
    m = local_exponent(curve.x, curve.loss)
    # theory §2: measured to 1e-3 over 10 decades (our value is within ~2e-6)
    assert m.converged and abs(m.value - rich_hard(1.5, 0.3)) < 1e-3


def test_rich_hard_2_0p5_approaches_from_below_after_six_decades() -> None:
    curve = solve_infinite_width(2, F(1, 2), 1, t_max=1e12)
    x, p = local_slopes(curve.x, curve.loss)
    gap = rich_hard(2, 0.5) - p
    # theory §4: from below, reaching 1e-3 only after ~6 decades
    assert np.all(gap[x >= 10] > 0)
    assert gap[np.searchsorted(x, 1e5)] > 1e-3
    assert gap[np.searchsorted(x, 1e7)] < 1e-3
    assert gap[-1] < 1e-4


def test_rich_hard_3_0p8_is_non_monotone() -> None:
    curve = solve_infinite_width(3, F(4, 5), 1, t_max=1e10)
    x, p = local_slopes(curve.x, curve.loss)
    gap = rich_hard(3, 0.8) - p
    # theory §4: starts above, dips below, still 1e-3 to 3e-3 off at t = 1e10
    assert np.any(gap[(x >= 5) & (x <= 30)] < 0)
    assert np.all(gap[x >= 1e3] > 0)
    assert 1e-3 < gap[-1] < 3e-3


@pytest.mark.parametrize("alpha,beta", [(2, F(6, 5)), (2, 3)])
def test_rich_easy_equals_lazy(alpha, beta) -> None:
    curve = solve_infinite_width(alpha, beta, 1, t_max=1e12)
    m = local_exponent(curve.x, curve.loss)
    # beta >= 1: tau = t (theory §3); the correction from s -> const decays like a power
    # of t, measured 3e-4 at t = 1e12 for beta = 1.2
    assert m.converged and abs(m.value - float(beta)) < 1e-3


# --- inputs and progress -------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"alpha": 1, "beta": 0.5}, {"alpha": 2, "beta": 0}, {"alpha": 2, "beta": 0.5, "gamma0": -1},
    {"alpha": 2, "beta": 0.5, "t_max": 1e13}, {"alpha": 2, "beta": 0.5, "precision": "mp:3"},
    {"alpha": 2, "beta": 0.5, "t_max": 1e-3},
])
def test_bad_inputs_are_usage_errors(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        solve_infinite_width(**kwargs)


def test_progress_and_rows() -> None:
    calls = []
    curve = solve_infinite_width(2, 0.5, 1, t_max=100, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] == len(curve)
    rows = curve.to_rows()
    assert set(rows[0]) == {"t", "loss", "s", "tau"} and len(rows) == len(curve)


@pytest.mark.slow
def test_mp_rich_hard_to_1e30() -> None:
    """mpmath carries the rich run to t = 1e30 (theory §2 numerics); ~1-2 minutes."""
    curve = solve_infinite_width(F(3, 2), F(3, 10), 1, t_max=1e30, precision="mp:30", k_exact=50)
    m = local_exponent(curve.exact["t"], curve.exact["loss"])
    # at t = 1e30 the pre-asymptotic correction is far below 1e-6 (it is 2e-6 at 1e10)
    assert m.converged and abs(m.value - rich_hard(1.5, 0.3)) < 1e-6
