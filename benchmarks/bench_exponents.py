"""Latency of ``scalingtool exponents`` against ``python -c "import sympy"``.

The baseline is what a user pays to do anything with SymPy at all. The commands run
interleaved (one of each per round, ``--repeat`` rounds) in fresh processes, so a busy
neighbour slows both alike; the min and median of each and the ratio of the medians are
printed, with the median of the per-round ratios. Goal: the command at most 0.5x the
baseline (its compiled formulas need no SymPy, and its options are parsed without
building Pydantic adapters). Also timed: the same exponents through the direct SymPy
engine (what the command would cost without the compiled formulas), for reference.

    python benchmarks/bench_exponents.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMAND = "scalingtool exponents --alpha 2 --beta 0.5"
BASELINE = "python -c 'import sympy' (baseline)"
COMMANDS = {
    COMMAND: [sys.executable, "-m", "scalingtool", "exponents", "--alpha", "2", "--beta", "0.5"],
    BASELINE: [sys.executable, "-c", "import sympy"],
    "SymPy engine, same exponents (reference)":
        [sys.executable, "-c", "from scalingtool.theory import exponents; "
                               "exponents('2', '0.5', engine='sympy')"],
}
GOAL = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    for argv in COMMANDS.values():  # warm the file cache and the byte-code
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times[BASELINE])
    print(f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}; "
          f"{args.repeat} interleaved rounds, fresh processes")
    print(f"{'command':<46} {'min s':>7} {'median s':>9} {'ratio':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<46} {min(values):7.3f} {median:9.3f} {median / baseline:7.2f}")
    ratio = statistics.median(times[COMMAND]) / baseline
    paired = statistics.median(a / b for a, b in zip(times[COMMAND], times[BASELINE]))
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"ratio command / import sympy: {ratio:.2f}x (median of per-round ratios {paired:.2f}x); "
          f"goal <= {GOAL}x: {verdict}")


if __name__ == "__main__":
    main()
