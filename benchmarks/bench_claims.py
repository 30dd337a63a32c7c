"""How long `scalingtool verify` takes in each mode, and what gmpy2 buys the mpmath path.

Run from the repository root::

    python benchmarks/bench_claims.py            # every mode, 1 repeat
    python benchmarks/bench_claims.py --repeat 3 # best of 3

Each command runs as a fresh process (start-up included, as in CI) and is timed by wall
clock and by CPU (user + system of the child), side by side with the baseline a user
would otherwise run:

* claims alone (one claim with its numeric check; ten claims; ``--exact-only``) against
  the same claims with the three quick tiers (``--tier theory,reduced,simulation --quick
  --claims``), the least a claims check cost when ``--claims`` also ran the tiers;
* ``verify --quick`` (the tiers);
* ``solve --precision mp:30 --t-max 1e20`` with mpmath's pure-Python integers
  (``MPMATH_NOGMPY=1``) against gmpy2's (the ``fast`` extra), when gmpy2 is installed.

On a busy machine the CPU column is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE = """
[[claim]]
name = "rich hard time exponent"
alpha = "3/2"
beta = "3/10"
training = "rich"
dynamics = "gd"
quantity = "time"
value = "2*beta/(1+beta)"
"""

TEN = ONE + """
[[claim]]
name = "lazy hard compute"
alpha = 2
beta = 0.5
training = "lazy"
dynamics = "gd"
quantity = "compute"
value = "0.3333"

[[claim]]
name = "easy allocation"
alpha = 3
beta = "5/4"
training = "rich"
dynamics = "gd"
quantity = "n_star"
value = "(alpha*beta - alpha + 1)/(alpha*beta + 1)"

[[claim]]
name = "lazy SGD time, super-easy"
alpha = 2
beta = 3
training = "lazy"
quantity = "time"
value = "2 - 1/alpha"

[[claim]]
name = "width exponent"
alpha = 2
beta = "1/2"
training = "lazy"
quantity = "width"
value = "alpha*min(beta, 1)"

[[claim]]
name = "super-easy regime"
alpha = 2
beta = 3
quantity = "regime"
value = "super-easy"

[[claim]]
name = "easy transient"
alpha = 3
beta = "5/4"
training = "rich"
dynamics = "gd"
quantity = "transient"
value = "1 - 1/alpha"

[[claim]]
name = "rich onset"
alpha = 2
beta = "1/2"
quantity = "rich_onset"
value = "-2/(1 - beta)"

[[claim]]
name = "noise takeover"
alpha = 2
beta = 3
training = "lazy"
quantity = "noise_takeover"
value = "-1/(beta - 2 + 1/alpha)"

[[claim]]
name = "balance at the optimum"
alpha = 3
beta = "5/4"
training = "rich"
dynamics = "gd"
quantity = "balance"
value = "signal+transient"
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """``(wall s, child CPU s, exit code)`` of ``python -m scalingtool argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "scalingtool", *argv], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def best(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    runs = [timed(argv, env) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def row(label: str, result: tuple[float, float, int], base: tuple[float, float, int] | None = None) -> None:
    wall, cpu, code = result
    ratio = f"  x{base[0] / wall:5.1f} wall, x{base[1] / cpu:5.1f} CPU vs baseline" if base else ""
    print(f"  {label:<44} {wall:7.2f} s wall {cpu:7.2f} s CPU  exit {code}{ratio}")


def has_gmpy2() -> bool:
    probe = "import mpmath.libmp as m, sys; sys.exit(0 if m.BACKEND == 'gmpy' else 1)"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--skip-mp", action="store_true", help="leave out the mpmath timing")
    args = parser.parse_args()
    print(f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    with tempfile.TemporaryDirectory() as tmp:
        one, ten = Path(tmp, "one.claims.toml"), Path(tmp, "ten.claims.toml")
        one.write_text(ONE)
        ten.write_text(TEN)
        r = args.repeat
        print("claims (each a fresh process, start-up included)")
        tiers = ["--tier", "theory,reduced,simulation", "--quick"]
        base_one = best(["verify", *tiers, "--claims", str(one)], r)
        row("baseline: quick tiers + claims, one", base_one)
        row("verify --claims one (numeric check)", best(["verify", "--claims", str(one)], r), base_one)
        base_ten = best(["verify", *tiers, "--claims", str(ten)], r)
        row("baseline: quick tiers + claims, ten", base_ten)
        row("verify --claims ten", best(["verify", "--claims", str(ten)], r), base_ten)
        row("verify --exact-only --claims ten", best(["verify", "--exact-only", "--claims", str(ten)], r),
            base_ten)
        print("tiers")
        row("verify --quick", best(["verify", "--quick"], r))
    if args.skip_mp:
        return
    solve = ["solve", "--alpha", "2", "--beta", "1/2", "--precision", "mp:30", "--t-max", "1e20"]
    print("mpmath path: " + " ".join(solve))
    plain = best(solve, r, {**os.environ, "MPMATH_NOGMPY": "1"})
    row("mpmath, Python integers (MPMATH_NOGMPY=1)", plain)
    if has_gmpy2():
        row("mpmath with gmpy2 (the fast extra)", best(solve, r), plain)
    else:
        print("  gmpy2 is not installed: pip install -e \".[fast]\" to compare")


if __name__ == "__main__":
    main()
