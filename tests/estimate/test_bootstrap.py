"""The bootstrap's pieces (theory §6): the re-centred draws, one replicate's spectrum against a
direct computation, the resampled modes against resampling all of them, the fast PSD test."""

import numpy as np
import pytest

pytest.importorskip("scipy")

from scalingtool.errors import UsageError
from scalingtool.estimate.bootstrap import RESAMPLE_FACTOR, _replicate_spectrum, bootstrap, recentre
from scalingtool.estimate.kernels import feature_gram
from scalingtool.estimate.sources import PSD_TOL, check_psd_fast
from scalingtool.estimate.spectrum import decompose
from scalingtool.estimate.synthetic import gaussian_task


def test_recentre_puts_the_reflected_spread_on_the_estimate():
    draws = np.array([1.0, 2.0, 4.0, np.nan, 7.0, 3.0])  # finite median 3
    out = recentre(10.0, draws)
    np.testing.assert_allclose(out[np.isfinite(out)], [12.0, 11.0, 9.0, 6.0, 10.0])
    assert np.isnan(out[3])


@pytest.mark.parametrize("with_powers", [True, False])
def test_replicate_spectrum_matches_a_direct_decomposition(with_powers):
    """dsyrk over the drawn samples and a partial eigen-solve against numpy's full eigh of
    Phi^T C Phi / P (equal to round-off: 1e-9 relative)."""
    rng = np.random.default_rng(1)
    samples, r, top = 500, 120, 60
    phi = rng.standard_normal((samples, r)) * np.arange(1, r + 1) ** -0.75
    y = rng.standard_normal(samples)
    c = rng.multinomial(samples, np.full(samples, 1 / samples)).astype(float)
    w = phi * np.sqrt(c)[:, None]
    values, vectors = np.linalg.eigh(w.T @ w / samples)
    values, vectors = values[::-1][:top], vectors[:, ::-1][:, :top]
    lam, powers = _replicate_spectrum(phi, y, c, top, with_powers)
    np.testing.assert_allclose(lam, values, rtol=1e-9)
    if with_powers:
        np.testing.assert_allclose(powers, (vectors.T @ (phi.T @ (c * y) / samples)) ** 2 / values, rtol=1e-9)
    else:
        assert np.all(np.isnan(powers))


def test_resampled_modes_keep_the_spread():
    """Resampling RESAMPLE_FACTOR x the window top against all P modes, same resamplings, on a
    hard task at P = 400 (window 5..40): the replicates' standard deviations agree within 10%
    (theory §6 measured at most 6% at P = 1000; 10% leaves room for the smaller P), and the
    replicates move together (correlation above 0.9)."""
    samples = 400
    x, y = gaussian_task(1.5, 0.5, samples, 4 * samples, seed=3)
    spec = decompose(feature_gram(x, 1e12), y, samples)
    window = (5, 40)
    part = bootstrap(spec, window, window, 100, 11)
    every = bootstrap(spec, window, window, 100, 11, factor=samples)
    assert part.modes == RESAMPLE_FACTOR * 40 and every.modes == samples
    for a, b in ((part.alpha, every.alpha), (part.slope, every.slope)):
        assert np.std(a) == pytest.approx(np.std(b), rel=0.10)
        assert np.corrcoef(a, b)[0, 1] > 0.9


