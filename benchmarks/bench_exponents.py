"""Latency of ``scalingtool exponents`` against ``python -c "import sympy"``.

The baseline is what a user pays to do anything with SymPy at all. Both commands run
interleaved, ``--repeat`` times each, in fresh processes; the medians and their ratio are
printed. Also timed: the same exponents through the direct SymPy engine (what the
command would cost without the compiled formulas), for reference.

    python benchmarks/bench_exponents.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "scalingtool exponents --alpha 2 --beta 0.5":
        [sys.executable, "-m", "scalingtool", "exponents", "--alpha", "2", "--beta", "0.5"],
    "python -c 'import sympy' (baseline)": [sys.executable, "-c", "import sympy"],
    "SymPy engine, same exponents (reference)":
        [sys.executable, "-c", "from scalingtool.theory import exponents; "
                               "exponents('2', '0.5', engine='sympy')"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, argv in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times["python -c 'import sympy' (baseline)"])
    print(f"{'command':<46} {'median s':>9} {'ratio':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<46} {median:9.3f} {median / baseline:7.2f}")


if __name__ == "__main__":
    main()
