"""Keep PyTorch to one intra-op thread in these tests.

The test problems are tiny (N <= 64): torch's thread pool only adds synchronisation, and on
a shared 2-core machine a busy neighbour makes it 10x slower. The setting is restored after
each test.
"""

from __future__ import annotations

import pytest

from .helpers import HAVE_TORCH


@pytest.fixture(autouse=True)
def _torch_single_thread():
    if not HAVE_TORCH:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
