"""A P x C target (theory §6): its power in mode k is the sum of its columns' powers, in the
decomposition, on both eigen-solver routes, and in every bootstrap replicate."""

import numpy as np
import pytest

pytest.importorskip("scipy")

from scalingtool.errors import UsageError
from scalingtool.estimate.bootstrap import _replicate_spectrum
from scalingtool.estimate.lapack import eigh_top
from scalingtool.estimate.sources import load_labels
from scalingtool.estimate.spectrum import decompose


def _kernel(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n // 2)) * np.arange(1, n // 2 + 1) ** -0.75
    return x @ x.T, rng.standard_normal((n, 3))


def test_powers_sum_over_columns():
    k, y = _kernel(200)
    whole = decompose(k.copy(), y, 100, 40)
    cols = [decompose(k.copy(), y[:, c], 100, 40) for c in range(3)]
    # the same eigen-decomposition, products summed in another order: round-off only
    np.testing.assert_allclose(whole.powers, sum(s.powers for s in cols), rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(whole.eigenvalues, cols[0].eigenvalues)


def test_tridiagonal_route_projects_columns():
    # n >= 1000 and count >= n / 4: the tridiagonal route (reflected target, no back-transform)
    k, y = _kernel(1000, seed=1)
    _, _, proj = eigh_top(k.copy(), 400, 10, y)
    for c in range(3):
        _, _, one = eigh_top(k.copy(), 400, 10, y[:, c])
        # eigenvectors are defined up to sign: compare squares (round-off of a 1000 x 1000 solve)
        np.testing.assert_allclose(proj[:, c] ** 2, one ** 2, rtol=1e-7, atol=1e-10 * np.max(one ** 2))


def test_bootstrap_replicate_powers_sum_over_columns():
    k, y = _kernel(200, seed=2)
    spec = decompose(k.copy(), y, 200, 60)
    counts = np.random.default_rng(3).multinomial(200, np.full(200, 1 / 200)).astype(float)
    lam, powers = _replicate_spectrum(spec.phi, y, counts, 30, True)
    parts = [_replicate_spectrum(spec.phi, y[:, c], counts, 30, True) for c in range(3)]
    np.testing.assert_allclose(lam, parts[0][0], rtol=1e-10)
    # eigenvectors (the columns' route) against the reflection (one column): round-off of a 60 x 60 solve
    np.testing.assert_allclose(powers, sum(p[1] for p in parts), rtol=1e-8, atol=1e-12 * np.max(powers))


def test_label_files_with_columns(tmp_path):
    y = np.random.default_rng(0).standard_normal((80, 3))
    np.save(tmp_path / "y.npy", y)
    np.testing.assert_array_equal(load_labels(tmp_path / "y.npy", 80), y)
    np.save(tmp_path / "col.npy", y[:, :1])
    assert load_labels(tmp_path / "col.npy", 80).shape == (80,)
    with pytest.raises(UsageError, match="a row per sample"):
        load_labels(tmp_path / "y.npy", 3)
    np.save(tmp_path / "same.npy", np.tile(y[:1], (80, 1)))
    with pytest.raises(UsageError, match="every label is the same"):
        load_labels(tmp_path / "same.npy", 80)
