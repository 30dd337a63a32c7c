"""Kernel Gram matrices from data: the linear kernel of features, a Laplace kernel (theory §6)."""

from __future__ import annotations

import numpy as np

from ..errors import UsageError
from .sources import check_memory, gram_bytes

__all__ = ["feature_gram", "laplace_gram", "gram_of"]


def feature_gram(x: np.ndarray, max_memory: float) -> np.ndarray:
    """``K = X X^T / M`` for P x M features (float64), memory checked first."""
    samples, features = x.shape
    check_memory(gram_bytes(samples), max_memory, f"a {samples} x {samples} kernel")
    x = np.asarray(x, dtype=np.float64)
    gram = x @ x.T  # NumPy forms X X^T as a symmetric rank-k update
    gram /= features
    return gram


def laplace_gram(x: np.ndarray, max_memory: float, scale: float | None = None) -> np.ndarray:
    """``K_ij = exp(-|x_i - x_j| / ell)``, ``ell`` the median pairwise distance unless given."""
    samples = x.shape[0]
    check_memory(gram_bytes(samples) * 1.5, max_memory, f"a {samples} x {samples} kernel")
    x = np.asarray(x, dtype=np.float64)
    sq = np.sum(x * x, axis=1)
    dist = np.sqrt(np.clip(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0, None))
    np.fill_diagonal(dist, 0.0)
    if scale is None:
        scale = float(np.median(dist[np.triu_indices(samples, 1)]))
    if not scale > 0:
        raise UsageError("Laplace kernel: all inputs coincide (median distance 0)")
    return np.exp(-dist / scale)


def gram_of(kind: str, x: np.ndarray, max_memory: float) -> np.ndarray:
    """The named kernel (``linear`` or ``laplace``) of the inputs."""
    if kind == "linear":
        return feature_gram(x, max_memory)
    if kind == "laplace":
        return laplace_gram(x, max_memory)
    raise UsageError(f"kernel: expected linear or laplace, got {kind!r}")
