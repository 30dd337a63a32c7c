"""Batched power iteration against a dense eigensolver."""

from __future__ import annotations

import numpy as np
import pytest

from scalingtool.spectral import power_iteration


def test_top_eigenvalues_of_a_stack() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 20, 40))
    k = x @ np.swapaxes(x, 1, 2)  # three PSD matrices, well separated top eigenvalues
    value, v = power_iteration(lambda u: np.einsum("sij,sj->si", k, u), np.ones((3, 20)), 5000, 1e-13)
    top = np.linalg.eigvalsh(k)[:, -1]
    np.testing.assert_allclose(value, top, rtol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-12)
    residual = np.einsum("sij,sj->si", k, v) - top[:, None] * v
    assert np.max(np.abs(residual)) < 1e-4 * top.max()  # eigenvector error ~ sqrt(eigenvalue error)


def test_fixed_iterations_approach_from_below() -> None:
    k = np.diag([4.0, 2.0, 1.0])[None]
    matvec = lambda u: np.einsum("sij,sj->si", k, u)  # noqa: E731
    few = power_iteration(matvec, np.ones((1, 3)), 3)[0][0]
    many = power_iteration(matvec, np.ones((1, 3)), 60)[0][0]
    # Rayleigh quotients rise towards 4 from below: (ratio 1/2)^(2 i) convergence
    assert few < many <= 4.0 and many == pytest.approx(4.0, rel=1e-15)
    assert 4.0 - few > 1e-3
    assert power_iteration(lambda u: 0 * u, np.ones((1, 3)), 4)[0][0] == 0.0
