"""The torch CPU path's vectorised normals and blocked triangular product give torch's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from scalingtool.simulate import simulate_linear
from scalingtool.simulate import arraylib, samplers

from .helpers import HAVE_TORCH

pytestmark = pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")


@pytest.mark.parametrize("size", [16, 17, 39, 4096, 4100, 64 * 513])
def test_box_muller_gives_torch_normals_and_generator_state(size):
    import torch

    mine, theirs = torch.Generator().manual_seed(11), torch.Generator().manual_seed(11)
    got = torch.empty(size, dtype=torch.float64)
    arraylib._box_muller_fill(torch, got, mine)
    want = torch.empty(size, dtype=torch.float64).normal_(generator=theirs)
    # same uniforms, same formulas; torch's vectorised log/cos/sin may round the last bit apart
    torch.testing.assert_close(got, want, rtol=0, atol=4 * np.finfo(float).eps * 8)
    assert (got == want).double().mean() > 0.9
    assert torch.equal(torch.rand(5, generator=mine, dtype=torch.float64),
                       torch.rand(5, generator=theirs, dtype=torch.float64))


def test_native_draws_are_torch_randn_per_seed():
    import torch

    lib = arraylib.get_arraylib("torch", "cpu")
    assert arraylib._cpu_normal_fill(torch) is not None
    for shape in [(3, 5), (64, 129)]:  # torch's own kernel below the threshold, vectorised above
        draw = lib.normal_source((2, 9), 4, "native")
        got = draw(shape)
        gens = []
        for s in (2, 9):
            g = torch.Generator()
            g.manual_seed(int(arraylib.stream_seed(s, 4).generate_state(1, np.uint64)[0] >> np.uint64(1)))
            gens.append(g)
        want = torch.stack([torch.randn(shape, generator=g, dtype=torch.float64) for g in gens])
        torch.testing.assert_close(got, want, rtol=0, atol=1e-14)


def test_blocked_lower_product_equals_the_full_product():
    import torch

    rng = np.random.default_rng(3)
    n = 300
    a = rng.standard_normal((2, n, n))
    factor = np.linalg.cholesky(a @ np.swapaxes(a, 1, 2) / n + np.eye(n))
    assert samplers._lower_triangular(factor)
    assert not samplers._lower_triangular(factor[:, :100, :100])  # too small to pay
    lib = arraylib.get_arraylib("torch", "cpu")
    blocks = samplers._column_blocks(lib, factor)
    z = torch.as_tensor(rng.standard_normal((2, 7, n)))
    want = z @ torch.as_tensor(np.swapaxes(factor, 1, 2))
    torch.testing.assert_close(samplers._lower_product(blocks, z), want, rtol=1e-12, atol=1e-12)


def test_torch_cpu_fast_path_agrees_with_numpy_at_a_blocked_width():
    # width 256: the factor is (257 x 257), applied by blocks on torch's CPU path
    kwargs = dict(width=256, steps=24, batch=8, seeds=[1, 2], M=1024, rng="numpy", lr=0.02)
    ref = simulate_linear(2, "1/2", 1.5, backend="numpy", **kwargs)
    got = simulate_linear(2, "1/2", 1.5, backend="torch", device="cpu", **kwargs)
    np.testing.assert_allclose(got.loss, ref.loss, rtol=1e-9, atol=0)
    np.testing.assert_allclose(got.extra["s"], ref.extra["s"], rtol=1e-9, atol=1e-14)


def test_native_run_matches_torch_own_kernel(monkeypatch):
    # batch 32 x 257 normals per draw: vectorised; torch's own kernel gives the same run to rounding
    kwargs = dict(width=256, steps=24, batch=32, seeds=[0], M=1024, backend="torch", device="cpu",
                  rng="native", lr=0.02)
    fast = simulate_linear(2, "1/2", 1.5, **kwargs)
    import torch

    monkeypatch.setitem(arraylib._FILL, id(torch), lambda out, g: out.normal_(generator=g))
    own = simulate_linear(2, "1/2", 1.5, **kwargs)
    np.testing.assert_allclose(fast.loss, own.loss, rtol=1e-11, atol=0)


def test_a_torch_with_other_normals_keeps_its_own_kernel(monkeypatch):
    import torch

    monkeypatch.setattr(arraylib, "_box_muller_fill", lambda torch, out, g: out.fill_(0.0))
    monkeypatch.delitem(arraylib._FILL, id(torch), raising=False)
    fill = arraylib._cpu_normal_fill(torch)
    got = torch.empty(64 * 129, dtype=torch.float64)
    fill(got, torch.Generator().manual_seed(1))
    want = torch.empty(64 * 129, dtype=torch.float64).normal_(generator=torch.Generator().manual_seed(1))
    assert torch.equal(got, want)
    monkeypatch.delitem(arraylib._FILL, id(torch))
