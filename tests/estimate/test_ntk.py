"""The empirical NTK (theory §6) against an independent full-Jacobian product, on MLPs and CNNs.

Tolerance 1e-10 (relative to the largest entry) in float64: the two routes sum the same
products in different orders (a few hundred terms of size O(1) each), so they differ by
round-off, about 1e-15 relative per entry; 1e-10 leaves room for growth with the sums' length
and still fails on any missing or doubled term (each is O(1/n_params) of the total or more).
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

from scalingtool.errors import UsageError
from scalingtool.estimate import ntk as ntk_module
from scalingtool.estimate import ntk_memory
from scalingtool.estimate.digits import two_layer_mlp
from scalingtool.estimate.ntk import empirical_ntk, ntk_gram, ntk_parameter_gram
from scalingtool.estimate.ntk_jacobian import add_jacobian_gram, jacobian_rows
from scalingtool.resources import Allowance

TOL = 1e-10


class PaperCNN(nn.Module):
    """conv3x3 (N) -> ReLU -> avgpool2 -> conv3x3 (2N) -> ReLU -> avgpool2 -> dense (8N) -> ReLU
    -> readout (C), mean-field scaled (readout / N), on 8 x 8 images (8 -> 4 -> 2: 2N x 2 x 2 = 8N)."""

    def __init__(self, n: int, outputs: int) -> None:
        super().__init__()
        self.n = n
        self.conv1 = nn.Conv2d(1, n, 3, padding=1)
        self.conv2 = nn.Conv2d(n, 2 * n, 3, padding=1)
        self.dense = nn.Linear(8 * n, 8 * n)
        self.readout = nn.Linear(8 * n, outputs, bias=False)

    def forward(self, x):
        h = F.avg_pool2d(torch.relu(self.conv1(x)), 2)
        h = F.avg_pool2d(torch.relu(self.conv2(h)), 2)
        h = torch.relu(self.dense(h.flatten(1)))
        return self.readout(h) / self.n


class Conv1dNet(nn.Module):
    """Conv1d on 1 x 40 signals (MNIST-1D-like), max pooling, tanh, two outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 3, 5)
        self.head = nn.Linear(3 * 18, 2)

    def forward(self, x):
        return self.head(torch.tanh(F.max_pool1d(self.conv(x), 2)).flatten(1))


def _full_jacobian_blocks(model, x):
    """Every per-sample, per-output gradient by plain autograd, stacked: J (P x C x n), and
    ``K^{cc'}_ij = J_ic . J_jc'``."""
    params = list(model.parameters())
    rows = []
    for i in range(x.shape[0]):
        out = model(x[i:i + 1]).reshape(-1)
        rows.append(torch.stack([torch.cat([g.reshape(-1) for g in torch.autograd.grad(out[c], params, retain_graph=True)])
                                 for c in range(out.shape[0])]))
    j = torch.stack(rows)
    return torch.einsum("icn,jdn->ijcd", j, j).numpy()


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def _cases():
    torch.manual_seed(0)
    return [(PaperCNN(3, 4).double(), torch.randn(14, 1, 8, 8, dtype=torch.float64)),
            (Conv1dNet().double(), torch.randn(13, 1, 40, dtype=torch.float64)),
            (two_layer_mlp(5, 16).double(), torch.randn(11, 5, dtype=torch.float64))]


@pytest.mark.parametrize("case", range(3))
def test_ntk_equals_the_full_jacobian_product(case):
    model, x = _cases()[case]
    blocks_ref = _full_jacobian_blocks(model, x)
    c = blocks_ref.shape[2]
    trace_ref = np.einsum("ijcc->ij", blocks_ref) / c
    for route in ("auto", "jacobian"):  # the dense-layer identity and the Jacobians alone
        for chunk in (None, 4):  # one chunk, and blocks of 4 rows (lower triangle mirrored)
            k = empirical_ntk(model, x, dtype="float64", route=route, chunk=chunk)
            assert _rel(k, trace_ref) < TOL, (route, chunk)
            b = empirical_ntk(model, x, dtype="float64", route=route, chunk=chunk, blocks=True)
            assert _rel(b, blocks_ref) < TOL, (route, chunk)
    # symmetric and positive semi-definite (to round-off: 1e-12 of the largest eigenvalue)
    assert np.array_equal(k, k.T)
    eig = np.linalg.eigvalsh(k)
    assert eig.min() > -1e-12 * eig.max()


def test_dense_identity_is_used_for_linear_layers_only():
    model, x = _cases()[0]
    seen = {}
    original = ntk_module.jacobian_rows

    def spy(torch_, model_, params, buffers, x_all, names, outputs):
        seen["names"] = names
        return original(torch_, model_, params, buffers, x_all, names, outputs)

    ntk_module.jacobian_rows = spy
    try:
        empirical_ntk(model, x, dtype="float64")
    finally:
        ntk_module.jacobian_rows = original
    assert seen["names"] == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]


