"""The frozen random projection ``A`` and the moments it induces (theory §1, §2).

``A`` is N x M with i.i.d. N(0, 1) entries, drawn from the projection generator of the seed
(:func:`~scalingtool.spectral.streams.projection_generator`, i.e. ``default_rng(seed)``) in
column blocks of :data:`COLUMN_BLOCK`: each block is the next ``N x columns`` normals of that
generator in row-major order, so for ``M <= COLUMN_BLOCK`` ``A`` is exactly
``default_rng(seed).standard_normal((N, M))``. The same ``(seed, N, M)`` gives the same ``A`` to
every caller -- the reduced solvers (``scalingtool solve --width N --seed S``) and the
simulators (``scalingtool simulate``, member seed S) -- and a different N or M draws a
different ``A``.

Everything the population loss and its gradients need is the pair (theory §1, §2)

    Sigma = A Lambda A^T (+ c I),    b = A Lambda w*,

the covariance of ``h = A psi`` and its covariance with ``y = w* . psi``. ``A`` is drawn and
reduced :data:`COLUMN_BLOCK` columns at a time, so memory stays ``O(N^2 + N COLUMN_BLOCK)``
while the cost is ``O(N^2 M)``; ``A`` itself is kept only on request (``8 N M`` bytes).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from .streams import projection_generator

__all__ = ["COLUMN_BLOCK", "projection_blocks", "projection_matrix", "projection_moments"]

#: columns of ``A`` drawn and reduced at a time (bounded memory for large M)
COLUMN_BLOCK = 4096


def projection_blocks(width: int, modes: int, seed: int) -> Iterator[tuple[int, np.ndarray]]:
    """``(k0, block)`` over ``A`` (width x modes): ``block[j]`` is column ``k0 + j`` of ``A``.

    Each block is a slice of ``A^T``, shape ``(columns, width)`` (module docstring).
    """
    rng = projection_generator(seed)
    for start in range(0, modes, COLUMN_BLOCK):
        stop = min(modes, start + COLUMN_BLOCK)
        yield start, rng.standard_normal((width, stop - start)).T


def projection_matrix(width: int, modes: int, seed: int) -> np.ndarray:
    """The whole ``A`` (width x modes) of ``seed``: the matrix :func:`projection_blocks` walks."""
    return np.concatenate([block for _, block in projection_blocks(width, modes, seed)]).T


def projection_moments(lam: np.ndarray, w: np.ndarray, width: int, seed: int,
                       diagonal: float = 0.0,
                       keep: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(Sigma, b, A^T or None)`` for the ``A`` of ``seed`` with ``M = len(lam)`` columns.

    ``Sigma = A diag(lam) A^T + diagonal I`` (exactly symmetric) and ``b = A diag(lam) w``
    (theory §1: ``Cov(h)`` and ``Cov(h, y)``; ``diagonal`` is the trace of modes kept
    beyond ``M`` as an extra isotropic Gaussian). ``keep`` also returns ``A^T`` (M x N).
    """
    modes = len(lam)
    sqrt_lam = np.sqrt(lam)
    target = lam * w
    sigma = np.zeros((width, width))
    b = np.zeros(width)
    a_transposed = np.empty((modes, width)) if keep else None
    for start, block in projection_blocks(width, modes, seed):
        stop = start + block.shape[0]
        scaled = block * sqrt_lam[start:stop, None]
        sigma += scaled.T @ scaled  # X^T X: NumPy uses the symmetric rank-k update (half the flops)
        b += target[start:stop] @ block
        if a_transposed is not None:
            a_transposed[start:stop] = block
    sigma = 0.5 * (sigma + sigma.T)
    if diagonal:
        sigma += diagonal * np.eye(width)
    return sigma, b, a_transposed
