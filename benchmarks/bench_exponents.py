"""Latency of ``scalingtool exponents`` against ``python -c "import sympy"``.

The baseline is what a user pays to do anything with SymPy at all. The commands run
interleaved (one of each per round, ``--repeat`` rounds) in fresh processes, so a busy
neighbour slows both alike; the min and median of each and the ratio of the medians are
printed, with the median of the per-round ratios, and the CPU time (user + system) of each,
steadier than the wall-clock on a busy machine. Goal: the command at most 0.5x the
baseline (its compiled formulas need no SymPy, and its options are parsed without
building Pydantic adapters). Also timed: the same exponents through the direct SymPy
engine (what the command would cost without the compiled formulas), for reference.

    python benchmarks/bench_exponents.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import os
import resource
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
    cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime)
    baseline = statistics.median(times[BASELINE])
    cpu_baseline = statistics.median(cpu[BASELINE])
    print(f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}; "
          f"{args.repeat} interleaved rounds, fresh processes")
    print(f"{'command':<46} {'min s':>7} {'median s':>9} {'ratio':>7} {'CPU s':>7} {'ratio':>7}")
    for name, values in times.items():
        median, cpu_median = statistics.median(values), statistics.median(cpu[name])
        print(f"{name:<46} {min(values):7.3f} {median:9.3f} {median / baseline:7.2f} "
              f"{cpu_median:7.3f} {cpu_median / cpu_baseline:7.2f}")
    ratio = statistics.median(times[COMMAND]) / baseline
    paired = statistics.median(a / b for a, b in zip(times[COMMAND], times[BASELINE]))
    cpu_ratio = statistics.median(cpu[COMMAND]) / cpu_baseline
    verdict = "met" if max(ratio, cpu_ratio) <= GOAL else "NOT met"
    print(f"ratio command / import sympy: {ratio:.2f}x wall-clock (median of per-round ratios "
          f"{paired:.2f}x), {cpu_ratio:.2f}x CPU time; goal <= {GOAL}x: {verdict}")


if __name__ == "__main__":
    main()
