"""Coverage of the estimator's intervals on synthetic tasks with known answers (theory §6).

``python -m scalingtool.estimate.coverage [runs] [samples] [replicates] [workers]`` draws
``runs`` independent tasks per regime (Gaussian features with covariance ``k^-alpha`` and a
power-law target, M = 4P modes and the modes beyond M as an equal-variance Gaussian tail,
:func:`~.synthetic.gaussian_task`), estimates each with ``replicates``
bootstrap resamplings, and prints how often the 95% intervals contain the true alpha and
beta, and how often the most probable regime is the true one.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from .estimator import estimate_gram
from .kernels import feature_gram
from .synthetic import gaussian_task
from .window import NoPowerLaw

__all__ = ["REGIME_TASKS", "Coverage", "one_run", "coverage"]

#: one task per regime (SGD boundaries: hard beta < 1, super-easy beta > 2 - 1/alpha)
REGIME_TASKS = {"hard": (1.5, 0.5), "easy": (2.0, 1.2), "super-easy": (1.5, 1.7)}


@dataclass
class Coverage:
    regime: str
    alpha: float
    beta: float
    runs: int
    alpha_covered: int
    beta_covered: int
    regime_right: int
    alpha_width: float
    beta_width: float
    rejected: int


def one_run(alpha: float, beta: float, samples: int, features: int, replicates: int,
            seed: int, threads: int | None = None) -> tuple[bool, bool, str | None, float, float]:
    """Estimate one synthetic task: (alpha covered, beta covered, regime, CI widths)."""
    x, y = gaussian_task(alpha, beta, samples, features, seed=seed, tail=True)
    try:
        e = estimate_gram(feature_gram(x, 1e12), y, "synthetic", replicates=replicates, seed=seed + 7,
                         threads=threads, psd_known=True)
    except NoPowerLaw:  # a false rejection counts as not covered
        return False, False, None, float("nan"), float("nan")
    (alo, ahi), (blo, bhi) = e.alpha[1], e.beta[1]
    return alo <= alpha <= ahi, blo <= beta <= bhi, e.regime, ahi - alo, bhi - blo


def coverage(regime: str, runs: int, samples: int = 600, replicates: int = 100, workers: int = 1,
             first_seed: int = 1000) -> Coverage:
    """Run ``runs`` synthetic tasks of ``regime`` (seeds from ``first_seed``) and count coverage."""
    alpha, beta = REGIME_TASKS[regime]
    threads = 1 if workers > 1 else None  # one thread per process when the tasks run in processes
    args = [(alpha, beta, samples, 4 * samples, replicates, first_seed + i, threads) for i in range(runs)]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(one_run, *zip(*args)))
    else:
        results = [one_run(*a) for a in args]
    return Coverage(regime, alpha, beta, runs, sum(r[0] for r in results), sum(r[1] for r in results),
                    sum(r[2] == regime for r in results), float(np.nanmean([r[3] for r in results])),
                    float(np.nanmean([r[4] for r in results])), sum(r[2] is None for r in results))


def main(argv: list[str]) -> None:
    runs = int(argv[0]) if argv else 100
    samples = int(argv[1]) if len(argv) > 1 else 600
    replicates = int(argv[2]) if len(argv) > 2 else 100
    workers = int(argv[3]) if len(argv) > 3 else 1
    print(f"coverage of 95% intervals: {runs} tasks per regime, P = {samples}, M = {4 * samples} and the tail, "
          f"{replicates} bootstrap replicates")
    for regime in REGIME_TASKS:
        c = coverage(regime, runs, samples, replicates, workers)
        print(f"{regime:10s} alpha={c.alpha} beta={c.beta}: alpha {c.alpha_covered}/{runs} "
              f"({c.alpha_covered / runs:.0%}, mean width {c.alpha_width:.3f}), beta {c.beta_covered}/{runs} "
              f"({c.beta_covered / runs:.0%}, mean width {c.beta_width:.3f}), regime right {c.regime_right}/{runs}, "
              f"rejected as no power law {c.rejected}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
