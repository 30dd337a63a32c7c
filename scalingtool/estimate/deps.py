"""Optional dependencies of the estimator, imported on first use with a one-line message."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UsageError

__all__ = ["require_scipy", "require_torch", "eigh_top"]


def require_scipy() -> Any:
    """``scipy`` or a usage error naming the extra that installs it."""
    try:
        import scipy.linalg
        import scipy.optimize  # noqa: F401
    except ImportError:
        raise UsageError("estimate needs scipy: pip install 'scalingtool[estimate]'") from None
    import scipy

    return scipy


def require_torch() -> Any:
    """``torch`` (with ``torch.func``) or a usage error naming the extra."""
    try:
        import torch
        import torch.func  # noqa: F401
    except ImportError:
        raise UsageError("the NTK of a model needs PyTorch: pip install 'scalingtool[torch]'") from None
    return torch


def eigh_top(matrix: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` largest eigenpairs of a symmetric matrix, eigenvalues descending."""
    scipy = require_scipy()
    n = matrix.shape[0]
    count = min(count, n)
    subset = None if count >= n else (n - count, n - 1)
    values, vectors = scipy.linalg.eigh(matrix, subset_by_index=subset, overwrite_a=True,
                                        check_finite=False, driver="evr" if subset else "evd")
    return values[::-1].copy(), vectors[:, ::-1].copy()
