"""Shared helpers for the simulator tests: backends to parametrise over, CUDA detection."""

from __future__ import annotations

import importlib.util

import pytest

HAVE_TORCH = importlib.util.find_spec("torch") is not None


def _cuda_available() -> bool:
    if not HAVE_TORCH:
        return False
    import torch

    return bool(torch.cuda.is_available())


#: "numpy" always; "torch" skipped cleanly where PyTorch is not installed
BACKENDS = ["numpy", pytest.param("torch", marks=pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch"))]

#: for tests marked gpu: skip cleanly without CUDA
needs_cuda = pytest.mark.skipif(not _cuda_available(), reason="needs a CUDA device")
