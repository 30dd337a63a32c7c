"""The frozen random projection ``A`` and the N-space statistics it induces (theory §1, §2).

For each seed, ``A`` (N x M, i.i.d. N(0, 1)) is drawn column block by column block from
that seed's projection stream, and reduced once to

    Sigma = A Lambda A^T (+ tail_lambda I),   b = A Lambda w*,   yy = w*^T Lambda w* (+ tail power),

the joint covariance of ``(h, y) = (A psi, w* . psi)``. Everything the population loss
and the fast sampler need is in ``(Sigma, b, yy)``: the cost is ``O(N^2 M)`` once. ``A``
itself is kept only for the explicit path (memory ``8 N M`` bytes per seed).

Also computed (on first use): the eigenvalues ``d_i`` of ``Sigma / N`` (step-size rules,
SGD recursion of theory §2), its top eigenvalue alone, and the width floor ``L_inf(N) = 1/2 (yy - b^T Sigma^+ b)``, the
smallest population loss any predictor ``beta_vec = A^T u`` reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from .backend import numpy_generators
from .task import PowerLawTask

__all__ = ["Projection", "build_projection", "PROJECTION_STREAM", "COLUMN_BLOCK"]

#: random stream of A (the noise and data streams are in linear.py)
PROJECTION_STREAM = 1
#: columns of A drawn and reduced at a time (bounded memory for large M)
COLUMN_BLOCK = 4096


@dataclass(frozen=True)
class Projection:
    """Per-seed statistics of the frozen projection; leading axis = ensemble member."""

    sigma: np.ndarray  # (S, N, N)
    b: np.ndarray  # (S, N)
    yy: np.ndarray  # (S,)
    floor: np.ndarray  # (S,) L_inf(N) = 1/2 (yy - b^T Sigma^+ b)
    a_transposed: np.ndarray | None  # (S, M, N) = A^T, kept for the explicit path

    @cached_property
    def kernel_eigs(self) -> np.ndarray:
        """Eigenvalues ``d_i`` of ``Sigma / N`` per member, ascending, shape (S, N) (computed on first use)."""
        return np.linalg.eigvalsh(self.sigma) / self.width

    @cached_property
    def top_kernel_eig(self) -> np.ndarray:
        """Largest eigenvalue of ``Sigma / N`` per member, by power iteration (S,)."""
        return _top_eigenvalue(self.sigma) / self.width

    @property
    def width(self) -> int:
        """N."""
        return int(self.b.shape[1])

    def loss(self, u: np.ndarray) -> np.ndarray:
        """Population loss ``1/2 (yy - 2 u.b + u^T Sigma u)`` for ``u`` of shape (S, N) (theory §2)."""
        su = np.einsum("sij,sj->si", self.sigma, u)
        return 0.5 * (self.yy - 2.0 * np.sum(u * self.b, axis=1) + np.sum(u * su, axis=1))


def _reduce_one(task: PowerLawTask, width: int, rng: np.random.Generator,
                keep: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Draw one ``A`` block by block; return ``(Sigma, b, A^T or None)``."""
    lam, w = task.lam, task.w
    sqrt_lam = np.sqrt(lam)
    sigma = np.zeros((width, width))
    b = np.zeros(width)
    a_full = np.empty((task.modes, width)) if keep else None
    for start in range(0, task.modes, COLUMN_BLOCK):
        stop = min(start + COLUMN_BLOCK, task.modes)
        block = rng.standard_normal((width, stop - start))
        scaled = block * sqrt_lam[start:stop]
        sigma += scaled @ scaled.T  # X @ X.T: NumPy uses the symmetric rank-k update (half the flops)
        b += block @ (lam[start:stop] * w[start:stop])
        if a_full is not None:
            a_full[start:stop] = block.T
    sigma = 0.5 * (sigma + sigma.T) + task.extra_h_var * np.eye(width)
    return sigma, b, a_full


def build_projection(task: PowerLawTask, width: int, seeds: Sequence[int], keep_matrix: bool = False,
                     share: bool = False) -> Projection:
    """Draw ``A`` for every seed (or once, for ``seeds[0]``, if ``share``) and reduce it."""
    draw_seeds = [seeds[0]] if share else list(seeds)
    gens = numpy_generators(draw_seeds, PROJECTION_STREAM)
    parts = [_reduce_one(task, width, g, keep_matrix) for g in gens]
    if share:
        parts = parts * len(seeds)
    sigma = np.stack([p[0] for p in parts])
    b = np.stack([p[1] for p in parts])
    a_transposed = np.stack([p[2] for p in parts]) if keep_matrix else None
    lam, w = task.lam, task.w
    yy = float(np.sum(lam * w * w)) + task.extra_y_var
    yy_arr = np.full(len(seeds), yy)
    floor = 0.5 * (yy_arr - np.array([_explained(sg, bs) for sg, bs in zip(sigma, b)]))
    return Projection(sigma, b, yy_arr, floor, a_transposed)


def _top_eigenvalue(sigma: np.ndarray, tol: float = 1e-9, max_iter: int = 2000) -> np.ndarray:
    """Top eigenvalue of each symmetric PSD matrix in the stack (power iteration, Rayleigh quotient).

    Stops when the Rayleigh quotient of every member changes by less than ``tol`` relatively.
    A slow gap makes it converge from below; the step-size rule uses it with a safety factor.
    """
    v = np.ones(sigma.shape[:2]) / np.sqrt(sigma.shape[1])
    value = np.zeros(sigma.shape[0])
    for _ in range(max_iter):
        w = np.einsum("sij,sj->si", sigma, v)
        new = np.sum(v * w, axis=1)
        v = w / np.linalg.norm(w, axis=1, keepdims=True)
        if np.all(np.abs(new - value) <= tol * np.abs(new)):
            return new
        value = new
    return value


def _explained(sigma: np.ndarray, b: np.ndarray) -> float:
    """``b^T Sigma^+ b``: Cholesky solve, or the pseudo-inverse when ``Sigma`` is singular (M < N)."""
    try:
        factor = np.linalg.cholesky(sigma)
        z = np.linalg.solve(factor, b)
        return float(z @ z)
    except np.linalg.LinAlgError:
        evals, evecs = np.linalg.eigh(sigma)
        bt = evecs.T @ b
        keep = evals > evals[-1] * 1e-13 * len(b)
        return float(np.sum(bt[keep] ** 2 / evals[keep]))