def test_fast_psd_check_at_the_tolerance():
    """K = Q diag(d) Q^T with the smallest eigenvalue just inside and just outside
    -PSD_TOL x the largest: accepted and refused (the message names the smallest eigenvalue)."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((200, 200)))
    d = np.linspace(1.0, 0.0, 200)
    for low, ok in ((-0.5 * PSD_TOL, True), (-2.0 * PSD_TOL, False)):
        d[-1] = low
        k = (q * d) @ q.T
        k = (k + k.T) / 2
        before = k.copy()
        if ok:
            check_psd_fast(k, "K")
        else:
            with pytest.raises(UsageError, match="indefinite"):
                check_psd_fast(k, "K")
        np.testing.assert_array_equal(k, before)


def test_replicates_do_not_depend_on_the_threads():
    """The resamplings are drawn in order and each is decomposed with a single-threaded BLAS:
    one thread and three give the same replicates, bit for bit (and the progress reaches R)."""
    samples = 300
    x, y = gaussian_task(2.0, 0.5, samples, 4 * samples, seed=5)
    spec = decompose(feature_gram(x, 1e12), y, samples)
    window = (5, 30)
    seen = []
    one = bootstrap(spec, window, window, 23, 4, threads=1)
    three = bootstrap(spec, window, window, 23, 4, threads=3, progress=lambda i, n: seen.append((i, n)))
    for a, b in ((one.alpha, three.alpha), (one.slope, three.slope), (one.alpha_halves, three.alpha_halves),
                 (one.slope_halves, three.slope_halves)):
        np.testing.assert_array_equal(a, b)
    assert one.alpha.shape == (23,) and np.all(np.isfinite(one.alpha))
    assert seen[-1] == (23, 23) and [i for i, _ in seen] == list(range(1, 24))


@pytest.mark.parametrize("size,count", [(200, 10), (200, 60), (200, 200), (1000, 100), (1000, 400)])
def test_top_eigenpairs_by_every_solver(size, count):
    """``eigh_top`` takes the partial solver below EVD_FRACTION of the modes, the tridiagonal
    route (dsytrd, dstevd, dormqr) for many modes of a large matrix and divide and conquer
    otherwise: each gives numpy's eigenvalues (1e-10 relative), eigenvectors of the top half up
    to sign (overlap 1 within 1e-8) and the projections of a vector on all ``count`` modes
    (1e-8 of the vector's norm, a round-off bound: |error| <= eps |y| / relative gap)."""
    from scalingtool.estimate.lapack import EVD_FRACTION, TRIDIAGONAL_MIN, eigh_top

    rng = np.random.default_rng(2)
    x = rng.standard_normal((size, 2 * size)) * np.arange(1, 2 * size + 1) ** -0.75
    k = x @ x.T
    y = rng.standard_normal(size)
    ref_values, ref_vectors = np.linalg.eigh(k)
    ref_values, ref_vectors = ref_values[::-1][:count], ref_vectors[:, ::-1][:, :count]
    columns = count // 2
    values, vectors, proj = eigh_top(k.copy(), count, columns, y)
    assert values.shape == (count,) and vectors.shape == (size, columns) and proj.shape == (count,)
    assert TRIDIAGONAL_MIN == 1000 and EVD_FRACTION == 0.25  # the cases above cover each route
    np.testing.assert_allclose(values, ref_values, rtol=1e-10)
    overlap = np.abs(np.sum(vectors * ref_vectors[:, :columns], axis=0))
    np.testing.assert_allclose(overlap, 1.0, atol=1e-8)
    np.testing.assert_allclose(np.abs(proj), np.abs(ref_vectors.T @ y), atol=1e-8 * np.linalg.norm(y))


@pytest.mark.parametrize("size", [1, 2, 7, 300])
def test_weights_along_a_vector_without_eigenvectors(size):
    """``eigh_along`` (reflect the vector onto e_1, tridiagonalise, first components of the
    tridiagonal eigenvectors) against numpy's eigh: eigenvalues within 1e-13 of the largest and
    weights (v_k . b)^2 within 1e-13 of the largest weight (backward-stable round-off); a zero
    vector has zero weights. Its LAPACK calls release the GIL: two threads give the same."""
    from concurrent.futures import ThreadPoolExecutor

    from scalingtool.estimate.lapack import eigh_along

    rng = np.random.default_rng(size)
    a = rng.standard_normal((3 * size, size)) * np.arange(1, size + 1) ** -0.75
    s = a.T @ a / size
    b = rng.standard_normal(size) * np.arange(1, size + 1) ** -1.0
    ref_values, ref_vectors = np.linalg.eigh(s)
    values, weights = eigh_along(s.copy(), b)
    scale = np.abs(ref_values).max()
    np.testing.assert_allclose(values, ref_values, rtol=0, atol=1e-13 * scale)
    ref_weights = (ref_vectors.T @ b) ** 2
    np.testing.assert_allclose(weights, ref_weights, rtol=0, atol=1e-13 * ref_weights.max())
    assert np.sum(weights) == pytest.approx(b @ b, rel=1e-12)
    values0, weights0 = eigh_along(s.copy(), np.zeros(size))
    np.testing.assert_allclose(values0, ref_values, rtol=0, atol=1e-13 * scale)
    assert np.all(weights0 == 0)
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda _: eigh_along(s.copy(), b), range(2)))
    for v, w in both:
        np.testing.assert_array_equal(v, values)
        np.testing.assert_array_equal(w, weights)
