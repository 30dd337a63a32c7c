"""Synthetic tasks drawn as the model of theory §1 draws them, for coverage checks and benchmarks.

Features ``psi ~ N(0, diag(lambda))`` in R^M with ``lambda_k = k^-alpha`` and the target
``y = w* . psi`` with ``lambda_k w*_k^2 = k^-(alpha beta + 1)``; optional label noise.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaussian_task"]


def gaussian_task(alpha: float, beta: float, samples: int, features: int, seed: int = 0,
                  noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: P x M features with covariance ``k^-alpha`` and a power-law target.

    The features are scaled by ``sqrt(M)`` so that ``K = X X^T / M`` is ``psi_i . psi_j``,
    the kernel of theory §1 (``K / P`` has eigenvalues ~ ``lambda_k``).
    """
    rng = np.random.default_rng(seed)
    k = np.arange(1, features + 1, dtype=float)
    lam = k ** -alpha
    w = np.sqrt(k ** -(alpha * beta + 1.0) / lam)
    z = rng.standard_normal((samples, features))
    psi = z * np.sqrt(lam)
    y = psi @ w
    if noise > 0:
        y = y + noise * rng.standard_normal(samples)
    return psi * np.sqrt(features), y
