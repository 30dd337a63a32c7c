"""The empirical NTK Gram (torch.func) against an independent per-sample autograd Jacobian."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from scalingtool.errors import UsageError
from scalingtool.estimate.digits import two_layer_mlp
from scalingtool.estimate.ntk import ntk_gram


def _autograd_gram(model, x):
    params = [p for p in model.parameters()]
    rows = []
    for i in range(x.shape[0]):
        grads = torch.autograd.grad(model(x[i:i + 1]).sum(), params)
        rows.append(torch.cat([g.reshape(-1) for g in grads]))
    j = torch.stack(rows).double()
    return (j @ j.T).numpy()


def test_ntk_matches_autograd_and_chunking():
    torch.manual_seed(0)
    x = torch.randn(70, 5, dtype=torch.float64)
    model = two_layer_mlp(5, 32).double()
    ref = _autograd_gram(model, x)
    full = ntk_gram(model, x, 1e9, float64=True)
    np.testing.assert_allclose(full, ref, rtol=1e-10, atol=1e-12)
    # the whole Jacobian kept, blocks of 16 rows: the lower block triangle computed, mirrored
    blocks = ntk_gram(model, x, 1e9, float64=True, chunk=16)
    np.testing.assert_allclose(blocks, ref, rtol=1e-10, atol=1e-12)
    # a memory limit that holds two chunks but not the whole Jacobian: recomputed per pair
    params = sum(p.numel() for p in model.parameters())
    limit = 3 * 8 * 70 * 70 + 2 * 16 * params * 8 * 3 + 1000
    chunked = ntk_gram(model, x, limit, float64=True, chunk=16)
    np.testing.assert_allclose(chunked, ref, rtol=1e-10, atol=1e-12)


def test_ntk_memory_refused():
    model = two_layer_mlp(5, 32)
    with pytest.raises(UsageError, match="memory limit"):
        ntk_gram(model, torch.randn(100, 5), 1000.0)
