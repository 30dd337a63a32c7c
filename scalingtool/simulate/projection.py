"""The frozen random projection ``A`` and the N-space statistics it induces (theory §1, §2).

For each seed, ``A`` (N x M, i.i.d. N(0, 1)) is drawn from that seed's projection stream by
:func:`scalingtool.spectral.projection_moments` -- the same ``A`` that the reduced solvers
draw for the same ``(seed, N, M)`` -- and reduced once to

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

from ..spectral import power_iteration, projection_moments
from .task import PowerLawTask

__all__ = ["Projection", "build_projection"]


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


def build_projection(task: PowerLawTask, width: int, seeds: Sequence[int], keep_matrix: bool = False,
                     share: bool = False) -> Projection:
    """Draw ``A`` for every seed (or once, for ``seeds[0]``, if ``share``) and reduce it."""
    draw_seeds = [seeds[0]] if share else list(seeds)
    lam, w = task.lam, task.w
    parts = [projection_moments(lam, w, width, s, task.extra_h_var, keep_matrix) for s in draw_seeds]
    if share:
        parts = parts * len(seeds)
    sigma = np.stack([p[0] for p in parts])
    b = np.stack([p[1] for p in parts])
    a_transposed = np.stack([p[2] for p in parts]) if keep_matrix else None
    yy = float(np.sum(lam * w * w)) + task.extra_y_var
    yy_arr = np.full(len(seeds), yy)
    floor = 0.5 * (yy_arr - np.array([_explained(sg, bs) for sg, bs in zip(sigma, b)]))
    return Projection(sigma, b, yy_arr, floor, a_transposed)


def _top_eigenvalue(sigma: np.ndarray, tol: float = 1e-9, max_iter: int = 2000) -> np.ndarray:
    """Top eigenvalue of each symmetric PSD matrix in the stack, by power iteration from the
    all-ones vector until every Rayleigh quotient changes by less than ``tol`` relatively.

    A slow gap makes it converge from below; the step-size rule uses it with a safety factor.
    """
    start = np.ones(sigma.shape[:2])
    return power_iteration(lambda v: np.einsum("sij,sj->si", sigma, v), start, max_iter, tol)[0]


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
