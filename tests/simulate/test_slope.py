"""Exponents of loss curves (simulate/slope.py): the last-decade windows, the paired difference
over seeds, and two curves compared at equal loss (the crossing time and the local exponent)."""

import math

import numpy as np
import pytest

from scalingtool.simulate.slope import crossing_time, slope_at_loss

T = np.logspace(0, 3, 61)  # 20 points a decade, as the simulators' log-spaced records


def test_the_crossing_of_a_power_law_is_exact_between_samples():
    # L = t^-1/2 reaches 0.1 at t = 100 exactly; 0.05 at t = 400 (between samples)
    loss = T ** -0.5
    assert crossing_time(T, loss, 0.1) == pytest.approx(100.0, rel=1e-12)
    assert crossing_time(T, loss, 0.05) == pytest.approx(400.0, rel=1e-12)  # log-log linear interpolation
    assert crossing_time(T, loss, 1.0) == 1.0  # already there at the first sample
    assert math.isnan(crossing_time(T, loss, 1e-3))  # never reached
    assert crossing_time([1.0, 2.0, 4.0], [1.0, 0.5, 0.0], 0.1) == 4.0  # a zero loss: its own time


def test_a_head_start_keeps_the_slope_and_a_steeper_law_shows():
    lazy = 2.0 * T ** -0.5  # the same law, four times later to any loss (2 = 4^0.5)
    ahead = T ** -0.5
    level = 0.1
    t_lazy, p_lazy = slope_at_loss(T, lazy, level)
    t_rich, p_rich = slope_at_loss(T, ahead, level)
    assert t_lazy / t_rich == pytest.approx(4.0, rel=1e-9)
    assert p_lazy == pytest.approx(0.5, abs=1e-9) and p_rich == pytest.approx(0.5, abs=1e-9)
    steeper = 2.0 * T ** -0.7
    assert slope_at_loss(T, steeper, level)[1] == pytest.approx(0.7, abs=1e-9)


def test_the_local_window_sees_a_bend_that_a_whole_fit_would_average():
    # slope 1 before t = 30, then 1/4: at a loss reached after the bend the local slope is 1/4
    loss = np.where(T < 30, 1.0 / T, (1.0 / 30) * (T / 30) ** -0.25)
    level = (1.0 / 30) * (300 / 30) ** -0.25  # reached at t = 300
    t, p = slope_at_loss(T, loss, level)
    assert t == pytest.approx(300.0, rel=1e-9) and p == pytest.approx(0.25, abs=1e-9)


def test_equal_loss_in_the_study_table():
    from scalingtool.run.kinds.mlp_study.compute import equal_loss

    lazy = {"time": T.tolist(), "loss": (2.0 * T ** -0.5).tolist()}
    rich = {"time": T.tolist(), "loss": (T ** -0.6).tolist()}
    out = equal_loss(rich, lazy)
    # lowest shared loss: the lazy end, 2 / sqrt(1000); rich reaches it at (2/sqrt(1000))^(-1/0.6)
    level = 2.0 / math.sqrt(1000.0)
    assert out["shared_loss"] == pytest.approx(level)
    assert out["head_start"] == pytest.approx(1000.0 / level ** (-1 / 0.6), rel=1e-9)
    assert out["slope_shared"] == pytest.approx(0.6, abs=1e-9)
    assert out["lazy_slope_shared"] == pytest.approx(0.5, abs=1e-9)
    assert equal_loss(rich, None) == dict.fromkeys(out)


def test_equal_loss_is_left_empty_when_a_curve_gives_no_number():
    from scalingtool.run.kinds.mlp_study.compute import equal_loss

    lazy = {"time": T.tolist(), "loss": (2.0 * T ** -0.5).tolist()}
    broken = {"time": T.tolist(), "loss": [*(T[:-1] ** -0.6).tolist(), math.nan]}  # a non-finite end
    assert set(equal_loss(broken, lazy).values()) == {None}


def test_late_exponents_read_the_last_decade_and_the_one_half_a_decade_earlier():
    from scalingtool.simulate.slope import late_exponents

    t = np.logspace(0, 3, 97)
    # t^-0.3 up to t = 100, then t^-0.5 (continuous): the last decade [100, 1000] sees 0.5,
    # the earlier window [31.6, 316] straddles the bend, half a decade of each
    bent = np.where(t <= 100, t**-0.3, 100**0.2 * t**-0.5)
    late, early = late_exponents(t, np.vstack([t**-0.3, bent]), 1000.0)
    assert late == pytest.approx([0.3, 0.5], abs=1e-12)
    assert early[0] == pytest.approx(0.3, abs=1e-12) and 0.3 < early[1] < 0.5


def test_paired_difference_is_the_mean_difference_with_its_standard_error():
    from scalingtool.simulate.slope import paired_difference

    # differences 0.10, 0.07, 0.11: mean 0.093333, sample sd 0.020817, s.e. sd / sqrt(3) = 0.012019
    mean, se = paired_difference([0.35, 0.33, 0.37], [0.25, 0.26, 0.26])
    assert mean == pytest.approx(0.0933333, abs=1e-7) and se == pytest.approx(0.0120185, abs=1e-7)
    assert paired_difference([0.3], [0.2]) == (pytest.approx(0.1), None)


def test_the_running_exponent_is_flat_on_a_power_law_and_follows_a_bend():
    from scalingtool.simulate.slope import running_exponent

    t = np.logspace(0, 3, 97)
    centres, flat = running_exponent(t, t**-0.4)
    # windows [c/sqrt(10), c sqrt(10)] inside [1, 1000]: centres from 10^0.5 to 10^2.5, 4 a decade
    assert centres[0] == pytest.approx(10**0.5) and centres[-1] == pytest.approx(10**2.5) and len(centres) == 9
    assert flat == pytest.approx(0.4, abs=1e-12)
    bent = np.where(t <= 30, t**-0.3, 30**0.2 * t**-0.5)  # 0.3, then 0.5 from t = 30
    _, local = running_exponent(t, bent)
    assert local[0] == pytest.approx(0.3, abs=1e-12) and local[-1] == pytest.approx(0.5, abs=1e-12)
    assert np.all(np.diff(local) >= -1e-12)  # rises through the bend, never falls
    assert running_exponent(t[:5], t[:5] ** -0.4)[0].size == 0  # under a decade: no window fits
