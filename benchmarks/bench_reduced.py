"""Benchmark: the reduced solver against what a user would otherwise run (theory §2 warning).

Measures the rich hard exponent (alpha = 1.5, beta = 0.3, gamma0 = 1; theory 2 beta/(1 + beta)
= 6/13) over 10 decades of time with

* scalingtool's grid (exact k <= 200, log-spaced quadrature up to k = 1e30), and
* the same mode solver on a plain truncated sum of M = 1e6 modes,

in the same run, and prints both accuracies, the local exponents along the way (where the
truncated sum bends) and the speed ratio. Then it times the mpmath path at 30 digits to
t = 1e30 for a few (alpha, beta) points.

Run: ``python benchmarks/bench_reduced.py`` (``--mp-points ""`` skips the mpmath part).
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction

import numpy as np

from scalingtool.measure import local_exponent, local_slopes
from scalingtool.reduced import solve_infinite_width, truncated_spectrum
from scalingtool.reduced.infinite_width import solve_spectrum

ALPHA, BETA, GAMMA0 = Fraction(3, 2), Fraction(3, 10), Fraction(1)
T_MAX = 1e10
THEORY = float(2 * BETA / (1 + BETA))


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _report(name: str, curve, seconds: float) -> float:
    positive = curve.loss > 0
    if not np.all(positive):
        cut = curve.x[np.argmin(positive)]
        print(f"{name:<34} loss underflows to 0 at t = {cut:.3g} (every listed mode learned)")
    x, p = local_slopes(curve.x[positive], curve.loss[positive])
    m = local_exponent(curve.x[positive], curve.loss[positive])
    along = "  ".join(f"t=1e{int(round(np.log10(t)))}: {p[np.argmin(abs(x - t))]:.5f}"
                      for t in (1e2, 1e4, 1e6, 1e8, 1e10) if t <= x[-1])
    print(f"{name:<34} {seconds:8.3f} s   exponent {m.estimate:.6f} (window {m.window[0]:.0e}"
          f"..{m.window[1]:.0e})   |error| {abs(m.estimate - THEORY):.2e}   "
          f"converged={m.converged}")
    print(f"{'':<34} local: {along}")
    return abs(m.estimate - THEORY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mp-points", default="1.5:0.3,2:0.5",
                        help="alpha:beta pairs for the mpmath timing, comma separated")
    parser.add_argument("--truncated-modes", type=int, default=10**6)
    args = parser.parse_args()

    print(f"rich hard exponent, alpha={ALPHA}, beta={BETA}, gamma0={GAMMA0}, t to {T_MAX:.0e}; "
          f"theory {THEORY:.6f}")
    ours, t_ours = _timed(lambda: solve_infinite_width(ALPHA, BETA, GAMMA0, t_max=T_MAX))
    err_ours = _report(f"grid ({ours.meta['grid']['nodes']} nodes to k=1e30)", ours, t_ours)

    def baseline():
        spec = truncated_spectrum(ALPHA, BETA, args.truncated_modes)
        return solve_spectrum(spec, GAMMA0, 1, T_MAX, Fraction(1, 100), 20, 2, False, None,
                              {"solver": "truncated"})

    base, t_base = _timed(baseline)
    err_base = _report(f"plain truncation (M={args.truncated_modes:.0e})", base, t_base)
    print(f"speed ratio (truncated / grid): {t_base / t_ours:.1f}x;  "
          f"accuracy ratio: {err_base / max(err_ours, 1e-16):.1e}x")

    for pair in filter(None, args.mp_points.split(",")):
        a, b = (Fraction(v) for v in pair.split(":"))
        curve, secs = _timed(lambda: solve_infinite_width(a, b, GAMMA0, t_max=1e30,
                                                          precision="mp:30", k_exact=50))
        m = local_exponent(curve.x, curve.loss)
        chi = float(b * max(1, 2 / (1 + b)))
        print(f"mp:30 alpha={a} beta={b} to t=1e30: {secs:7.1f} s  "
              f"({curve.meta['grid']['nodes']} nodes, {len(curve)} points, "
              f"{curve.meta['steps_per_decade']} steps/decade)  exponent {m.estimate:.8f} "
              f"(theory {chi:.8f})")


if __name__ == "__main__":
    main()
