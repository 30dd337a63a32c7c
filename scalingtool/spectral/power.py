"""Batched power iteration for the top eigenvalue of symmetric PSD operators.

For a symmetric positive semi-definite ``K`` and a start ``v`` with a component along the
top eigenvector, ``v <- K v / |K v|`` converges to it and the Rayleigh quotient ``v . K v``
(``|v| = 1``) rises to the top eigenvalue ``lambda_max`` from below, with error shrinking like
``(lambda_2/lambda_max)^(2 i)``. Step-size rules use it with a safety factor (theory §1,
step size), so an estimate from below is what they must allow for.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["power_iteration"]


def power_iteration(matvec: Callable[[np.ndarray], np.ndarray], start: np.ndarray, iterations: int,
                    tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(lambda_max estimates, unit vectors)`` of S operators at once; ``start`` has shape (S, n).

    ``matvec(v)`` applies operator ``s`` to row ``s`` of ``v``. Each iteration takes the
    Rayleigh quotient ``v . K v`` of the current unit vector and moves ``v`` to ``K v / |K v|``.
    Runs ``iterations`` times, or stops early once every member's quotient changes by at most
    ``tol`` relatively (``tol=None``: always all iterations, e.g. a few warm-started ones).
    ``start`` need not be normalised; a zero ``K v`` leaves the quotient 0.
    """
    v = start / np.maximum(np.linalg.norm(start, axis=1, keepdims=True), 1e-300)
    value = np.zeros(start.shape[0])
    for _ in range(iterations):
        kv = matvec(v)
        new = np.sum(v * kv, axis=1)
        v = kv / np.maximum(np.linalg.norm(kv, axis=1, keepdims=True), 1e-300)
        converged = tol is not None and bool(np.all(np.abs(new - value) <= tol * np.abs(new)))
        value = new
        if converged:
            break
    return value, v
