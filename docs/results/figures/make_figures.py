"""Regenerate the figures of the results pages: run each recipe (full grid) and keep its PNG.

    python docs/results/figures/make_figures.py [--quick] [recipe names ...]

Each figure is made by exactly the command shown beside it on its results page:
``scalingtool run <name> --out out/<name>``; this script runs those commands (from the
repository root) and copies ``out/<name>/<name>.png`` to ``docs/results/figures/<name>.png``.
Without names it remakes the figures already in this folder (some take hours of CPU).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIGURES = Path(__file__).resolve().parent
ROOT = FIGURES.parents[2]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")] or sorted(p.stem for p in FIGURES.glob("*.png"))
    failed = 0
    for name in names:
        command = [sys.executable, "-m", "scalingtool", "run", name, "--out", f"out/{name}"]
        command += ["--quick"] if quick else []
        print("$", " ".join(["scalingtool", *command[3:]]), flush=True)
        result = subprocess.run(command, cwd=ROOT)
        failed += result.returncode != 0
        png = ROOT / "out" / name / f"{name}.png"
        if png.exists():
            shutil.copyfile(png, FIGURES / f"{name}.png")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
