"""Regenerate the README gallery: run every recipe (full grid) and keep its PNG.

    python docs/make_gallery.py [--quick] [recipe names ...]

Each figure is made by exactly the command shown under it in the README:
``scalingtool run <name> --out out/<name>``; this script runs those
commands and copies ``out/<name>/<name>.png`` to ``docs/gallery/<name>.png``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    builtin = ROOT / "scalingtool" / "recipes"  # the built-in recipes (package data)
    names = [a for a in argv if not a.startswith("--")] or sorted(p.stem for p in builtin.glob("*.toml"))
    failed = 0
    for name in names:
        command = [sys.executable, "-m", "scalingtool", "run", name, "--out", f"out/{name}"]
        command += ["--quick"] if quick else []
        print("$", " ".join(["scalingtool", *command[3:]]), flush=True)
        result = subprocess.run(command, cwd=ROOT)
        failed += result.returncode != 0
        png = ROOT / "out" / name / f"{name}.png"
        if png.exists():
            shutil.copyfile(png, ROOT / "docs" / "gallery" / f"{name}.png")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
