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


def _curves(param: str, gamma0: str, width: int, data) -> tuple[np.ndarray, np.ndarray]:
    """(loss, kernel top eigenvalue) at the recorded steps, one row per seed."""
    from scalingtool.simulate.cnn import run_cnn

    config = CnnRun.from_user(width=width, param=param, gamma0=gamma0, steps=300, batch=16, seeds=4, lr="0.5",
                              test_samples=200, max_substeps=256)
    result = run_cnn(config, data=data)
    return result.loss, result.extra["kernel_top"]


def _gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|difference of the seed means| over the standard error of that difference, per point."""
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    return np.abs(a.mean(axis=0) - b.mean(axis=0)) / np.maximum(se, 1e-12)


def test_mup_widths_agree_where_standard_widths_do_not():
    data = _task(n=2000, test=200, classes=4, seed=3)
    (loss16, top16), (loss64, top64) = (_curves("mup", "1", w, data) for w in (16, 64))
    (nloss16, _), (nloss64, _) = (_curves("ntk", "16", w, data) for w in (16, 64))  # gamma 1.41 and 0.71
    # muP: the whole loss curve and the kernel's growth agree at every recorded step within the
    # seeds' spread (3.5 standard errors: about 25 recorded points are compared, so a bound of
    # 3 would be crossed by chance in a few per cent of runs)
    assert _gap(loss16[:, 1:], loss64[:, 1:]).max() < 3.5
    assert _gap(top16, top64).max() < 3.5
    # standard parametrisation, same nominal gamma0: the wider network learns less, and its
    # final loss is many standard errors away from the narrower one's
    assert _gap(nloss16[:, -1:], nloss64[:, -1:])[0] > 3.5
