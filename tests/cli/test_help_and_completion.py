"""Help text, version flag and shell completion of the top-level command."""

import os
import re
import subprocess
import sys

import pytest
import typer

from scalingtool import __version__
from scalingtool.cli import app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ESCAPE = re.compile(r"\x1b\[")


def _commands(group=None, prefix=()):
    """Every command path of the CLI, e.g. ("recipes", "show")."""
    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


COMMANDS = [()] + list(_commands())


def test_command_list_is_complete():
    assert {"run", "recipes", ("recipes", "show")} <= {c[0] if len(c) == 1 else c for c in COMMANDS if c}


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "scalingtool")
def test_boolean_options_are_shown_as_flags(cli, path):
    """A flag takes no value: help must not print a type such as ``<bool>`` after it."""
    r = cli(*path, "--help")
    assert r.code == 0
    assert "<bool>" not in r.out
    assert re.search(r"^\s+-h, --help\s+Show this message", r.out, re.M), r.out


def test_quick_is_a_flag(cli):
    assert re.search(r"^\s+--quick\s+The recipe's small \[quick\] grid", cli("run", "--help").out, re.M)


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(cli, flag):
    r = cli(flag)
    assert r.code == 0 and r.out == f"scalingtool {__version__}\n"


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o default -F _scalingtool_completion scalingtool"),
                                           ("zsh", "#compdef scalingtool"),
                                           ("fish", "complete --command scalingtool")])
def test_show_completion(cli, monkeypatch, shell, marker):
    # Typer detects the user's shell from the process tree; its test switch makes
    # --show-completion take the shell's name instead, so every shell can be checked here.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    r = cli("--show-completion", shell)
    assert r.code == 0 and marker in r.out and "_SCALINGTOOL_COMPLETE" in r.out


def _complete(words: str, cword: int) -> list[str]:
    env = {**os.environ, "_SCALINGTOOL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    r = subprocess.run([sys.executable, "-m", "scalingtool"], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_completion_of_commands_and_recipe_names():
    assert "recipes" in _complete("scalingtool rec", 1)
    assert _complete("scalingtool run ph", 2) == ["phase"]
    assert "mlp-circle" in _complete("scalingtool recipes show ", 3)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["recipes", "--help"]])
def test_help_honours_no_color_on_a_terminal(argv):
    """On a terminal, with colour forced by the environment, NO_COLOR still wins: no escape codes."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}
    try:
        proc = subprocess.run([sys.executable, "-m", "scalingtool", *argv], stdout=follower, stderr=follower,
                              env=env, cwd=ROOT, timeout=120)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0 and "Usage: scalingtool" in text
    assert not ESCAPE.search(text), repr(text[:300])
