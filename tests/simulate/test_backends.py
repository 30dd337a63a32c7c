"""Backends (NumPy, PyTorch): same numbers for the same seed and draws, clean errors otherwise."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from scalingtool.errors import UsageError
from scalingtool.simulate import simulate_linear
from scalingtool.simulate.arraylib import TORCH_MISSING, get_arraylib

from .helpers import BACKENDS, HAVE_TORCH, needs_cuda

# Tiny runs of each training mode and data path: (kwargs, description).
MODES = [
    ({}, "population GD"),
    ({"batch": 4}, "online SGD, fast path"),
    ({"batch": 4, "path": "explicit"}, "online SGD, explicit path"),
    ({"data": 40}, "full-batch GD on 40 points"),
    ({"batch": 4, "path": "explicit", "tail": "gaussian"}, "online SGD, explicit path, Gaussian tail"),
]


def _run(backend: str, **kwargs):
    return simulate_linear(2, "1/2", 1.5, width=12, steps=60, seeds=[3, 5], M=96, backend=backend,
                           rng="numpy", **kwargs)


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
@pytest.mark.parametrize("kwargs,what", MODES, ids=[m[1] for m in MODES])
def test_numpy_and_torch_agree_for_the_same_draws(kwargs, what):
    ref = _run("numpy", **kwargs)
    got = _run("torch", device="cpu", **kwargs)
    assert got.metadata["backend"] == "torch" and got.metadata["device"] == "cpu"
    # Same float64 arithmetic on the same draws; only the summation order of the BLAS
    # calls differs, so the curves agree to rounding (1e-9 relative is ~1e6 ulps of slack
    # for 60 steps of error amplification at most eta * d_max (1 + 2 s) < 1).
    np.testing.assert_allclose(got.loss, ref.loss, rtol=1e-9, atol=0)
    np.testing.assert_allclose(got.extra["s"], ref.extra["s"], rtol=1e-9, atol=1e-14)
    assert got.lr == pytest.approx(ref.lr, rel=1e-12)


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_torch_native_rng_is_reproducible_and_seed_specific():
    # the default lr is shared by the ensemble (the most cautious member's), so fix it here
    a = simulate_linear(2, 0.5, 1, width=8, steps=20, batch=2, seeds=[0, 1], M=64, backend="torch",
                        device="cpu", rng="native", lr=0.05)
    b = simulate_linear(2, 0.5, 1, width=8, steps=20, batch=2, seeds=[1], M=64, backend="torch",
                        device="cpu", rng="native", lr=0.05)
    # member "seed 1" sees the same noise whether or not seed 0 runs beside it
    np.testing.assert_allclose(a.loss[1], b.loss[0], rtol=1e-12)
    assert not np.allclose(a.loss[0], a.loss[1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_ensemble_member_does_not_depend_on_its_neighbours(backend):
    # the default lr is shared by the ensemble (the most cautious member's), so fix it here
    together = simulate_linear(2, 0.5, 1, width=8, steps=30, batch=3, seeds=[4, 7], M=64, backend=backend,
                               rng="numpy", lr=0.05)
    alone = simulate_linear(2, 0.5, 1, width=8, steps=30, batch=3, seeds=[7], M=64, backend=backend,
                            rng="numpy", lr=0.05)
    np.testing.assert_allclose(together.loss[1], alone.loss[0], rtol=1e-12)


def test_missing_torch_is_a_usage_error(monkeypatch):
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(UsageError) as info:
        get_arraylib("torch")
    assert str(info.value) == TORCH_MISSING


def test_backend_and_device_names_are_checked():
    with pytest.raises(UsageError, match="backend = 'jax'"):
        get_arraylib("jax")
    with pytest.raises(UsageError, match="device = 'tpu'"):
        get_arraylib("numpy", "tpu")
    with pytest.raises(UsageError, match="needs backend = 'torch'"):
        get_arraylib("numpy", "cuda")


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_cuda_without_cuda_is_a_usage_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(UsageError, match="no CUDA device"):
        get_arraylib("torch", "cuda")
    assert get_arraylib("torch", "auto").device == "cpu"


@pytest.mark.gpu
@needs_cuda
@pytest.mark.parametrize("kwargs,what", MODES, ids=[m[1] for m in MODES])
def test_cuda_agrees_with_numpy(kwargs, what):
    ref = _run("numpy", **kwargs)
    got = _run("torch", device="cuda", **kwargs)
    assert got.metadata["device"] == "cuda"
    # float64 on the GPU: different reduction order, same tolerance reason as on the CPU
    np.testing.assert_allclose(got.loss, ref.loss, rtol=1e-9, atol=0)
