"""Recovery and interval coverage on the model's own Gaussian data (theory §1, §6)."""

import pytest

pytest.importorskip("scipy")

from scalingtool.estimate.coverage import REGIME_TASKS, coverage, one_run


@pytest.mark.parametrize("regime", list(REGIME_TASKS))
def test_small_coverage(regime):
    """4 tasks per regime at P = 600 with 40 resamplings: no task is rejected, the regime is
    found every time, and at least half of the 8 intervals (alpha and beta) hold the truth.
    A gross-failure check only: the full runs (marked slow) measured 91-96% at P = 600 and
    86-95% at P = 1000 (docs/results/2026-11-30-estimating-alpha-and-beta.md)."""
    c = coverage(regime, runs=4, samples=600, replicates=40)
    assert c.rejected == 0
    assert c.regime_right == 4
    assert c.alpha_covered + c.beta_covered >= 4


def test_recovery_hard_task():
    """One hard task (alpha 3/2, beta 1/2, P = 600, seed 5): the truth lies inside both 95%
    intervals (measured widths 0.050 and 0.338; about one seed in ten misses one of the two,
    which the coverage counts allow for, but this seed is fixed and covered), the regime is
    found, and the intervals are narrow enough to tell hard from easy (beta 1/2 is 1/2 from the
    boundary at 1: a beta interval under 0.6 wide cannot straddle both)."""
    ok_a, ok_b, regime, wa, wb = one_run(1.5, 0.5, 600, 2400, 40, seed=5)
    assert ok_a and ok_b
    assert regime == "hard" and wa < 0.1 and wb < 0.6


@pytest.mark.slow
@pytest.mark.parametrize("regime", list(REGIME_TASKS))
def test_full_coverage(regime):
    """100 tasks per regime at P = 600 with the default 200 resamplings
    (``python -m scalingtool.estimate.coverage 100 600 200 2`` prints the numbers). Target: 90%
    of the 95% intervals. Measured (seeds 1000-1099): alpha 91/91/91, beta 96/94/95."""
    c = coverage(regime, runs=100, samples=600, replicates=200, workers=2)
    assert c.alpha_covered >= 90 and c.beta_covered >= 90


@pytest.mark.slow
@pytest.mark.parametrize("regime", [
    "hard", "easy",
    pytest.param("super-easy", marks=pytest.mark.xfail(
        strict=True, reason="measured beta 86/100 at P = 1000: the resamplings spread 12% less than the "
        "estimate (0.073 against 0.083), whichever number of modes is resampled")),
])
def test_full_coverage_at_p_1000(regime):
    """The same at P = 1000 (``python -m scalingtool.estimate.coverage 100 1000 200 2``).
    Measured: alpha 95/95/95, beta 92/92/86 (and super-easy beta 266/300 on seeds 2000-2299:
    theory §6); the assertion is the target, so the super-easy case fails where the bootstrap
    misses it."""
    c = coverage(regime, runs=100, samples=1000, replicates=200, workers=2)
    assert c.alpha_covered >= 90 and c.beta_covered >= 90
