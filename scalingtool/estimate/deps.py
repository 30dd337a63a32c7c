"""Optional dependencies of the estimator, imported on first use with a one-line message."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UsageError

__all__ = ["require_scipy", "require_threadpoolctl", "require_torch", "eigh_top", "EVD_FRACTION", "TRIDIAGONAL_MIN"]


def require_scipy() -> Any:
    """``scipy`` or a usage error naming the extra that installs it."""
    try:
        import scipy.linalg
        import scipy.optimize  # noqa: F401
    except ImportError:
        raise UsageError("estimate needs scipy: pip install 'scalingtool[estimate]'") from None
    import scipy

    return scipy


def require_threadpoolctl() -> Any:
    """``threadpoolctl.threadpool_limits`` (the bootstrap's threads each run a single-threaded
    BLAS) or a usage error naming the extra that installs it."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise UsageError("estimate needs threadpoolctl: pip install 'scalingtool[estimate]'") from None
    return threadpool_limits


def require_torch() -> Any:
    """``torch`` (with ``torch.func``) or a usage error naming the extra."""
    try:
        import torch
        import torch.func  # noqa: F401
    except ImportError:
        raise UsageError("the NTK of a model needs PyTorch: pip install 'scalingtool[torch]'") from None
    return torch


#: from this fraction of the eigenpairs on, the partial solver ``dsyevr`` (bisection and inverse
#: iteration for a subset, whose re-orthogonalisation grows like the square of the count) is
#: slower than a full solve: at n = 4000 the top 1600 took 17 s against 8.4 s for all (OpenBLAS)
EVD_FRACTION = 0.25
#: below this size a full divide-and-conquer solve is as fast as any partial one
TRIDIAGONAL_MIN = 1000


def eigh_top(matrix: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` largest eigenpairs of a symmetric matrix, eigenvalues descending
    (``matrix`` is overwritten).

    Few pairs (under ``EVD_FRACTION`` of n): LAPACK's partial ``dsyevr``. Many pairs of a large
    matrix: :func:`_tridiagonal_top`. Otherwise all pairs by divide and conquer. Measured with
    OpenBLAS on 2 cores, n = 4000: top 400 by ``dsyevr`` 4.8 s (5.6 s the tridiagonal way); top
    1600 the tridiagonal way 6.6-7.4 s, all 4000 by ``dsyevd`` 8.4-10 s, ``dsyevr`` 17 s.
    """
    scipy = require_scipy()
    n = matrix.shape[0]
    count = min(count, n)
    if count < EVD_FRACTION * n:
        values, vectors = scipy.linalg.eigh(matrix, subset_by_index=(n - count, n - 1), overwrite_a=True,
                                            check_finite=False, driver="evr")
    elif count < n and n >= TRIDIAGONAL_MIN:
        values, vectors = _tridiagonal_top(matrix, count)
    else:
        values, vectors = scipy.linalg.eigh(matrix, overwrite_a=True, check_finite=False, driver="evd")
    return values[::-1][:count].copy(), vectors[:, ::-1][:, :count].copy()


def _tridiagonal_top(matrix: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The top ``count`` eigenpairs (ascending): ``A = Q T Q^T`` (``dsytrd``, lower), the
    eigenpairs of the tridiagonal ``T`` by divide and conquer (``dstevd``: 1.1-2.0 s at
    n = 4000, against 1.8-2.4 s for the top 1600 by ``dstemr``), and ``Q z`` for the top
    ``count`` only, by ``dormqr``: ``Q = diag(1, Q')``, with ``Q'`` the product of the
    reflectors ``dsytrd`` leaves below the subdiagonal, in the layout a QR factorisation of
    ``A[1:, :-1]`` would leave them. ``dsyevd`` back-transforms all n vectors instead."""
    scipy = require_scipy()
    lapack = scipy.linalg.lapack
    n = matrix.shape[0]
    lwork, info = lapack.dsytrd_lwork(n, lower=1)
    # a symmetric C-ordered matrix is its own transpose, which is Fortran-ordered: no copy
    reflectors, d, e, tau, info = lapack.dsytrd(matrix.T, lower=1, lwork=int(lwork), overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dsytrd failed (info {info})")
    values, z = scipy.linalg.eigh_tridiagonal(d, e, lapack_driver="stevd", check_finite=False)
    values, z = values[n - count:], z[:, n - count:]
    lower = np.asfortranarray(z[1:])
    _, work, info = lapack.dormqr(b"L", b"N", reflectors[1:, : n - 1], tau, lower, lwork=-1)
    rotated, _, info = lapack.dormqr(b"L", b"N", reflectors[1:, : n - 1], tau, lower, lwork=int(work[0]),
                                     overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dormqr failed (info {info})")
    z = np.array(z)  # the top columns only
    z[1:] = rotated
    return values, z
