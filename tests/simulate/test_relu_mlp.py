"""The general ReLU MLP on the circle (theory §5): lazy limit, centring, NTK spectrum, equal time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalingtool.errors import NumericalError, UsageError
from scalingtool.simulate.substeps import SubstepClock

from .helpers import HAVE_TORCH

pytestmark = pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
HAVE_CUDA = HAVE_TORCH and __import__("torch").cuda.is_available()


def _net(depth: int, width: int, gamma: float, seeds=(0,), modes: int = 8, dtype: str = "float64"):
    from scalingtool.simulate.circle_mlp import CircleMLP, draw_initial

    weights, phases = draw_initial(seeds, depth, width, modes)
    return CircleMLP(weights, gamma, dtype=dtype), phases


def _grid_inputs(net, points: int, members: int = 1):
    import torch

    theta = 2 * math.pi * torch.arange(points, dtype=net.dtype) / points
    return torch.stack([torch.cos(theta), torch.sin(theta)], -1).expand(members, points, 2)


@pytest.mark.parametrize("depth", [1, 3])
def test_lazy_network_is_its_linearisation(depth):
    # At gamma0 = 0 the network is f = J(theta_0) delta, linear in delta, so full-batch GD in
    # function space is exactly r_{n+1} = (I - eta K / P) r_n with K the closed-form kernel
    # (an independent computation: the training uses autograd, the recursion the formula).
    # Float64 round-off over 20 steps of a contraction: 1e-10 relative is ample.
    import torch

    from scalingtool.simulate.circle_mlp import CircleTarget as _Target

    net, phases = _net(depth, 32, 0.0)
    x = _grid_inputs(net, 24)
    theta = 2 * math.pi * torch.arange(24, dtype=net.dtype)[None, :] / 24
    y = _Target(torch, 0.5, phases, dtype=net.dtype)(theta)
    kern = net.kernel(x)[0]
    eta = 1.0 / float(torch.linalg.eigvalsh(kern / 24)[-1])
    resid = y[0].clone()
    for _ in range(20):
        net.step(x, y, eta)
        resid = resid - eta * kern @ resid / 24
    with torch.no_grad():
        f = net.output(x)[0]
    np.testing.assert_allclose((y[0] - f).numpy(), resid.numpy(), rtol=1e-10, atol=1e-12)


def test_small_gamma0_approaches_the_linearisation():
    # theta = theta_0 + gamma0 delta: the nonlinear network departs from its linearisation at
    # O(gamma0 |delta|); with gamma0 = 1e-5 over 30 short steps the loss agrees to ~1e-5 relative.
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    kw = dict(depth=2, width=32, steps=30, modes=8, data="grid", points=32, seeds=1, lr=0.2,
              kernel_points=64, alpha_range=(2, 8))
    lazy = simulate_relu_mlp(0.5, 0.0, **kw)
    tiny = simulate_relu_mlp(0.5, 1e-5, max_substeps=1, **kw)
    np.testing.assert_allclose(tiny.loss, lazy.loss, rtol=1e-3)
    assert not np.array_equal(tiny.loss, lazy.loss)  # the rich path really ran


@pytest.mark.parametrize("depth,gamma", [(1, 0.0), (1, 1.0), (3, 0.0), (3, 2.0)])
def test_centred_network_is_zero_at_initialisation(depth, gamma):
    # f = [g(theta_0 + gamma delta) - g(theta_0)] / gamma with delta = 0: the same arithmetic on
    # the same weights, so exactly zero (and the linearisation J delta = 0 at delta = 0)
    import torch

    net, _ = _net(depth, 48, gamma, seeds=(0, 1))
    with torch.no_grad():
        f = net.output(_grid_inputs(net, 40, 2))
    assert torch.count_nonzero(f) == 0
    assert torch.count_nonzero(net.initial(_grid_inputs(net, 40, 2))) > 0  # the raw network is not


def test_ntk_spectrum_with_bias_decays_as_k_squared():
    # theory §5: with a hidden bias the depth-1 ReLU NTK has eigenvalues ~ k^-2 for even and odd
    # k. Width 4096 (finite-N scatter ~ 1/sqrt(N)), 512 angles, k = 8..64 (8x below Nyquist,
    # where the kinks do not alias), two seeds averaged: the fitted exponent is within 0.05 of 2.
    from scalingtool.simulate.kernel_spectrum import fourier_diagonal
    from scalingtool.simulate.circle_task import fit_alpha

    net, _ = _net(1, 4096, 0.0, seeds=(0, 1))
    spec = fourier_diagonal(net.kernel(_grid_inputs(net, 512, 2))).mean(axis=0)
    assert fit_alpha(spec[None, :], (8, 64))[0] == pytest.approx(2.0, abs=0.05)
    k = np.arange(len(spec))
    for parity in (0, 1):  # both parities separately (odd modes vanish without a bias)
        sel = (k >= 8) & (k <= 64) & (k % 2 == parity)
        assert -np.polyfit(np.log(k[sel]), np.log(spec[sel]), 1)[0] == pytest.approx(2.0, abs=0.1)


def test_fourier_diagonal_of_a_circulant_kernel_is_its_spectrum():
    # K_ij = sum_k lam_k cos(k (theta_i - theta_j)) on G angles: K/G has eigenvalue lam_k / 2
    # on cos and sin k (k >= 1) and lam_0 on the constant: P_k must return exactly those.
    import torch

    from scalingtool.simulate.kernel_spectrum import fourier_diagonal

    G = 32
    theta = 2 * math.pi * np.arange(G) / G
    lam = 1.0 / (1.0 + np.arange(G // 2)) ** 2
    kern = sum(lam[k] * np.cos(k * (theta[:, None] - theta[None, :])) for k in range(G // 2))
    p = fourier_diagonal(torch.as_tensor(kern)[None])[0]
    np.testing.assert_allclose(p[1 : G // 2], lam[1:] / 2, rtol=1e-12)
    assert p[0] == pytest.approx(lam[0], rel=1e-12)


def test_band_fractions_split_the_loss_by_parseval():
    from scalingtool.simulate.kernel_spectrum import band_fractions, octave_bands

    theta = 2 * math.pi * np.arange(64) / 64
    r = 3 * np.cos(theta) + 4 * np.sin(5 * theta + 0.3)  # powers 9/2 and 16/2
    frac = band_fractions(r[None, :], octave_bands(8))[0]
    bands = octave_bands(8)  # [0,1) [1,2) [2,4) [4,8) [8,9) [9, inf)
    assert frac[bands.index((1, 2))] == pytest.approx(9 / 25, rel=1e-12)
    assert frac[bands.index((4, 8))] == pytest.approx(16 / 25, rel=1e-12)
    assert frac.sum() == pytest.approx(1.0, rel=1e-12)


def test_equal_time_bookkeeping():
    # theory §2-§3: exponents in t = eta * steps. Same seeds -> same initial kernel -> the same
    # eta for lazy and rich; lazy takes one step per unit of time, rich splits as its kernel grows.
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    kw = dict(depth=1, width=64, steps=150, modes=16, data="grid", points=64, seeds=2,
              kernel_points=64, alpha_range=(2, 8))
    lazy = simulate_relu_mlp(0.5, 0.0, **kw)
    rich = simulate_relu_mlp(0.5, 2.0, check_every=1, **kw)
    assert rich.lr == lazy.lr
    np.testing.assert_allclose(rich.time, lazy.time)
    assert lazy.metadata["substeps_total"] == 150 and lazy.metadata["substeps_max"] == 1
    assert rich.metadata["substeps_max"] > 1
    top = rich.metadata["kernel"]["top"]
    assert max(top[-1]) > 1.5 * max(top[0])  # the kernel grew, and the run stayed stable:
    assert np.all(rich.loss[:, -1] < 0.3 * rich.loss[:, 0])
    # each unit of time holds n sub-steps of eta / n with eta / n * lambda_max <= 2 * safety
    assert rich.metadata["substeps_max"] >= rich.lr * max(top[-1]) / (2 * 0.5) - 1e-9


def test_substep_clock_splits_units_and_refuses_runaway_growth():
    done = []
    tops = iter([1.0, 3.0, 10.0])
    clock = SubstepClock(1.0, 0.5, 5, done.append, lambda: next(tops))
    clock()  # lambda 1: eta * lambda = 1 <= 1: one step
    clock()  # lambda 3: three steps of 1/3
    assert done == [1.0, 1 / 3, 1 / 3, 1 / 3]
    with pytest.raises(NumericalError, match="max_substeps"):
        clock()  # lambda 10 would need 10 > 5 sub-steps


@pytest.mark.parametrize("gamma0", [0.0, 1.0], ids=["lazy", "rich"])
def test_torch_and_numpy_agree_on_the_small_case(gamma0):
    # The depth-1 torch network (hand-written batched back-propagation) against an independent
    # NumPy reference of the same network (tests/simulate/numpy_mlp.py: the displacement form
    # with its own gradient), same draws and target: 40 full-batch GD steps on 32 angles, then
    # the outputs on the shifted grid. Same arithmetic up to float64 round-off order: 1e-9.
    import torch

    from scalingtool.simulate.circle_mlp import CircleMLP, CircleTarget as _Target, draw_initial

    from .numpy_mlp import NumpyCircleNetwork, grid

    seeds, width, lr = (0, 1), 32, 0.05
    weights, phases = draw_initial(seeds, 1, width, 8)
    net = CircleMLP(weights, gamma0)
    ref = NumpyCircleNetwork(seeds, width, gamma0)
    theta, x_np = grid(32)
    theta_t, xt_np = grid(32, 0.5)
    target = _Target(torch, 0.5, phases, dtype=torch.float64)
    y = target(torch.as_tensor(theta).expand(2, 32))
    x = torch.as_tensor(x_np).expand(2, 32, 2).contiguous()
    g0 = net.initial(x)
    for _ in range(40):
        net.step(x, y, lr, g0)
        ref.step(x_np, y.numpy(), lr)
    with torch.no_grad():
        f = net.output(torch.as_tensor(xt_np).expand(2, 32, 2).contiguous()).numpy()
    f_ref = ref.forward(xt_np)[0]
    assert np.max(np.abs(f_ref)) > 0.1  # the networks learned something
    np.testing.assert_allclose(f, f_ref, rtol=1e-9, atol=1e-12)


def test_ntk_parametrisation_is_mup_with_gamma_over_sqrt_width():
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    kw = dict(depth=2, width=64, steps=20, modes=8, data="grid", points=32, seeds=1, lr=0.1,
              kernel_points=64, alpha_range=(2, 8))
    ntk = simulate_relu_mlp(0.5, 1.0, param="ntk", **kw)
    mup = simulate_relu_mlp(0.5, 1.0 / 8.0, param="mup", **kw)
    assert ntk.metadata["gamma"] == mup.metadata["gamma"] == pytest.approx(1 / 8)
    np.testing.assert_array_equal(ntk.loss, mup.loss)


def test_online_sgd_learns_and_records_the_kernel():
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    r = simulate_relu_mlp(0.5, 1.0, depth=2, width=32, steps=100, modes=8, batch=16, seeds=2,
                          kernel_points=64, alpha_range=(2, 8))
    assert np.all(r.loss[:, -1] < 0.5 * r.loss[:, 0])
    kern = r.metadata["kernel"]
    assert kern["steps"][0] == 0 and kern["steps"][-1] == 100
    assert len(kern["spectrum_mean"]) == len(kern["steps"]) == len(kern["band_fractions"])
    assert all(abs(sum(b) - 1) < 1e-9 for b in kern["band_fractions"])
    assert all(0 < a <= 1 for al in kern["alignment"] for a in al)
    # the kernel seen by the residual lies between the kernel's smallest and largest eigenvalue
    for eig, seen in zip(kern["eigenvalues_mean"], kern["residual_rayleigh"]):
        assert eig == sorted(eig, reverse=True) and eig[-1] > -1e-9
        assert all(0 < v <= eig[0] * 1.5 for v in seen)  # eig is a seed mean: 1.5 for the spread


def test_bad_input_is_one_usage_error():
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    for kw, word in [({"depth": 5}, "depth"), ({"param": "sp"}, "param"), ({"data": "x"}, "data"),
                     ({"dtype": "float16"}, "dtype"), ({"modes": 64, "test_points": 100}, "test_points"),
                     ({"alpha_range": (4, 5)}, "alpha_range")]:
        with pytest.raises(UsageError, match=word):
            simulate_relu_mlp(0.5, 1.0, steps=1, width=8, **kw)
    with pytest.raises(UsageError, match="width"):
        simulate_relu_mlp(0.5, 1.0, steps=1, width=10**6, depth=4, seeds=8)


@pytest.mark.skipif(not HAVE_CUDA, reason="needs a CUDA device")
def test_cuda_matches_cpu():
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    kw = dict(depth=2, width=32, steps=20, modes=8, data="grid", points=32, seeds=1, lr=0.1,
              kernel_points=64, alpha_range=(2, 8))
    cpu = simulate_relu_mlp(0.5, 1.0, device="cpu", **kw)
    gpu = simulate_relu_mlp(0.5, 1.0, device="cuda", **kw)
    np.testing.assert_allclose(gpu.loss, cpu.loss, rtol=1e-8)


def _check_gradient_against_autograd(net, x, y):
    """One step away from delta = 0 (so every term is non-trivial), then the hand-written
    gradient against autograd through the forward pass (float64 round-off: 1e-10 relative)."""
    import torch

    net.step(x, y, 0.3)
    mine = net.gradient(x, y)
    for leaf in net.leaves:
        leaf.requires_grad_(True)
    loss = 0.5 * ((net.output(x) - y) ** 2).mean(dim=1).sum()
    for a, b in zip(mine, torch.autograd.grad(loss, net.leaves)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("depth,gamma", [(1, 0.0), (1, 0.7), (3, 0.0), (3, 0.7)])
def test_hand_gradient_matches_autograd(depth, gamma):
    # the step's back-propagation is written by hand; autograd through the forward pass is an
    # independent computation of the same gradient (float64 round-off: 1e-10 relative)
    import torch

    from scalingtool.simulate.circle_mlp import CircleTarget as _Target

    net, phases = _net(depth, 24, gamma, seeds=(0, 1))
    x = _grid_inputs(net, 20, 2)
    theta = 2 * math.pi * torch.arange(20, dtype=net.dtype).expand(2, 20) / 20
    y = _Target(torch, 0.5, phases, dtype=net.dtype)(theta)
    _check_gradient_against_autograd(net, x, y)


def test_gamma0_four_stays_stable_online():
    # gamma0 = 4 (the top of the study's grid): the kernel grows tens of times within a few
    # hundred units of time; the sub-steps follow it (checked every unit here) so every
    # sub-step keeps eta/n * factor * lambda_max <= 2 * safety = 1 at the last estimate, and
    # the loss falls instead of blowing up (the guard would raise NumericalError).
    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    r = simulate_relu_mlp(0.5, 4.0, depth=1, width=32, steps=120, modes=8, batch=16, seeds=2,
                          kernel_points=64, alpha_range=(2, 8), check_every=1)
    meta = r.metadata
    top = meta["kernel"]["top"]
    assert max(top[-1]) > 5 * max(top[0]) and meta["substeps_max"] > 5
    assert r.lr * meta["sgd_factor"] * max(r.extra["kernel_top"][:, -1]) / meta["substeps_max"] <= 1.0 + 1e-9
    assert np.all(np.isfinite(r.loss)) and np.all(r.loss[:, -1] < 0.5 * r.loss[:, 0])


@pytest.mark.parametrize("grid", [False, True])
def test_arcs_equal_the_dense_mask(grid):
    # The one-layer network's two products with its activation mask, m c and m^T v, by sweeps
    # along the circle (arcs) against the formed (S, B, N) mask: the same sums in another order
    # (float64 round-off of prefix sums over 300 units: 1e-11 absolute on O(10) values).
    # Units active everywhere (b > |W|) and nowhere (b < -|W|) are included, and off the
    # circle the network falls back to the mask.
    import torch

    from scalingtool.simulate.arcs import Arcs, DenseMask, on_circle

    gen = torch.Generator().manual_seed(3)
    S, B, N = 2, 96, 300
    W = torch.randn(S, N, 2, generator=gen, dtype=torch.float64)
    b = 1.5 * torch.randn(S, N, generator=gen, dtype=torch.float64)
    assert bool((b > W.norm(dim=-1)).any()) and bool((b < -W.norm(dim=-1)).any())
    if grid:
        theta = (2 * math.pi * torch.arange(B, dtype=torch.float64) / B).expand(S, B)
    else:
        theta = 2 * math.pi * torch.rand(S, B, generator=gen, dtype=torch.float64)
    x = torch.stack([torch.cos(theta), torch.sin(theta)], -1)
    assert on_circle(torch, x) and not on_circle(torch, 1.01 * x)
    dense, arcs = DenseMask(torch, W, b, x), Arcs(torch, W, b, x)
    c = torch.randn(S, N, 3, generator=gen, dtype=torch.float64)
    v = torch.randn(S, B, 3, generator=gen, dtype=torch.float64)
    np.testing.assert_allclose(arcs.apply(c).numpy(), dense.apply(c).numpy(), atol=1e-11)
    np.testing.assert_allclose(arcs.apply_t(v).numpy(), dense.apply_t(v).numpy(), atol=1e-11)


def test_off_circle_inputs_use_the_mask_and_match_autograd():
    # inputs off the unit circle take the formed mask; the hand gradient still matches autograd
    import torch

    net, _ = _net(1, 24, 0.7, seeds=(0, 1))
    x = 1.3 * _grid_inputs(net, 20, 2)
    y = torch.sin(3 * torch.arange(20, dtype=net.dtype)).expand(2, 20)
    _check_gradient_against_autograd(net, x, y)