def test_jacobians_kept_or_recomputed_per_pair_agree():
    model, x = _cases()[0]
    params = {n: p.detach() for n, p in model.named_parameters()}
    rows = jacobian_rows(torch, model, params, {}, x, list(params), 4)
    grams = []
    for keep_all in (True, False):
        g = np.zeros((x.shape[0], x.shape[0]))
        add_jacobian_gram(torch, g, rows, 5, keep_all, False)
        grams.append(g)
    assert _rel(grams[1], grams[0]) < TOL
    assert _rel(grams[0] / 4, empirical_ntk(model, x, dtype="float64")) < TOL


def test_parameter_side_matrix_has_the_same_nonzero_spectrum():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv1d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 10, 2)).double()
    x = torch.randn(120, 1, 12, dtype=torch.float64)  # C n = 2 x 50 = 100 < P = 120
    small = np.linalg.eigvalsh(ntk_parameter_gram(model, x, dtype="float64", chunk=32))
    big = np.linalg.eigvalsh(empirical_ntk(model, x, dtype="float64"))
    assert small.shape == (100,)
    # the 100 largest of the 120 agree; the other 20 are zero (round-off: 1e-12 of the largest)
    np.testing.assert_allclose(small, big[-100:], rtol=1e-9, atol=1e-12 * big[-1])
    assert np.all(np.abs(big[:-100]) < 1e-12 * big[-1])


def test_refused_before_allocating_naming_the_allowance(monkeypatch):
    model, x = _cases()[0]
    allowance = ntk_memory.TORCH_WORKSPACE + 200_000.0
    monkeypatch.setattr(ntk_memory, "memory_allowance", lambda: Allowance(allowance, "a test allowance"))

    def never(*args, **kwargs):
        raise AssertionError("allocated before refusing")

    monkeypatch.setattr(ntk_module, "dense_factors", never)
    monkeypatch.setattr(ntk_module, "jacobian_rows", never)
    x_big = torch.randn(400, 1, 8, 8, dtype=torch.float64)
    with pytest.raises(UsageError) as info:
        empirical_ntk(model, x_big, dtype="float64")
    text = str(info.value)
    assert "a test allowance" in text and "\n" not in text
    most = int(text.split("at most ")[1].split()[0])
    monkeypatch.undo()
    monkeypatch.setattr(ntk_memory, "memory_allowance", lambda: Allowance(allowance, "a test allowance"))
    # the number named fits, one more does not (8 P^2 of the result alone: P < 158)
    assert 0 < most < 158
    empirical_ntk(model, x_big[:most], dtype="float64")
    with pytest.raises(UsageError, match="a test allowance"):
        empirical_ntk(model, x_big[:most + 1], dtype="float64")


def test_ntk_gram_limit_names_the_memory_limit():
    model = two_layer_mlp(5, 32)
    with pytest.raises(UsageError, match="memory limit"):
        ntk_gram(model, torch.randn(100, 5), 1000.0)


def test_linear_model_ntk_recovers_a_planted_capacity():
    """f(x) = w . x has the NTK X X^T: on features with covariance k^-1.5 (and a target with
    beta = 0.5, two columns of it) alpha and beta fall in the estimator's 95% intervals (fixed
    seed; the intervals' coverage is tested in test_synthetic)."""
    pytest.importorskip("scipy")
    from scalingtool.estimate.estimator import estimate_gram
    from scalingtool.estimate.synthetic import gaussian_task

    alpha, beta = 1.5, 0.5
    x, y = gaussian_task(alpha, beta, 600, 2400, seed=3, tail=True, columns=2)
    torch.manual_seed(0)
    model = nn.Linear(x.shape[1], 1, bias=False).double()
    k = empirical_ntk(model, torch.as_tensor(x), dtype="float64")
    assert _rel(k, x @ x.T) < TOL
    e = estimate_gram(k, y, "linear", replicates=60, seed=0)
    lo, hi = e.alpha[1]
    assert lo <= alpha <= hi
    blo, bhi = e.beta[1]
    assert blo <= beta <= bhi


def test_model_function_targets(tmp_path):
    from scalingtool.estimate.ntk import call_model_function

    torch.manual_seed(0)
    net, x = nn.Linear(4, 3), torch.randn(80, 4)
    classes = torch.arange(80) % 3
    _, _, y = call_model_function(lambda: (net, x, classes), "f")
    assert y.shape == (80, 3)
    np.testing.assert_allclose(y.sum(axis=0), 0.0, atol=1e-12)  # centred columns
    np.testing.assert_array_equal(np.argmax(y, axis=1), classes.numpy())
    target = np.random.default_rng(0).standard_normal((80, 3))
    np.testing.assert_array_equal(call_model_function(lambda: (net, x, target), "f")[2], target)
    with pytest.raises(UsageError, match="one label per input"):
        call_model_function(lambda: (net, x, target[:70]), "f")
