"""Every command example in the README and the docs is a test.

* A ```text block whose first line is ``$ scalingtool ARGS`` is run and its printed output must
  match the rest of the block, line by line (trailing spaces ignored; ``COLUMNS=100``). A command
  with shell syntax (``| grep``, ``; echo exit=$?``) runs through bash, stdout and stderr together;
  a plain one runs in-process and must exit 0. An ``--out DIR`` is replaced by a fresh folder.
* Every ``scalingtool`` line of a ```bash, ```console or ```shell block is run and must exit 0,
  unless the line before the block is ``<!-- not run: REASON -->`` (it needs data a reader
  brings, a cluster, or hours): such a line is still parsed, so its command and options exist.
* An example preceded by ``<!-- slow -->`` runs only under ``pytest -m slow``.
* A fenced block whose first line is ``# file: NAME`` (a claims file, a recipe) is written as NAME
  into the folder the page's examples run in, so a page's commands can read the files it shows;
  a ```python one is also run there first, as the reader runs it (to make a data set).
* The README stays a first screen: at most 160 lines, its first command within its first 30.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer

from scalingtool.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
MARKER = re.compile(r"<!--\s*(slow|not run:[^>]*?)\s*-->")
SHELLS = {"bash", "console", "shell", "sh"}
SHELL_SYNTAX = re.compile(r"[|;&<>`$]")
COLUMNS = "100"


@dataclass
class Example:
    page: Path
    line: int
    command: str  # without the leading "$ "
    expected: str | None  # None: only the exit code is checked
    marker: str = ""  # "", "slow" or "not run: ..."
    files: dict[str, str] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}: {self.command[:60]}"


def _marker(text: str, start: int) -> str:
    """The marker on the line before a block at ``start``, if any."""
    before = text[:start].rstrip().rsplit("\n", 1)[-1].strip()
    match = MARKER.fullmatch(before)
    return match.group(1) if match else ""


def _command_lines(body: str) -> list[tuple[int, str]]:
    """The ``scalingtool`` lines of a shell block (a console's ``$ `` prompt dropped), with
    continuation lines joined."""
    lines, joined = [], ""
    for offset, raw in enumerate(body.splitlines()):
        line = raw.strip()
        line = line[2:] if line.startswith("$ ") else line
        if joined:
            joined += " " + line.rstrip("\\").strip()
        elif line.startswith("scalingtool ") or line == "scalingtool":
            joined, first = line.rstrip("\\").strip(), offset
        if joined and not line.endswith("\\"):
            lines.append((first, joined))
            joined = ""
    return lines


def parse(page: Path) -> list[Example]:
    text = page.read_text("utf-8")
    files, scripts = {}, []
    for match in FENCE.finditer(text):
        body = match.group(2)
        name = re.match(r"#\s*file:\s*(\S+)\s*\n", body)
        if name:
            files[name.group(1)] = body[name.end():]
            scripts += [name.group(1)] if match.group(1) == "python" else []
    examples = []
    for match in FENCE.finditer(text):
        lang, body = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 2  # the block's first line
        marker = _marker(text, match.start())
        if lang == "text" and body.startswith("$ scalingtool"):
            command, _, expected = body.partition("\n")
            examples.append(Example(page, line, command[2:], expected, marker, files, scripts))
        elif lang in SHELLS:
            for offset, command in _command_lines(body):
                examples.append(Example(page, line + offset, command, None, marker, files, scripts))
    return examples


EXAMPLES = [example for page in PAGES for example in parse(page)]


def _param(example: Example):
    marks = [pytest.mark.slow] if example.marker == "slow" else []
    return pytest.param(example, id=example.id, marks=marks)


def _bash(command: str, cwd: Path) -> tuple[int, str]:
    """Run a command line with shell syntax, ``scalingtool`` and ``python`` being this interpreter."""
    python = shlex.quote(sys.executable)
    prelude = f'scalingtool() {{ {python} -m scalingtool "$@"; }}\npython() {{ {python} "$@"; }}\n'
    env = {**os.environ, "COLUMNS": COLUMNS, "NO_COLOR": "1"}
    done = subprocess.run(["bash", "-c", prelude + command], cwd=cwd, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return done.returncode, done.stdout


def _out_folder(command: str, expected: str | None, tmp_path: Path):
    """An example that writes a folder runs into a fresh one (its output names the folder)."""
    match = re.search(r"--out (\S+)", command)
    if match:
        command = command.replace(match.group(1), str(tmp_path / "out"))
        if expected is not None:
            expected = expected.replace(match.group(1), str(tmp_path / "out"))
    return command, expected


def _parses(command: str) -> None:
    """The command names an existing command and only options it has, with values of the
    right type (nothing is run). Typer carries its own copy of Click, so its classes are
    recognised by what they have, not imported."""
    args = shlex.split(command, comments=True)[1:]
    cmd = typer.main.get_command(app)
    while hasattr(cmd, "commands") and args and not args[0].startswith("-"):
        assert args[0] in cmd.commands, f"no command {args[0]!r} in: {command}"
        cmd, args = cmd.commands[args[0]], args[1:]
    if "--help" not in args:
        cmd.make_context(cmd.name or "scalingtool", args)  # parses and converts, runs nothing


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_example(example: Example, cli, monkeypatch, tmp_path):
    if example.marker.startswith("not run"):
        _parses(example.command)
        return
    monkeypatch.setenv("COLUMNS", COLUMNS)
    work = tmp_path / "work"
    work.mkdir()
    for name, content in example.files.items():
        (work / name).write_text(content, "utf-8")
    for script in example.scripts:
        subprocess.run([sys.executable, script], cwd=work, check=True)
    monkeypatch.chdir(work)
    command, expected = _out_folder(example.command, example.expected, tmp_path)
    if SHELL_SYNTAX.search(command.split(" #", 1)[0]):
        code, out = _bash(command, work)
        if expected is None:
            assert code == 0, out
    else:
        result = cli(*shlex.split(command, comments=True)[1:])
        code, out = result.code, result.out
        assert code == 0, result.err
    if expected is not None:
        got = [line.rstrip() for line in out.rstrip().splitlines()]
        assert got == expected.rstrip().splitlines()


def test_every_page_with_commands_has_tested_examples():
    assert sum(e.expected is not None for e in EXAMPLES if e.page == README) >= 3
    assert sum(e.expected is not None for e in EXAMPLES) >= 10


def test_text_blocks_hold_one_command_each():
    """A second ``$ scalingtool`` inside a text block would never be compared: split the block."""
    for page in PAGES:
        for match in FENCE.finditer(page.read_text("utf-8")):
            if match.group(1) == "text":
                prompts = [l for l in match.group(2).splitlines() if l.startswith("$ scalingtool")]
                assert len(prompts) <= 1, f"{page.relative_to(ROOT)}: {prompts}"


def test_readme_is_a_first_screen():
    lines = README.read_text("utf-8").splitlines()
    assert len(lines) <= 160
    first = next(i for i, line in enumerate(lines, 1) if line.startswith("$ scalingtool"))
    assert first <= 30, first


def test_the_parser_finds_what_it_is_for(tmp_path):
    """The harness is not vacuous: each kind of block on a made-up page becomes an example."""
    page = tmp_path / "page.md"
    page.write_text(
        "```toml\n# file: a.toml\nx = 1\n```\n```python\n# file: b.py\nprint()\n```\n"
        "```text\n$ scalingtool exponents --alpha 2 --beta 1\nout\n```\n"
        "<!-- slow -->\n```bash\nscalingtool recipes   # list\nls\n```\n"
        "<!-- not run: data -->\n```console\n$ scalingtool estimate --features X.npy \\\n"
        "    --labels y.npy\n```\n", "utf-8")
    found = parse(page)
    assert [(e.command, e.expected, e.marker) for e in found] == [
        ("scalingtool exponents --alpha 2 --beta 1", "out\n", ""),
        ("scalingtool recipes   # list", None, "slow"),
        ("scalingtool estimate --features X.npy --labels y.npy", None, "not run: data"),
    ]
    assert found[0].files == {"a.toml": "x = 1\n", "b.py": "print()\n"} and found[0].scripts == ["b.py"]
    _parses(found[2].command)
    with pytest.raises(Exception) as info:
        _parses("scalingtool exponents --alpah 2")
    assert type(info.value).__name__ == "NoSuchOption"
    with pytest.raises(Exception) as info:
        _parses("scalingtool run frontier --workers many")
    assert type(info.value).__name__ == "BadParameter"
    with pytest.raises(AssertionError):
        _parses("scalingtool exponnets")
