"""Run the command line in-process and capture what it prints."""

import signal
from dataclasses import dataclass

import os

import pytest
from hypothesis import settings

from scalingtool.cli import main

# Property-based tests draw the same examples on every default run (a stop's CI cannot turn red
# by the luck of a draw; their corpora of @example reproducers run as well), and new random ones
# under `pytest -m slow`, where the fuzzers explore. HYPOTHESIS_PROFILE=explore forces the latter.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)


def pytest_configure(config):
    marks = config.getoption("markexpr", default="") or ""
    exploring = "slow" in marks and "not slow" not in marks
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("explore" if exploring else "repeatable"))


@pytest.fixture(scope="session", autouse=True)
def _data_cache(tmp_path_factory):
    """Generated data (the MNIST-1D pool) are cached in a folder of the test session, never in
    the user's cache folder; commands run in subprocesses inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCALINGTOOL_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")

    def run(*argv: str) -> Run:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_usage_error(result: Run, *fragments: str) -> None:
    """Exit 2, one line on stderr naming the problem, nothing on stdout, no traceback."""
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("scalingtool: error: ")
    assert "Traceback" not in result.err and result.out == ""
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def default_sigint() -> None:
    """``preexec_fn`` of a child that a test interrupts: a shell's background job inherits SIGINT
    ignored, and Python then keeps ignoring it; the child restores the default, as a terminal's
    foreground process has it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
