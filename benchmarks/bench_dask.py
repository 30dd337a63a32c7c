"""Parts on a local Dask cluster against the sequential loop a user would otherwise run.

Side by side in one run, on this machine:

* ``run frontier`` (two reduced-dynamics parts, lazy and rich): sequential,
  then on a local cluster of ``--workers`` processes; the ratio is printed without and with
  the cluster's start-up (the cost a one-off command pays; a cluster reached with
  ``--scheduler`` is already up);
* the round trip per part: trivial parts sent one at a time (the overhead a part must dwarf
  to be worth distributing) and grouped (:data:`scalingtool.work.dask_executor.MIN_TASK_SECONDS`);
* ``--verify``: ``verify`` with every tier (each tier's parts, longest first, on one
  executor), sequential vs the cluster;
* ``--sweep``: seconds per part of the simulation sweep (``the built-in recipe simulate-sweep``)
  at each width (set-up until the first step, then the loop's cost per step, from the
  progress calls), and the full grid's total.

Every figure is wall-clock on a machine that may be shared: the load average is printed
with it. Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_dask.py [--workers 2] [--quick]
[--verify] [--sweep] [--sweep-widths 64,256,1024]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def bench_recipe(executor, recipe: Path, quick: bool) -> tuple[float, float]:
    from scalingtool.run import run_recipe

    with tempfile.TemporaryDirectory() as seq, tempfile.TemporaryDirectory() as par:
        sequential, _ = timed(run_recipe, recipe, seq, quick=quick, figures=False)
        distributed, _ = timed(run_recipe, recipe, par, quick=quick, figures=False, executor=executor)
        same = all((Path(seq) / "parts" / p.name).read_bytes() == p.read_bytes()
                   for p in (Path(par) / "parts").iterdir())
    print(f"  stored parts identical: {same}")
    return sequential, distributed


def bench_overhead(executor, count: int) -> tuple[float, float, int]:
    """Seconds per trivial part sent one at a time, and grouped (with the number of groups)."""
    from scalingtool.work import Part
    from scalingtool.work import dask_executor as module

    saved = module.MIN_TASK_SECONDS
    parts = [Part.of(str(i), partial(pow, i, 2)) for i in range(count)]
    try:
        module.MIN_TASK_SECONDS = 0.0  # no grouping
        single, _ = timed(executor.map_parts, parts, lambda key, value: None)
    finally:
        module.MIN_TASK_SECONDS = saved
    grouped, _ = timed(executor.map_parts, parts, lambda key, value: None)
    return single / count, grouped / count, executor.groups_sent


def bench_verify(executor, quick: bool) -> tuple[float, float, int]:
    """``verify`` (every tier, as ``scalingtool verify [--quick]`` runs it) sequential, then with
    the executor; the rows must be the same."""
    from scalingtool.verify import TIERS, _load, verify

    parts = sum(len(_load(TIERS[name])(quick=quick).parts) for name in TIERS)
    sequential, rows = timed(verify, quick=quick)
    distributed, again = timed(verify, quick=quick, executor=executor)
    print(f"  rows identical: {rows.checks == again.checks} ({len(rows.checks)} rows)")
    return sequential, distributed, parts


def time_part(width: int, steps: int) -> tuple[float, float]:
    """(set-up seconds, seconds per step) of one rich run (gamma0 = 2), from its progress calls."""
    from scalingtool.simulate import simulate_linear

    stamps: list[float] = []
    start = time.perf_counter()
    simulate_linear(2, "1/2", 2, width=width, steps=steps, seeds=[0],
                    progress=lambda done, total: stamps.append(time.perf_counter()))
    end = time.perf_counter()
    return stamps[0] - start, (end - stamps[0]) / steps


def bench_sweep(widths: list[int], steps_timed: int) -> None:
    """Seconds of one sweep part = set-up + steps x per-step, per width; the full grid's total."""
    from scalingtool.run.kinds import get_kind
    from scalingtool.run.recipe import load_recipe
    from scalingtool.run.schema.messages import validate_params

    recipe = load_recipe(ROOT / "recipes" / "simulate-sweep.toml")
    kind = get_kind(recipe.kind)
    params = validate_params(kind.schema, recipe.params, recipe.quick, recipe.source, False)
    plan = kind.plan(params)
    steps = params.steps
    time_part(64, 10)  # imports and first calls, not timed
    per_width = {}
    print(f"  one part = one (width, gamma0 = 2, seed) run, timed over {steps_timed} steps ({load()})")
    for width in widths:
        setup, per_step = time_part(width, steps_timed)
        per_width[width] = setup + steps * per_step
        print(f"  N = {width:5d}: set-up {setup:7.2f} s, {per_step * 1e3:8.3f} ms/step -> "
              f"{per_width[width]:9.0f} s per part at {steps} steps  ({load()})", flush=True)
    runs = len(plan) // len(params.widths)
    measured = [w for w in params.widths if w in per_width]
    total = sum(per_width[w] * runs for w in measured)
    print(f"  full grid: {len(plan)} parts ({runs} per width); the {len(measured)} widths measured "
          f"here cost {total / 3600:.1f} core-hours, i.e. {total / 3600 / (os.cpu_count() or 1):.1f} "
          f"hours on this machine's {os.cpu_count()} cores with --workers {os.cpu_count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="the recipes' [quick] grids")
    parser.add_argument("--verify", action="store_true", help="also time the verify rows (minutes)")
    parser.add_argument("--sweep", action="store_true", help="also time sweep parts per width (minutes)")
    parser.add_argument("--sweep-widths", default="64,256,1024")
    parser.add_argument("--sweep-steps", type=int, default=300, help="steps timed per width")
    parser.add_argument("--trivial", type=int, default=200, help="trivial parts for the overhead")
    args = parser.parse_args()

    from scalingtool.work.dask_executor import MIN_TASK_SECONDS, DaskExecutor

    print(f"os.cpu_count() = {os.cpu_count()}; OMP_NUM_THREADS = {os.environ.get('OMP_NUM_THREADS')}; {load()}")
    start, executor = timed(DaskExecutor, workers=args.workers)
    print(f"local cluster of {args.workers} workers started in {start:.2f} s")
    with executor:
        recipe = ROOT / "recipes" / "frontier.toml"
        print(f"run {recipe.name}{' --quick' if args.quick else ''}:")
        seq, par = bench_recipe(executor, recipe, args.quick)
        print(f"  sequential {seq:7.2f} s | --workers {args.workers}: {par:7.2f} s -> {seq / par:.2f}x "
              f"(with the cluster's start-up {start:.2f} s: {seq / (par + start):.2f}x)  [{load()}]")
        single, grouped, groups = bench_overhead(executor, args.trivial)
        print(f"round trip per part: {single * 1e3:.1f} ms sent one at a time, {grouped * 1e3:.2f} ms grouped "
              f"({args.trivial} trivial parts in {groups} groups)  [{load()}]")
        print(f"  a part under ~{20 * single:.2f} s (20 round trips) loses >5% to the round trip; the executor "
              f"groups parts that finish in under MIN_TASK_SECONDS = {MIN_TASK_SECONDS} s")
        if args.verify:
            seq, par, count = bench_verify(executor, args.quick)
            print(f"verify{' (quick)' if args.quick else ''} as {count} parts: sequential {seq:7.2f} s | "
                  f"--workers {args.workers}: {par:7.2f} s -> {seq / par:.2f}x "
                  f"(with start-up: {seq / (par + start):.2f}x)  [{load()}]")
    if args.sweep:
        print("simulate-sweep cost:")
        bench_sweep([int(w) for w in args.sweep_widths.split(",")], args.sweep_steps)


if __name__ == "__main__":
    main()
