"""One version: ``scalingtool.__version__`` is the one place it is written; the package metadata
(pyproject.toml reads it), ``scalingtool --version`` and the changelog agree with it."""

import re
from importlib.metadata import version
from pathlib import Path

import pytest

import scalingtool

ROOT = Path(__file__).resolve().parents[1]


def test_metadata_and_command_agree(cli):
    assert re.fullmatch(r"\d+\.\d+\.\d+", scalingtool.__version__)
    assert version("scalingtool") == scalingtool.__version__, "reinstall: pip install -e ."
    result = cli("--version")
    assert result.code == 0 and result.out == f"scalingtool {scalingtool.__version__}\n"


def test_pyproject_does_not_write_the_version_again():
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'dynamic = ["version"]' in text and 'attr = "scalingtool.__version__"' in text
    assert not re.search(r"^version\s*=\s*\"", text, re.M)  # no literal version string


def test_the_changelog_has_a_section_for_the_version():
    changelog = ROOT / "CHANGELOG.md"
    if not changelog.exists():
        pytest.skip("no CHANGELOG.md in this checkout")
    assert re.search(rf"^## \[?{re.escape(scalingtool.__version__)}\]?", changelog.read_text("utf-8"), re.M)
