"""What the fuzz tests share: the invariant every drawn case must keep, a fresh folder per case,
hostile values, example counts for the default and the slow run.

The invariant (:func:`check`): exit 0, 1 or 2; no traceback; at most :data:`MAX_ERR_LINES`
lines on stderr besides progress lines, none longer than :data:`MAX_LINE`; no ``*.tmp`` file
left anywhere under the case's folder; and when the command refuses its input (exit 2) every
file that existed before it holds the same bytes after it. Exit 1 is a finished command whose
check failed: it writes the report it was asked for (``--junit-xml``, a run's summary).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import string
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

MAX_ERR_LINES = 5
MAX_LINE = 2000
#: seconds one drawn case may take before it counts as a hang
CASE_SECONDS = 60
#: how many times more examples the slow run draws than the default one
SLOW_FACTOR = 10
#: a line that starts with a command name and a count is progress, not an error:
#: ``verify: theory 1/6``, ``run phase: 3/8 (37%), 1m05s``, ``verify: claims 1/2 NAME: pass``
PROGRESS = re.compile(r"^[a-z][\w-]*( [\w-]+)?: ([\w-]+ )?\d+/\d+\b")

HOSTILE = [
    "", " ", "-", "--", "\t", "0", "-0", "-1", "1", "2", "nan", "NaN", "inf", "-inf", "1e400", "-1e400",
    "1e-400", "9" * 5000, "-" + "9" * 5000, "0x10", "1_000", "1/2", "1/0", "\u00b2", "\u0662", "\uff12",
    "\u0663.\u0665", "2\u2070", "\x00", "\x1b[31m", "a\nb", "\r", "\x7f", "\u202e", "\ud7ff", "x" * 300,
    "\u00e9" * 200, "../", ".", "/", "//", "~", "$HOME", "%s%n", "{}", "[]", "'", '"', "\\",
]


def examples(default: int) -> list:
    """``max_examples`` for a parametrised fuzz test: ``default`` in the default run, ten times
    more under ``pytest -m slow``."""
    return [pytest.param(default, id="default"),
            pytest.param(default * SLOW_FACTOR, id="slow", marks=pytest.mark.slow)]


def fuzz_settings(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def hostile(extra: list[str] | None = None) -> st.SearchStrategy[str]:
    """Hostile text: the corpus above, random text with control and non-ASCII characters,
    long strings, huge and negative numbers."""
    return st.one_of(
        st.sampled_from(HOSTILE + (extra or [])),
        st.text(max_size=12),
        st.text(alphabet=string.printable + "\u00b2\u0662\u00e9\x00\x1f", min_size=280, max_size=400),
        st.integers(-10**30, 10**30).map(str),
        st.floats().map(repr),
    )


def snapshot(folder: Path) -> dict[Path, bytes]:
    """The bytes of every regular file under ``folder``."""
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def stray_tmp(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip() and not PROGRESS.match(line)]


def check(result, folder: Path, before: dict[Path, bytes], argv) -> None:
    """The invariant of every drawn case (see the module's text)."""
    where = (argv, result.code, result.err[-3000:])
    assert result.code in (0, 1, 2), where
    assert "Traceback" not in result.err and "Traceback" not in result.out, where
    lines = error_lines(result.err)
    assert len(lines) <= MAX_ERR_LINES, where
    assert all(len(line) <= MAX_LINE for line in lines), (argv, [len(line) for line in lines])
    assert not stray_tmp(folder), (argv, stray_tmp(folder))
    if result.code == 2:  # refused: nothing touched (exit 1, a failed check, writes its report)
        changed = [str(p.relative_to(folder)) for p, data in before.items()
                   if not p.is_file() or p.read_bytes() != data]
        assert not changed, (argv, result.code, "changed on failure:", changed, result.err[-2000:])


@dataclass
class Case:
    folder: Path
    before: dict[Path, bytes]


class Cases:
    """A fresh folder (the working directory) per drawn case, a time limit, and the invariant."""

    def __init__(self, root: Path, cli, monkeypatch) -> None:
        self.root, self.cli, self.monkeypatch = root, cli, monkeypatch
        self.count = itertools.count()

    @contextmanager
    def new(self, env: dict[str, str] | None = None) -> Iterator[Path]:
        folder = self.root / f"case{next(self.count)}"
        folder.mkdir()
        with self.monkeypatch.context() as mp:
            mp.chdir(folder)
            for key, value in (env or {}).items():
                mp.setenv(key, value)
            try:
                yield folder
            finally:
                os.chdir(self.root)
        shutil.rmtree(folder, ignore_errors=True)

    def run(self, folder: Path, argv: list[str]):
        """Run ``argv`` in-process under the time limit and check the invariant."""
        before = snapshot(folder)
        with time_limit(CASE_SECONDS, argv), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")  # what a user's terminal shows: once per place
            result = self.cli(*argv)
        # a warning is text on the user's stderr: it counts against the few lines allowed
        shown = "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught)
        result = type(result)(result.code, result.out, shown + result.err)
        check(result, folder, before, argv)
        event(f"{argv[0]}: exit {result.code}")  # pytest --hypothesis-show-statistics
        return result


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int, what) -> Iterator[None]:
    def expired(signum, frame):
        raise Hang(f"no answer in {seconds} s: {what!r}"[:500])

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
