"""Two exact ways to draw training pairs ``(h, y) = (A psi, w* . psi)`` (theory §1).

* :class:`ExplicitSampler` draws ``psi ~ N(0, Lambda)`` in R^M and multiplies by ``A``:
  ``O(N M)`` per sample -- what a user would naively write.
* :class:`FastSampler` uses that ``(h, y)`` is jointly Gaussian in R^(N+1) with covariance
  ``K = [[Sigma, b], [b^T, yy]]`` (theory §1, "useful identity"): one factor ``K = L L^T`` is
  computed once, then ``(h, y) = L z`` with ``z ~ N(0, I_{N+1})``: ``O(N^2)`` per sample,
  exact in distribution. The factor is a Cholesky factor; when ``K`` is singular (``M <= N``
  without a tail) it is ``V diag(sqrt(max(e, 0)))`` from ``K = V diag(e) V^T`` instead.

The Gaussian tail of :mod:`scalingtool.simulate.task` enters both: in ``Sigma``/``yy`` for
the fast path, as independent extra noise on ``h`` and ``y`` for the explicit one. Each
sampler maps a source of standard normals (from :meth:`ArrayLib.normal_source`) to batches
of shape ``(S, batch, N)`` and ``(S, batch)`` in the array library.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .arraylib import ArrayLib
from .projection import Projection
from .task import PowerLawTask

__all__ = ["FastSampler", "ExplicitSampler", "make_sampler", "joint_factor"]

Draw = Callable[[tuple[int, ...]], Any]


def joint_factor(proj: Projection) -> np.ndarray:
    """``L`` with ``L L^T = [[Sigma, b], [b^T, yy]]`` for every member, shape (S, N+1, N+1)."""
    n = proj.width
    size = proj.b.shape[0]
    k = np.empty((size, n + 1, n + 1))
    k[:, :n, :n] = proj.sigma
    k[:, :n, n] = proj.b
    k[:, n, :n] = proj.b
    k[:, n, n] = proj.yy
    factors = []
    for ks in k:
        try:
            factors.append(np.linalg.cholesky(ks))
        except np.linalg.LinAlgError:
            e, v = np.linalg.eigh(ks)
            factors.append(v * np.sqrt(np.clip(e, 0.0, None)))
    return np.stack(factors)


class FastSampler:
    """``(h, y) = L z`` in R^(N+1): ``O(N^2)`` per sample (theory §1)."""

    name = "fast"

    def __init__(self, proj: Projection, task: PowerLawTask, lib: ArrayLib) -> None:
        self.width = proj.width
        factor = joint_factor(proj)
        self._factor_t = self._blocks = None
        if lib.name == "torch" and lib.device == "cpu" and _lower_triangular(factor):
            self._blocks = _column_blocks(lib, factor)
        else:
            self._factor_t = lib.asarray(np.ascontiguousarray(np.swapaxes(factor, 1, 2)))

    def sample(self, draw: Draw, batch: int) -> tuple[Any, Any]:
        """One batch: ``h`` of shape (S, batch, N) and ``y`` of shape (S, batch)."""
        z = draw((batch, self.width + 1))
        if self._blocks is None:
            hy = z @ self._factor_t
        else:
            hy = _lower_product(self._blocks, z)
        return hy[..., : self.width], hy[..., self.width]


#: below this size the factor is applied in one product (the blocks' overhead would dominate)
_BLOCKED_FROM = 256
#: columns of the transposed factor per block of the blocked product
_BLOCK_COLUMNS = 128


def _lower_triangular(factor: np.ndarray) -> bool:
    """Whether every member's factor is lower triangular (a Cholesky factor) and large enough
    for the blocked product of :func:`_lower_product` to pay."""
    n = factor.shape[-1]
    return n >= _BLOCKED_FROM and not np.triu(factor, 1).any()


def _column_blocks(lib: ArrayLib, factor: np.ndarray) -> list[tuple[int, Any]]:
    """Column blocks ``L^T[:, :j, i:j]`` of the transposed factor: the rows past ``j`` are zero."""
    n = factor.shape[-1]
    count = max(1, round(n / _BLOCK_COLUMNS))
    edges = [round(n * i / count) for i in range(count + 1)]
    factor_t = np.swapaxes(factor, 1, 2)
    return [(j, lib.asarray(np.ascontiguousarray(factor_t[:, :j, i:j]))) for i, j in zip(edges, edges[1:])]


def _lower_product(blocks: list[tuple[int, Any]], z: Any) -> Any:
    """``z @ L^T`` for a lower-triangular ``L`` from the column blocks of ``L^T``: each block
    multiplies only the columns of ``z`` it has nonzeros for, about half the work of the full
    product (on torch's CPU path, where that product is the bulk of an SGD step); the same
    sums, in another order (equal to rounding)."""
    import torch  # optional extra: torch (only its CPU path calls this)

    return torch.cat([z[..., :j] @ block for j, block in blocks], dim=-1)


class ExplicitSampler:
    """``psi ~ N(0, Lambda)`` in R^M, ``h = A psi``, ``y = w* . psi``: ``O(N M)`` per sample."""

    name = "explicit"

    def __init__(self, proj: Projection, task: PowerLawTask, lib: ArrayLib) -> None:
        if proj.a_transposed is None:
            raise ValueError("the explicit path needs the projection built with keep_matrix=True")
        self.width = proj.width
        self.modes = task.modes
        self._a_t = lib.asarray(proj.a_transposed)
        self._sqrt_lam = lib.asarray(np.sqrt(task.lam))
        self._w = lib.asarray(task.w)
        self._tail = task.tail == "gaussian"
        self._tail_h = math.sqrt(task.extra_h_var)
        self._tail_y = math.sqrt(task.extra_y_var)

    def sample(self, draw: Draw, batch: int) -> tuple[Any, Any]:
        """One batch: ``h`` of shape (S, batch, N) and ``y`` of shape (S, batch)."""
        extra = self.width + 1 if self._tail else 0
        z = draw((batch, self.modes + extra))
        psi = z[..., : self.modes] * self._sqrt_lam
        h = psi @ self._a_t
        y = psi @ self._w
        if self._tail:
            h = h + self._tail_h * z[..., self.modes: self.modes + self.width]
            y = y + self._tail_y * z[..., -1]
        return h, y


def make_sampler(path: str, proj: Projection, task: PowerLawTask,
                 lib: ArrayLib) -> FastSampler | ExplicitSampler:
    """The sampler for ``path`` (``"fast"`` or ``"explicit"``)."""
    return (FastSampler if path == "fast" else ExplicitSampler)(proj, task, lib)
