"""Eigenpairs of a kernel and of the bootstrap's resampled second moments (theory §6).

Two needs, two routes:

* the kernel ``K / P`` itself (:func:`eigh_top`): its ``count`` largest eigenvalues, the
  projections ``u_k . y`` of the labels on their eigenvectors, and the eigenvectors themselves
  for the ``columns`` modes the bootstrap resamples;
* one resampled second moment ``S`` (:func:`eigh_along`): its eigenvalues and the weights
  ``(v_k . b)^2`` of one vector ``b`` on its eigenvectors, from threads running side by side.

For the second, :func:`eigh_along` turns ``S`` by a Householder reflection ``H`` with
``H b = -/+ |b| e_1`` and reduces ``H S H = Q T Q^T`` to tridiagonal form (``dsytrd``, lower).
Its reflectors leave the first coordinate alone (``Q e_1 = e_1``), so with ``T z_k = lambda_k
z_k`` the eigenvector of ``S`` is ``H Q z_k`` and ``v_k . b = -/+ |b| z_k[0]``: no eigenvector is
ever back-transformed. The two LAPACK calls go through SciPy's documented Cython LAPACK
pointers (``scipy.linalg.cython_lapack``) called with :mod:`ctypes`, which releases the GIL,
so replicates decompose side by side; SciPy's Python wrappers hold it.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

import numpy as np

from .deps import require_scipy

__all__ = ["eigh_top", "eigh_along", "tridiagonal_eigh", "EVD_FRACTION", "TRIDIAGONAL_MIN"]

#: from this fraction of the eigenpairs on, the partial solver ``dsyevr`` (bisection and inverse
#: iteration for a subset, whose re-orthogonalisation grows like the square of the count) is
#: slower than a full solve (measured: docs results page 'Implementation measurements')
EVD_FRACTION = 0.25
#: below this size a full divide-and-conquer solve is as fast as any partial one
TRIDIAGONAL_MIN = 1000


def eigh_top(matrix: np.ndarray, count: int, columns: int | None = None,
             along: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The ``count`` largest eigenvalues of a symmetric matrix (descending), the eigenvectors of
    the top ``columns`` (default ``count``) and, given ``along`` (a vector, or a matrix of
    columns), its projections on all ``count`` eigenvectors (``matrix`` is overwritten).

    Few pairs (under ``EVD_FRACTION`` of n): LAPACK's partial ``dsyevr``. Many pairs of a large
    matrix: :func:`_tridiagonal_top`. Otherwise all pairs by divide and conquer. Each route is
    the fastest of the three where it is used (measured: docs results page 'Implementation
    measurements').
    """
    scipy = require_scipy()
    n = matrix.shape[0]
    count = min(count, n)
    columns = count if columns is None else min(columns, count)
    if count >= EVD_FRACTION * n and count < n and n >= TRIDIAGONAL_MIN:
        return _tridiagonal_top(matrix, count, columns, along)
    if count < EVD_FRACTION * n:
        values, vectors = scipy.linalg.eigh(matrix, subset_by_index=(n - count, n - 1), overwrite_a=True,
                                            check_finite=False, driver="evr")
    else:
        values, vectors = scipy.linalg.eigh(matrix, overwrite_a=True, check_finite=False, driver="evd")
    values, vectors = values[::-1][:count].copy(), vectors[:, ::-1][:, :count]
    projections = None if along is None else vectors.T @ along
    return values, vectors[:, :columns].copy(), projections


