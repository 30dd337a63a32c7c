"""The pre-commit hook manifest loads and its entry runs on a sample claims file."""

import shlex
from pathlib import Path

from tests.verify.test_claims import RIGHT, write

MANIFEST = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def _manifest():
    """The manifest: PyYAML when installed, else this flat subset of YAML (a list of maps
    of scalars), which is all the file uses."""
    text = MANIFEST.read_text()
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        return yaml.safe_load(text)
    hooks = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert line.startswith(("- ", "  ")), line
        if line.startswith("- "):
            hooks.append({})
        key, _, value = line[2:].partition(": ")
        value = value.strip()
        if value[:1] in "'\"":
            value = value[1:-1]
        hooks[-1][key.strip()] = {"true": True, "false": False}.get(value, value)
    return hooks


def test_manifest_declares_the_hook():
    [hook] = _manifest()
    assert hook["id"] == "scalingtool-claims" and hook["language"] == "python"
    assert hook["files"] == r"\.claims\.toml$" and hook["pass_filenames"] is True
    assert hook["entry"].split()[:2] == ["scalingtool", "verify"]


def test_entry_runs_on_changed_files(cli, tmp_path):
    [hook] = _manifest()
    argv = shlex.split(hook["entry"])[1:]  # pre-commit appends the changed files
    good = write(tmp_path, RIGHT, "a.claims.toml")
    bad = write(tmp_path, RIGHT.replace('"0.3333"', '"0.34"'), "b.claims.toml")
    assert cli(*argv, good).code == 0
    r = cli(*argv, good, bad)
    assert r.code == 1 and "fail" in r.out


def test_a_file_named_like_an_option_is_a_file(cli, tmp_path, monkeypatch):
    [hook] = _manifest()
    argv = shlex.split(hook["entry"])[1:]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, RIGHT, "-v.claims.toml")
    assert cli(*argv, "-v.claims.toml").code == 0
