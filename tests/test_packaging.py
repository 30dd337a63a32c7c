"""The package as a user gets it: build the sdist and wheel, install the wheel into a fresh
virtual environment, and use it from a folder outside the repository.

Slow (about a minute: an isolated build environment and a fresh install of the dependencies).
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .cli.test_docs_command import repository_theory

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(argv, cwd, env=None, timeout=900):
    r = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{argv}: exit {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel built from a clean copy of the source (no caches, no build leftovers)."""
    pytest.importorskip("build", reason="the packaging test needs the `build` package (test extra)")
    base = tmp_path_factory.mktemp("dist")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "out", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # its own warning
    r = _run([sys.executable, "-m", "build", "--outdir", base / "out", source], cwd=base, env=env)
    log = r.stdout + r.stderr
    warnings = [line for line in log.splitlines() if "warning" in line.lower()]
    assert not warnings, "\n".join(warnings)
    sdist, = (base / "out").glob("scalingtool-*.tar.gz")
    wheel, = (base / "out").glob("scalingtool-*.whl")
    return sdist, wheel


def test_sdist_carries_tests_docs_and_recipes(dist):
    sdist, _ = dist
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"tests/conftest.py", "tests/test_docs.py", "docs/explanation/theory/3-exponents.md", "LICENSE",
            "recipes/phase.toml", "recipes/mlp-study.toml"} <= names
    assert {n for n in names if n.startswith("recipes/")} >= _recipe_files("recipes/")
    assert not any("__pycache__" in n for n in names)


def test_wheel_metadata_and_recipes(dist):
    _, wheel = dist
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata, = (n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in meta
    assert "License :: " not in meta  # no deprecated licence classifier
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    # exactly the files of the top-level recipes/ (recipes and reference runs), as real files
    assert {n for n in names if n.startswith("scalingtool/recipes/")} == _recipe_files("scalingtool/recipes/")
    with zipfile.ZipFile(wheel) as zf:  # the theory pages as files, not as a link to the repository
        pages = {Path(n).name: zf.read(n).decode() for n in names if n.startswith("scalingtool/theory_pages/")}
    assert pages == {p.name: p.read_text("utf-8") for p in (ROOT / "docs" / "explanation" / "theory").glob("*.md")}


def _recipe_files(prefix: str) -> set[str]:
    """The files of the repository's recipes/ folder (no caches), named under ``prefix``."""
    folder = ROOT / "recipes"
    return {prefix + p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_installed_wheel_works_outside_the_repository(dist, tmp_path):
    _, wheel = dist
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([bindir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}, "NO_COLOR": "1"}
    tool = bindir / "scalingtool"

    where = _run([bindir / "python", "-c", "import scalingtool; print(scalingtool.__file__)"], elsewhere, env)
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the installed copy, not the checkout

    listing = json.loads(_run([tool, "recipes", "--format", "json"], elsewhere, env).stdout)
    assert listing["schema"] == "scalingtool/recipes/v1"
    # every recipe, the variants' extends resolved inside the installed package
    assert {r["name"] for r in listing["recipes"]} == {p.stem for p in (ROOT / "recipes").glob("*.toml")}
    shown = _run([tool, "recipes", "show", "phase"], elsewhere, env).stdout
    assert shown == (ROOT / "recipes" / "phase.toml").read_text("utf-8")
    reference = _run([bindir / "python", "-c", "from importlib import resources; print(resources.files("
                      "'scalingtool.recipes').joinpath('references/mlp-study.quick.json').read_text())"], elsewhere, env)
    assert json.loads(reference.stdout) == json.loads((ROOT / "recipes/references/mlp-study.quick.json").read_text())
    # the theory pages that every help text cites ship in the wheel, as files
    theory = _run([tool, "docs"], elsewhere, env).stdout
    assert theory == repository_theory()
    assert _run([tool, "docs", "3.3"], elsewhere, env).stdout.startswith("### 3.3 Compute-optimal exponents")

    out = tmp_path / "phase-out"
    run = json.loads(_run([tool, "run", "phase", "--quick", "--out", out, "--format", "json"], elsewhere, env).stdout)
    assert run["ok"] and run["recipe"] == "phase" and run["checks"]
    assert (out / "summary.json").is_file() and (out / "phase.csv").is_file()

    verify = json.loads(_run([tool, "verify", "--quick", "--tier", "theory", "--format", "json"], elsewhere, env).stdout)
    assert verify["ok"] and verify["counts"]["fail"] == 0 and verify["counts"]["pass"] > 0