def _tridiagonal_top(matrix: np.ndarray, count: int, columns: int,
                     along: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`eigh_top` for many pairs of a large matrix: ``A = Q T Q^T`` (``dsytrd``, lower),
    the eigenpairs of the tridiagonal ``T`` by divide and conquer (``dstevd``: all of them,
    faster than the top ones by ``dstemr``), and ``Q z`` for the top
    ``columns`` only, by ``dormqr``: ``Q = diag(1, Q')``, with ``Q'`` the product of the
    reflectors ``dsytrd`` leaves below the subdiagonal, in the layout a QR factorisation of
    ``A[1:, :-1]`` would leave them. The projections of ``along`` on all ``count`` modes are
    ``z_k . (Q^T along)``: one reflected vector instead of ``count - columns`` back-transformed
    eigenvectors (measured: docs results page 'Implementation measurements')."""
    scipy = require_scipy()
    lapack = scipy.linalg.lapack
    a = np.ascontiguousarray(matrix)
    d, e, tau = _tridiagonalise(a)
    reflectors = a.T  # the Fortran-ordered matrix LAPACK wrote into
    values, z = scipy.linalg.eigh_tridiagonal(d, e, lapack_driver="stevd", check_finite=False)
    values, z = values[::-1][:count].copy(), z[:, ::-1][:, :count]
    projections = None
    if along is not None:
        reflected = np.array(along, dtype=float).reshape(along.shape[0], -1)
        reflected[1:] = _apply_q(lapack, reflectors, tau, reflected[1:], b"T")
        projections = (z.T @ reflected).reshape((count,) + along.shape[1:])
    vectors = np.array(z[:, :columns])
    vectors[1:] = _apply_q(lapack, reflectors, tau, vectors[1:], b"N")
    return values, vectors, projections


def _apply_q(lapack: Any, reflectors: np.ndarray, tau: np.ndarray, block: np.ndarray, trans: bytes) -> np.ndarray:
    """``Q' block`` (``trans`` N) or ``Q'^T block`` (T), ``Q'`` as in :func:`_tridiagonal_top`."""
    n = reflectors.shape[0]
    block = np.asfortranarray(block)
    _, work, info = lapack.dormqr(b"L", trans, reflectors[1:, : n - 1], tau, block, lwork=-1)
    out, _, info = lapack.dormqr(b"L", trans, reflectors[1:, : n - 1], tau, block, lwork=int(work[0]),
                                 overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dormqr failed (info {info})")
    return out


def eigh_along(matrix: np.ndarray, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) of a symmetric matrix and the weights ``(v_k . vector)^2`` of
    ``vector`` on their eigenvectors, without forming the eigenvectors (module docstring);
    ``matrix`` is overwritten. Releases the GIL in its LAPACK calls. Faster than
    ``numpy.linalg.eigh`` with all vectors (measured: docs results page 'Implementation
    measurements')."""
    norm = float(np.linalg.norm(vector))
    if norm == 0.0 or not np.isfinite(norm):
        values, _ = tridiagonal_eigh(matrix)
        return values, np.zeros_like(values)
    v = np.array(vector, dtype=float)
    v[0] += np.copysign(norm, v[0])
    u = v / np.linalg.norm(v)
    p = matrix @ u
    q = 2.0 * p - 2.0 * float(u @ p) * u  # H S H = S - u q^T - q u^T, H = I - 2 u u^T
    matrix -= np.outer(u, q)
    matrix -= np.outer(q, u)
    values, first = tridiagonal_eigh(matrix)
    return values, norm ** 2 * first ** 2


def tridiagonal_eigh(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) of a symmetric matrix and the first component of each eigenvector
    (``Q e_1 = e_1``, module docstring), by ``dsytrd`` and ``dstevd`` with the GIL released;
    ``matrix`` (C-contiguous) is overwritten."""
    n = matrix.shape[0]
    d, e, _ = _tridiagonalise(np.ascontiguousarray(matrix))
    info = ctypes.c_int(0)
    z = np.empty((n, n), order="F")
    lwork, liwork = 1 + 4 * n + n * n, 3 + 5 * n
    work, iwork = np.empty(lwork), np.empty(liwork, dtype=np.intc)
    _routine("dstevd")(b"V", _int(n), _ptr(d), _ptr(e), _ptr(z), _int(n), _ptr(work), _int(lwork), _ptr(iwork),
                       _int(liwork), ctypes.byref(info))
    _check("dstevd", info)
    return d, z[0].copy()


def _tridiagonalise(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``dsytrd`` (lower) in place on a C-contiguous symmetric matrix, GIL released: the diagonal
    and subdiagonal of ``T`` and the reflectors' scalars; the reflectors are left below the
    subdiagonal of ``a.T`` (a symmetric C-ordered matrix is its own transpose, which LAPACK reads
    as Fortran-ordered: no copy)."""
    n = a.shape[0]
    d, e, tau = np.empty(n), np.empty(max(n - 1, 1)), np.empty(max(n - 1, 1))
    info = ctypes.c_int(0)
    lwork = _dsytrd_workspace(n)
    work = np.empty(lwork)
    _routine("dsytrd")(b"L", _int(n), _ptr(a), _int(n), _ptr(d), _ptr(e), _ptr(tau), _ptr(work), _int(lwork),
                       ctypes.byref(info))
    _check("dsytrd", info)
    return d, e[: n - 1], tau[: n - 1]


@functools.lru_cache(maxsize=None)
def _dsytrd_workspace(n: int) -> int:
    """The optimal workspace of ``dsytrd`` for size ``n`` (a LAPACK workspace query)."""
    a, d, work = np.zeros((1, 1)), np.zeros(1), np.zeros(1)
    info = ctypes.c_int(0)
    _routine("dsytrd")(b"L", _int(n), _ptr(a), _int(max(n, 1)), _ptr(d), _ptr(d), _ptr(d), _ptr(work), _int(-1),
                   ctypes.byref(info))
    return max(int(work[0]), 1)


@functools.lru_cache(maxsize=None)
def _routine(name: str) -> Any:
    """SciPy's Cython LAPACK routine ``name`` as a :mod:`ctypes` function (which releases the GIL
    while it runs): its address is the pointer in the PyCapsule ``scipy.linalg.cython_lapack``
    exports for it."""
    require_scipy()
    from scipy.linalg import cython_lapack  # optional extra: scipy

    capsule = cython_lapack.__pyx_capi__[name]
    get_name = ctypes.PYFUNCTYPE(ctypes.c_char_p, ctypes.py_object)(("PyCapsule_GetName", ctypes.pythonapi))
    get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
        ("PyCapsule_GetPointer", ctypes.pythonapi))
    return ctypes.CFUNCTYPE(None)(get_pointer(capsule, get_name(capsule)))


def _int(value: int) -> Any:
    return ctypes.byref(ctypes.c_int(value))


def _ptr(array: np.ndarray) -> ctypes.c_void_p:
    return array.ctypes.data_as(ctypes.c_void_p)


def _check(name: str, info: ctypes.c_int) -> None:
    if info.value != 0:
        raise np.linalg.LinAlgError(f"{name} failed (info {info.value})")
