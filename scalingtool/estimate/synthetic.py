"""Synthetic tasks drawn as the model of theory §1 draws them, for coverage checks and benchmarks.

Features ``psi ~ N(0, diag(lambda))`` in R^M with ``lambda_k = k^-alpha`` and the target
``y = w* . psi`` with ``lambda_k w*_k^2 = k^-(alpha beta + 1)``; optional label noise.

The model has infinitely many modes (theory §1). With ``tail=True`` the modes beyond M are
represented by M further Gaussian features of equal variance carrying the tail's total
variance ``sum_{k>M} lambda_k`` and target power ``sum_{k>M} k^-(alpha beta + 1)`` (each sum
as the integral from ``M + 1/2``): to first order in ``1/P`` far modes act on the top
eigenvalues only through their total variance (theory §6), so this matches the infinite model
where a plain truncation at M = 4P does not (at alpha = 1.5 the truncated tail is half the
finite-sample lift of the top eigenvalues).
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaussian_task"]


def gaussian_task(alpha: float, beta: float, samples: int, features: int, seed: int = 0,
                  noise: float = 0.0, tail: bool = False, columns: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: P x M features with covariance ``k^-alpha`` and a power-law target.

    The features are scaled by ``sqrt(M)`` so that ``K = X X^T / M`` is ``psi_i . psi_j``,
    the kernel of theory §1 (``K / P`` has eigenvalues ~ ``lambda_k``); with ``tail`` X has
    2M columns (module docstring). ``columns > 1``: y is P x columns, column c > 0 the same
    law with the sign of each mode's weight drawn at random (a multi-output target).
    """
    rng = np.random.default_rng(seed)
    k = np.arange(1, features + 1, dtype=float)
    lam = k ** -alpha
    w = np.sqrt(k ** -(alpha * beta + 1.0) / lam)
    z = rng.standard_normal((samples, features))
    psi = z * np.sqrt(lam)
    y = psi @ w
    if tail:
        edge = features + 0.5
        variance = edge ** (1.0 - alpha) / (alpha - 1.0) / features
        power = edge ** -(alpha * beta) / (alpha * beta) / features
        extra = rng.standard_normal((samples, features)) * np.sqrt(variance)
        y = y + extra @ np.full(features, np.sqrt(power / variance))
        psi = np.concatenate([psi, extra], axis=1)
        w = np.concatenate([w, np.full(features, np.sqrt(power / variance))])
        features = 2 * features
    if noise > 0:
        y = y + noise * rng.standard_normal(samples)
    if columns > 1:
        signs = rng.choice([-1.0, 1.0], size=(columns - 1, features))
        others = psi @ (w[None, :] * signs).T
        if noise > 0:
            others = others + noise * rng.standard_normal(others.shape)
        y = np.concatenate([y[:, None], others], axis=1)
    return psi * np.sqrt(features), y
