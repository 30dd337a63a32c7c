"""Thread counts fitted to the problem and the machine's load, restored afterwards."""

from __future__ import annotations

import numpy as np
import pytest

from scalingtool.simulate import threads

from .helpers import HAVE_TORCH


def test_small_problems_run_on_one_thread():
    assert threads.thread_count(512.0**3, threads.DECOMPOSITION_SMALL, 8) == 1
    assert threads.thread_count(16 * 512.0, threads.STEP_SMALL, 8) == 1


def test_large_problems_get_the_cores_the_load_leaves(monkeypatch):
    monkeypatch.setattr(threads, "_cores", lambda: 8)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # only this process
    assert threads.thread_count(4096.0**3, threads.DECOMPOSITION_SMALL, 4) == 4
    assert threads.thread_count(4096.0**3, threads.DECOMPOSITION_SMALL, 16) == 8
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (6.5, 1.0, 1.0))
    assert threads.thread_count(4096.0**3, threads.DECOMPOSITION_SMALL, 8) == 2
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (30.0, 1.0, 1.0))
    assert threads.thread_count(4096.0**3, threads.DECOMPOSITION_SMALL, 8) == 1


def _pool_threads() -> list[int]:
    pools = threads._threadpools()
    return [] if pools is None else [lib.num_threads for lib in pools.lib_controllers]


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_fitted_threads_restores_torch_and_the_pools():
    import torch

    before = torch.get_num_threads()
    pools_before = _pool_threads()
    try:
        torch.set_num_threads(2)
        with threads.fitted_threads(100.0, threads.STEP_SMALL, torch) as count:
            assert count == 1 and torch.get_num_threads() == 1
            assert all(n == 1 for n in _pool_threads())
        assert torch.get_num_threads() == 2
        with pytest.raises(RuntimeError):
            with threads.fitted_threads(100.0, threads.STEP_SMALL, torch):
                raise RuntimeError("inside")
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert torch.get_num_threads() == before
    assert _pool_threads() == pools_before


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_nested_contexts_restore_in_turn():
    import torch

    before = torch.get_num_threads()
    with threads.fitted_threads(1e30, threads.STEP_SMALL, torch):
        outer = torch.get_num_threads()
        with threads.fitted_threads(1.0, threads.STEP_SMALL, torch):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == outer
    assert torch.get_num_threads() == before


@pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")
def test_observe_decomposes_each_kernel_once(monkeypatch):
    import torch

    from scalingtool.simulate.relu_mlp import simulate_relu_mlp

    calls = []
    eigvalsh = torch.linalg.eigvalsh

    def counted(a, *args, **kwargs):
        calls.append(tuple(a.shape))
        return eigvalsh(a, *args, **kwargs)

    monkeypatch.setattr(torch.linalg, "eigvalsh", counted)
    r = simulate_relu_mlp(0.5, 0.0, depth=1, width=16, steps=20, modes=8, data="grid", points=64,
                          seeds=1, kernel_points=64, alpha_range=(2, 8))
    kern = r.metadata["kernel"]
    # lazy (no probes): the initial kernel's top, then one decomposition per kernel measurement
    assert len(calls) == 1 + len(kern["steps"])
    # the top and the spectrum come from the same decomposition
    for top, eig in zip(kern["top"], kern["eigenvalues_mean"]):
        assert top[0] == eig[0]
        np.testing.assert_array_equal(eig, sorted(eig, reverse=True))
