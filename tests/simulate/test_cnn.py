"""The centred CNN: zero output at initialisation, the linearisation at small gamma0, the
config's rules, and one step against an nn.Module written independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalingtool.config import CnnRun
from scalingtool.errors import UsageError

from .helpers import HAVE_TORCH

pytestmark = pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")


def _task(shape=(1, 1, 24), n=96, test=40, classes=4, seed=0):
    """A tiny synthetic task: class means plus noise (n training, ``test`` held-out images)."""
    from scalingtool.simulate.vision.data import VisionData

    rng = np.random.default_rng(seed)
    means = rng.standard_normal((classes, *shape))
    labels = rng.integers(0, classes, n + test)
    x = (means[labels] + 0.5 * rng.standard_normal((n + test, *shape))).astype(np.float32)
    return VisionData("synthetic", x[:n], labels[:n], x[n:], labels[n:], classes, "test")


@pytest.mark.parametrize("shape, param, gamma0, pooling", [((1, 1, 24), "mup", 1, "avg"), ((2, 8, 8), "ntk", 2, "max"),
                                                           ((1, 1, 24), "mup", 0, "avg")])
def test_the_centred_output_is_exactly_zero_at_initialisation(shape, param, gamma0, pooling):
    from scalingtool.simulate.cnn_net import build_cnn
    import torch

    config = CnnRun.from_user(width=4, param=param, gamma0=gamma0, pooling=pooling, seeds=3, dtype="float64")
    net = build_cnn(config, shape, 5)
    x = torch.randn(7, *shape, dtype=torch.float64)
    assert torch.count_nonzero(net.output(x)) == 0
    assert torch.count_nonzero(net.output(torch.randn(7, 3, *shape, dtype=torch.float64))) == 0


def test_the_first_recorded_test_loss_is_half_of_one_minus_one_over_c():
    from scalingtool.simulate.cnn import run_cnn

    data = _task(classes=4)
    result = run_cnn(CnnRun.from_user(width=4, steps=3, batch=8, seeds=2, test_samples=40), data=data)
    # f = 0 on every image: 1/2 |y|^2 = 1/2 ((1 - 1/C)^2 + (C - 1)/C^2) = 1/2 (1 - 1/C), float32
    assert np.allclose(result.loss[:, 0], 0.5 * (1 - 1 / 4), rtol=1e-6)
    assert result.steps[0] == 0 and result.extra["accuracy"].shape == result.loss.shape


def test_grouped_members_match_an_independent_nn_module():
    """Member s of the ensemble is the network of the companion code (Conv1d, avg pooling),
    written here as a plain nn.Module with the same weights and the stated scalings."""
    import torch
    from torch import nn

    from scalingtool.simulate.cnn_net import build_cnn

    config = CnnRun.from_user(width=3, seeds=2, dtype="float64", padding="valid")
    net = build_cnn(config, (1, 1, 24), 4)
    w1, b1, w2, b2, w3, b3, a = net.theta0
    x = torch.randn(5, 1, 1, 24, dtype=torch.float64)
    for s in range(2):
        conv1 = nn.Conv1d(1, 3, 3).double()
        conv2 = nn.Conv1d(3, 6, 3).double()
        with torch.no_grad():
            conv1.weight.copy_(w1[s] / math.sqrt(3)), conv1.bias.copy_(b1[s])
            conv2.weight.copy_(w2[s] / math.sqrt(9)), conv2.bias.copy_(b2[s])
        z = nn.functional.avg_pool1d(torch.relu(conv1(x[:, :, 0])), 2)
        z = nn.functional.avg_pool1d(torch.relu(conv2(z)), 2).flatten(1)  # 24 -> 22 -> 11 -> 9 -> 4: F = 24
        h = torch.relu(z @ w3[s].T / math.sqrt(24) + b3[s])
        expected = h @ a[s].T / 24
        assert torch.allclose(net.function(net.theta0, x)[s], expected, rtol=1e-12, atol=1e-14)


def _taylor_curve(config: CnnRun, data, lr: float) -> np.ndarray:
    """An independent first-order Taylor model, ``f = jvp(g, theta_0, delta)`` by torch.func,
    trained by plain SGD on the same batches as the simulator: its test loss at each step."""
    import torch

    from scalingtool.simulate.cnn_net import build_cnn
    from scalingtool.simulate.vision import TrainStream, centred_onehot

    net = build_cnn(config, data.shape, data.classes)
    x_train, x_test = torch.as_tensor(data.x_train, dtype=torch.float64), torch.as_tensor(data.x_test, dtype=torch.float64)
    y_train = torch.as_tensor(centred_onehot(data.y_train, data.classes), dtype=torch.float64)
    y_test = torch.as_tensor(centred_onehot(data.y_test, data.classes), dtype=torch.float64)
    theta0 = tuple(net.theta0)
    delta = [torch.zeros_like(p, requires_grad=True) for p in theta0]
    stream = TrainStream(len(data.y_train), config.seeds, config.batch, None)

    def lin(x):
        return torch.func.jvp(lambda *t: net.function(t, x), theta0, tuple(delta))[1]

    losses = []
    for step in range(config.steps + 1):
        if step:
            idx = torch.as_tensor(stream.next())
            resid = lin(x_train[idx.T]) - y_train[idx]
            grads = torch.autograd.grad(0.5 * (resid**2).sum() / resid.shape[1], delta)
            with torch.no_grad():
                for d, g in zip(delta, grads):
                    d.sub_(g, alpha=lr * net.hidden)
        with torch.no_grad():
            losses.append((0.5 * ((y_test - lin(x_test)) ** 2).sum(-1).mean(1)).numpy())
    return np.stack(losses, axis=1)


def test_small_gamma0_follows_the_linearisation():
    from scalingtool.simulate.cnn import run_cnn

    data = _task()
    common = dict(width=6, steps=40, batch=8, seeds=2, lr="0.3", test_samples=40, dtype="float64",
                  record_per_decade=1000)
    taylor = _taylor_curve(CnnRun.from_user(**common), data, 0.3)
    lazy = run_cnn(CnnRun.from_user(gamma0=0, **common), data=data)
    small = run_cnn(CnnRun.from_user(gamma0="1/1000", **common), data=data)
    assert list(lazy.steps) == list(range(41)) and small.metadata["substeps_max"] == 1
    assert taylor[:, -1].max() < 0.9 * taylor[:, 0].min()  # it learned: the comparison is not of flat curves
    # gamma0 = 0 is the linearisation itself: equal up to float64 rounding
    np.testing.assert_allclose(lazy.loss, taylor, rtol=1e-9)
    # gamma0 = 1e-3: f differs from the linearisation at O(gamma0) relative; a 1% band holds it
    np.testing.assert_allclose(small.loss, taylor, rtol=1e-2)
    assert np.max(np.abs(small.loss - taylor)) > 0  # and it is a different network


@pytest.mark.parametrize("options, fragment", [
    ({"task": "digits"}, "data = 'online' needs a generated task"),
    ({"task": "digits", "data": "finite"}, "needs samples"),
    ({"data": "finite", "samples": 10, "batch": 20}, "expected at most samples = 10"),
    ({"task": "npz", "data": "finite", "samples": 2}, "needs path"),
    ({"path": "x.npz"}, "path is only for task 'npz' or 'folder'"),
    ({"kernel_size": 4}, "must be odd"),
])
def test_the_configs_rules_are_one_line_each(options, fragment):
    with pytest.raises(UsageError) as caught:
        CnnRun.from_user(**options)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_images_too_small_for_valid_padding_are_one_line():
    from scalingtool.simulate.cnn import run_cnn

    with pytest.raises(UsageError, match="too small for two pooled convolutions"):
        run_cnn(CnnRun.from_user(padding="valid", kernel_size=5, steps=2, test_samples=40), data=_task((1, 1, 12)))
