"""Feature truncation (theory §1, last paragraph) and the step-size rule (theory §1, "Step size")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from scalingtool.simulate.projection import build_projection
from scalingtool.simulate.stepsize import default_lr, predict_s_end, s_from_norm, sgd_stable_lr
from scalingtool.simulate.task import M_MAX_AUTO, TAIL_TOLERANCE, choose_modes, width_floor_estimate
from scalingtool.spectral import hurwitz_tail


def test_width_floor_estimate_matches_sampled_projections():
    # theory §2: the deterministic equivalent agrees with sampled A within ~2% at N = 100..400.
    # One seed scatters by ~10% around it; the mean of 4 has ~5% standard error: 10% bound.
    task = choose_modes(2.0, 0.5, 128)
    floors = build_projection(task, 128, range(4)).floor
    assert floors.mean() == pytest.approx(width_floor_estimate(2.0, 0.5, 128), rel=0.10)


def test_automatic_modes_keep_the_tail_far_below_the_floor_or_add_it():
    small = choose_modes(2.0, 0.5, 64)
    assert small.tail == "truncated" and small.modes >= 4 * 64
    assert small.tail_power <= TAIL_TOLERANCE * small.floor_estimate
    capped = choose_modes(2.0, 0.5, 2048)  # would need M ~ 2e5: capped, tail kept as a Gaussian
    assert capped.modes == M_MAX_AUTO and capped.tail == "gaussian"
    assert capped.extra_h_var == pytest.approx(hurwitz_tail(2.0, M_MAX_AUTO))
    user = choose_modes(2.0, 0.5, 64, 100)  # a user's small M: the tail is not negligible
    assert user.tail == "gaussian" and user.metadata()["tail_to_floor"] > TAIL_TOLERANCE
    assert choose_modes(2.0, 0.5, 64, 100, "truncated").extra_y_var == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1e-4, 10.0), min_size=1, max_size=30), st.integers(1, 64))
def test_sgd_step_is_the_edge_of_spec_stability(eigs, batch):
    d = np.array(eigs)
    eta = sgd_stable_lr(d, batch)

    def stable(e):
        grow = 1 + 1 / batch
        return e * d.max() * grow < 2 and np.sum((e * d / batch) / (2 - e * d * grow)) < 1

    assert stable(eta) and not stable(eta * (1 + 1e-9) + 1e-300)


def test_predicted_feature_growth_is_below_the_bound_and_sets_the_step():
    task = choose_modes(2.0, 0.5, 256)
    lam, w = task.lam[:256], task.w[:256]
    bound = s_from_norm(2.0, np.sum(w**2))
    eta, s_end = default_lr(task.lam, task.w, 256, 2.0, 3000, eta_lazy=2.0)
    assert 0 < s_end < bound
    assert eta * (1 + 2 * s_end) == pytest.approx(0.5 * 2.0, rel=1e-6)  # safety 1/2 of the lazy limit
    assert predict_s_end(lam, w, 2.0, eta, 10**9) == pytest.approx(bound, rel=1e-3)  # saturates
    eta_b, s_b = default_lr(task.lam, task.w, 256, 2.0, 3000, eta_lazy=2.0, rule="bound")
    assert s_b == pytest.approx(bound) and eta_b < eta
    assert default_lr(task.lam, task.w, 256, 0.0, 3000, eta_lazy=2.0) == (1.0, 0.0)
