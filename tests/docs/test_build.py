"""The documentation site builds with ``mkdocs build --strict``: no warning (a broken link, a page
missing from the nav's files, an unresolved API reference, a failed reference generator) passes.

About 4 s on an idle core (MkDocs, Material, mkdocstrings and the generated reference pages).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("mkdocs", reason="building the site needs the docs extra (pip install -e '.[docs]')")
pytest.importorskip("material", reason="building the site needs mkdocs-material (the docs extra)")
pytest.importorskip("mkdocstrings_handlers.python", reason="the API page needs mkdocstrings-python (the docs extra)")


def test_site_builds_strictly(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(site)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-4000:]
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "\n".join(warnings)
    for page in ("explanation/theory/3-exponents", "reference/cli", "reference/recipes", "reference/limits",
                 "reference/json", "reference/api"):
        assert (site / page / "index.html").is_file(), page
    # the API page was rendered by mkdocstrings, not left as its ::: directives
    api = (site / "reference" / "api" / "index.html").read_text("utf-8")
    assert 'id="scalingtool.params.check"' in api and ":::" not in api
    # a theory heading keeps its number, so that `theory §3.3` is found on its page
    assert "3.3 Compute-optimal exponents" in (site / "explanation" / "theory" / "3-exponents" / "index.html").read_text("utf-8")
