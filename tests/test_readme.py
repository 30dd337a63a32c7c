"""Every `$ scalingtool ...` example in the README is also a test: its output must match."""

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```text\n\$ (scalingtool [^\n]*)\n(.*?)```", re.S)


def examples():
    for command, output in BLOCK.findall(README.read_text("utf-8")):
        if not any(ch in command for ch in "|;&>"):
            yield pytest.param(command, output, id=command)


@pytest.mark.parametrize("command, expected", list(examples()))
def test_readme_example(command, expected, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "100")
    # an example that writes a folder runs into a fresh one (its output names the folder)
    match = re.search(r"--out (\S+)", command)
    if match:
        command = command.replace(match.group(1), str(tmp_path / "out"))
        expected = expected.replace(match.group(1), str(tmp_path / "out"))
    result = cli(*shlex.split(command)[1:])
    assert result.code == 0
    got = [line.rstrip() for line in result.out.rstrip().splitlines()]
    assert got == expected.rstrip().splitlines()


def test_readme_has_examples():
    assert len(list(examples())) >= 3
