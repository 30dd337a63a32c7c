"""The ReLU network on the circle (theory §5): NTK capacity, lazy limit, learning a hard target."""

from __future__ import annotations

import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.simulate import simulate_mlp_circle
from scalingtool.spectral import MLP_STREAM, generators
from scalingtool.simulate.mlp_circle import ReluCircleNetwork, _grid, circle_target, ntk_fourier_spectrum


def test_ntk_with_bias_has_capacity_two_for_even_and_odd_modes():
    # theory §5: with a hidden bias the NTK eigenvalues decay as k^-2 for even and odd k
    # (slope -1.99). A 1024-unit network on 512 angles, k = 8..64: finite-N scatter and the
    # k ~ 8 pre-asymptotic bend keep the fitted slope within ~0.05 of 2; 0.1 leaves room.
    net = ReluCircleNetwork(generators([0], MLP_STREAM), 1024, 0.0, 1.0)
    spec = ntk_fourier_spectrum(net, 512)[0]
    k = np.arange(len(spec))
    for parity in (0, 1):
        sel = (k >= 8) & (k <= 64) & (k % 2 == parity)
        slope = np.polyfit(np.log(k[sel]), np.log(spec[sel]), 1)[0]
        assert slope == pytest.approx(-2.0, abs=0.1)
    assert np.all(spec[1:64] > 0)  # no vanishing odd modes (they vanish without a bias)


def test_target_has_the_requested_power_per_mode():
    theta, _ = _grid(256)
    phases = np.zeros((1, 32))
    y = circle_target(theta, 0.5, 32, phases)[0]
    power = np.abs(np.fft.rfft(y) / 256) ** 2 * 2  # c_k^2 / 2 per cosine -> |FFT|^2 = c_k^2 / 4
    k = np.arange(1, 33)
    np.testing.assert_allclose(2 * power[1:33], k ** -2.0, rtol=1e-10)  # c_k^2 = k^-(2 beta + 1)


def test_small_gamma0_approaches_the_linearised_network():
    # gamma0 = 0 runs the exact linearisation; a tiny gamma0 must be O(gamma0) away from it
    kw = dict(width=32, steps=50, modes=8, grid=32, seeds=1, lr=0.2)
    lazy = simulate_mlp_circle(0.5, 0.0, **kw)
    tiny = simulate_mlp_circle(0.5, 1e-6, **kw)
    np.testing.assert_allclose(tiny.loss, lazy.loss, rtol=1e-4)
    assert np.all(lazy.extra["feature_move"] == 0) and np.all(tiny.extra["feature_move"][:, -1] > 0)


@pytest.mark.parametrize("gamma0", [0.0, 1.0], ids=["lazy", "rich"])
def test_network_learns_a_hard_target(gamma0):
    # beta = 1/2 (hard): the loss falls steadily (a power law, not a plateau) in both trainings;
    # 500 units of time of a 128-unit network: ~1 s lazy, ~8 s rich (the rich kernel grows, so
    # its units take several GD sub-steps each).
    res = simulate_mlp_circle(0.5, gamma0, width=128, steps=500, modes=32, grid=128, seeds=2)
    assert np.all(res.loss[:, -1] < 0.25 * res.loss[:, 0])
    assert np.all(np.isfinite(res.exponents)) and np.all(res.exponents > 0.2)
    assert res.metadata["alpha_mean"] == pytest.approx(2.0, abs=0.3)  # small N, coarse grid
    if gamma0 > 0:
        assert np.all(res.extra["feature_move"][:, -1] > 0.01)  # features did move


def test_mlp_input_checks():
    with pytest.raises(UsageError, match="grid"):
        simulate_mlp_circle(0.5, 1.0, modes=64, grid=100)
    with pytest.raises(UsageError, match="alpha_range"):
        simulate_mlp_circle(0.5, 1.0, alpha_range=(8, 9), steps=1, width=8, modes=4, grid=16)
