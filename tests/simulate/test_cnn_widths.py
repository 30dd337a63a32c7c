"""Width consistency of the centred CNN (slow): under muP a fixed gamma0 gives the same
learning curve at every width (theory §5, the mean-field limit), within the seeds' spread; the
standard (NTK) parametrisation at the same gamma0 runs lazier as the width grows, so its
curves separate."""

from __future__ import annotations

import numpy as np
import pytest

from scalingtool.config import CnnRun

from .helpers import HAVE_TORCH
from .test_cnn import _task

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not HAVE_TORCH, reason="needs PyTorch")]


def _final(param: str, gamma0: str, width: int, data) -> np.ndarray:
    from scalingtool.simulate.cnn import run_cnn

    config = CnnRun.from_user(width=width, param=param, gamma0=gamma0, steps=300, batch=16, seeds=4, lr="0.5",
                              test_samples=200, max_substeps=256)
    return run_cnn(config, data=data).loss[:, -1]


def test_mup_widths_agree_where_standard_widths_do_not():
    data = _task(n=2000, test=200, classes=4, seed=3)
    mup = [_final("mup", "1", w, data) for w in (16, 64)]
    ntk = [_final("ntk", "16", w, data) for w in (16, 64)]  # gamma = 16 / sqrt(8 N): 1.41 and 0.71
    # the seeds' spread: the standard error of the difference of two means of 4 seeds
    spread = lambda pair: float(np.sqrt(sum(p.var(ddof=1) / len(p) for p in pair)))  # noqa: E731
    assert abs(mup[0].mean() - mup[1].mean()) < 3 * spread(mup)
    assert abs(ntk[0].mean() - ntk[1].mean()) > 3 * spread(ntk)
