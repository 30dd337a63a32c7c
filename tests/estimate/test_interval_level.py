"""The bootstrap intervals are 95% intervals (theory §6): a coverage count that tells 95% from
90% in well under a second, and the estimator's reported intervals checked against the central
95% of its own draws. The full coverage of the estimator on synthetic tasks (100 tasks per
regime) is in test_synthetic.py, marked slow."""

import numpy as np
import pytest

pytest.importorskip("scipy")

from scalingtool.estimate.bootstrap import interval, recentre

TRIALS, DRAWS = 2000, 1000


def test_recentred_interval_covers_95_percent():
    """A pivotal model where the re-centred basic interval is exact: the estimate is
    ``theta_hat ~ N(0, 1)`` and its replicates ``theta_hat + N(0, 1)``, so the interval is
    ``theta_hat +- 1.96`` (up to the percentile noise of 1000 draws, which moves the coverage by
    under 0.002) and holds the truth 0 with probability 0.95.

    Of 2000 independent trials the count covered is Binomial(2000, p):
    at p = 0.95: mean 1900, sd sqrt(2000 * 0.95 * 0.05) = 9.7;
    at p = 0.90: mean 1800, sd sqrt(2000 * 0.90 * 0.10) = 13.4;
    at p = 0.99: mean 1980, sd 4.4.
    Accepting 1860..1940: a correct 95% interval (p >= 0.948) falls outside with probability
    about 2 * P(Z > 3.7) ~ 2e-4 (the false alarm); a 90% interval passes only if the count is
    60 = 4.5 sd above its mean (probability ~ 4e-6), a 99% interval 40 = 9 sd below its mean."""
    rng = np.random.default_rng(20250101)
    estimates = rng.standard_normal(TRIALS)
    replicates = estimates[:, None] + rng.standard_normal((TRIALS, DRAWS))
    covered = 0
    for est, reps in zip(estimates, replicates):
        lo, hi = interval(recentre(est, reps))
        covered += lo <= 0.0 <= hi
    assert 1860 <= covered <= 1940, covered


def _central_95(draws):
    """Independently of the package: the 2.5% and 97.5% points of the finite draws."""
    finite = np.asarray(draws)[np.isfinite(draws)]
    return tuple(np.percentile(finite, [2.5, 97.5]))


def test_spectrum_estimate_reports_the_central_95_percent_of_its_draws():
    """The parametric interval of beta (spectrum and target powers given) is the central 95% of
    the draws the estimate carries; a 90% interval would be about 1.96/1.645 = 1.19 times
    narrower (normal draws), far beyond the 1e-12 allowed here."""
    from scalingtool.estimate.estimator import estimate_spectrum
    from scalingtool.estimate.spectrum import powers_from_arrays

    rng = np.random.default_rng(3)
    k = np.arange(1, 3001, dtype=float)
    spec = powers_from_arrays(k ** -2.0, k ** -2.0 * rng.chisquare(1, k.size), None)
    e = estimate_spectrum(spec, "test", replicates=200, seed=1)
    assert e.beta[1] == pytest.approx(_central_95(e.draws["beta"]), abs=1e-12)
    lo, hi = e.beta[1]
    assert lo < e.beta[0] < hi


def test_gram_estimate_reports_the_central_95_percent_of_its_draws():
    """The same for the bootstrap over samples (alpha and beta), on a small synthetic task."""
    from scalingtool.estimate.estimator import estimate_gram
    from scalingtool.estimate.kernels import feature_gram
    from scalingtool.estimate.synthetic import gaussian_task

    x, y = gaussian_task(2.0, 1.2, 600, 2400, seed=4, tail=True)
    e = estimate_gram(feature_gram(x, 1e12), y, "synthetic", replicates=40, seed=11, psd_known=True)
    assert e.alpha[1] == pytest.approx(_central_95(e.draws["alpha"]), abs=1e-12)
    assert e.beta[1] == pytest.approx(_central_95(e.draws["beta"]), abs=1e-12)
