"""The projection ``A``: one stream per seed, the same for every caller, and its moments (theory §1, §2)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from scalingtool.reduced import finite_width_spectrum
from scalingtool.simulate.projection import build_projection
from scalingtool.simulate.task import choose_modes
from scalingtool.spectral import (COLUMN_BLOCK, power_law_modes, projection_blocks, projection_matrix,
                                  projection_moments)


def test_entries_are_standard_normal() -> None:
    a = projection_matrix(64, 4000, seed=5)
    # 256,000 draws: mean within 4 standard errors (4/sqrt(n) = 0.008), variance within 4 of
    # its standard error sqrt(2/n) = 0.0028, and rows (units) uncorrelated to the same scale
    assert abs(a.mean()) < 0.008 and abs(a.var() - 1) < 0.012
    corr = np.corrcoef(a)[np.triu_indices(64, 1)]
    assert np.max(np.abs(corr)) < 5 / np.sqrt(4000)


def test_a_is_one_stream_of_the_seed_across_blocks() -> None:
    """Up to one block ``A`` is ``default_rng(seed).standard_normal((N, M))``; later blocks continue
    the same generator, so ``A`` depends on (seed, N, M) only."""
    np.testing.assert_array_equal(projection_matrix(5, 300, seed=7),
                                  np.random.default_rng(7).standard_normal((5, 300)))
    rng = np.random.default_rng(7)
    first, second = rng.standard_normal((3, COLUMN_BLOCK)), rng.standard_normal((3, 10))
    np.testing.assert_array_equal(projection_matrix(3, COLUMN_BLOCK + 10, seed=7),
                                  np.concatenate([first, second], axis=1))
    assert not np.allclose(projection_matrix(5, 300, seed=8), projection_matrix(5, 300, seed=7))
    starts = [start for start, _ in projection_blocks(3, 2 * COLUMN_BLOCK + 1, 0)]
    assert starts == [0, COLUMN_BLOCK, 2 * COLUMN_BLOCK]


def test_moments_are_those_of_the_whole_matrix() -> None:
    lam, w = power_law_modes(F(3, 2), F(1, 2), COLUMN_BLOCK + 100)  # two blocks
    a = projection_matrix(6, len(lam), seed=2)
    sigma, b, a_t = projection_moments(lam, w, 6, seed=2, diagonal=0.25, keep=True)
    np.testing.assert_allclose(sigma, (a * lam) @ a.T + 0.25 * np.eye(6), rtol=1e-12)
    np.testing.assert_allclose(b, a @ (lam * w), rtol=1e-12)
    np.testing.assert_array_equal(a_t, a.T)
    assert np.array_equal(sigma, sigma.T)


@pytest.mark.parametrize("seed", [0, 3])
def test_reduced_and_simulated_see_the_same_a(seed: int) -> None:
    """Same (seed, N, M): the solver's rescaled spectrum sigma_i/N is the simulator's Sigma/N.

    Both layers reduce the same ``A``, so the eigenvalues agree to rounding (1e-10 relative,
    float64 eigensolvers on a 12 x 12 matrix), and the solver's constant ``r`` (outside the
    span) is twice the simulator's width floor.
    """
    n, m = 12, 300
    spec = finite_width_spectrum(2, F(1, 2), n, seed, modes=m, tail="drop")
    proj = build_projection(choose_modes(2.0, 0.5, n, m, "truncated"), n, [seed])
    np.testing.assert_allclose(np.sort(spec.lam.astype(float)), proj.kernel_eigs[0], rtol=1e-10)
    assert float(spec.r) == pytest.approx(2 * proj.floor[0], rel=1e-8)
    explicit = build_projection(choose_modes(2.0, 0.5, n, m, "truncated"), n, [seed], keep_matrix=True)
    np.testing.assert_array_equal(explicit.a_transposed[0], projection_matrix(n, m, seed).T)  # psi path
    other = build_projection(choose_modes(2.0, 0.5, n, m, "truncated"), n, [seed + 1])
    assert not np.allclose(np.sort(spec.lam.astype(float)), other.kernel_eigs[0], rtol=1e-3)
