"""Recovery and interval coverage on the model's own Gaussian data (theory §1, §6)."""

import pytest

pytest.importorskip("scipy")

from scalingtool.estimate.coverage import REGIME_TASKS, coverage, one_run


@pytest.mark.parametrize("regime", list(REGIME_TASKS))
def test_small_coverage(regime):
    """4 tasks per regime at P = 600 with 40 resamplings: no task is rejected, the regime is
    found every time, and at least half of the 8 intervals (alpha and beta) hold the truth.
    A gross-failure check only: the full run (marked slow) measured 87-95% coverage, at or
    just under the 90% target for alpha (see the README)."""
    c = coverage(regime, runs=4, samples=600, replicates=40)
    assert c.rejected == 0
    assert c.regime_right == 4
    assert c.alpha_covered + c.beta_covered >= 4


def test_recovery_hard_task():
    ok_a, ok_b, regime, wa, wb = one_run(1.5, 0.5, 600, 2400, 40, seed=5)
    assert regime == "hard" and wa < 0.1 and wb < 0.6


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured coverage of the 95% intervals (seeds 1000-1099): alpha "
                   "87/89/90, beta 90/95/93 (hard/easy/super-easy), 3 hard tasks rejected as no power "
                   "law by the noise-floor window rule; target 90 for both everywhere")
@pytest.mark.parametrize("regime", list(REGIME_TASKS))
def test_full_coverage(regime):
    """100 tasks per regime (python -m scalingtool.estimate.coverage 100 600 100 prints the
    numbers). Target: 90% of the 95% intervals. Measured: see the README; the assertion is
    the target, so this slow test fails where the estimator misses it."""
    c = coverage(regime, runs=100, samples=600, replicates=100, workers=2)
    assert c.alpha_covered >= 90 and c.beta_covered >= 90
