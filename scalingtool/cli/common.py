"""Pieces every command shares: the ``--format`` option, printing a report, progress bars."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from enum import Enum
from typing import Callable, Iterator

import typer

from ..errors import ScalingToolError, UsageError
from ..files import write_text_atomic
from ..formats import Report, render

__all__ = ["Format", "TableFormat", "format_option", "emit", "write_stdout", "progress_bar", "stderr_console",
           "as_options"]


class Format(str, Enum):
    """Output formats of result commands."""

    table = "table"
    json = "json"
    csv = "csv"
    latex = "latex"


class TableFormat(str, Enum):
    """Output formats of commands without a LaTeX rendering."""

    table = "table"
    json = "json"
    csv = "csv"


def format_option(default: str = "table"):
    """The ``--format`` option (``-f``); its choices come from the parameter's Enum type."""
    return typer.Option(default, "--format", "-f", help="Output format.", case_sensitive=False)


@contextmanager
def as_options(**flags: str) -> Iterator[None]:
    """Name the command-line flag in a validation error about a field.

    The library's errors name quantities (``t_max``); here they become flags (``--t-max``):
    by default ``--`` plus the field with ``_`` as ``-``, or as given in ``flags``.
    """
    try:
        yield
    except UsageError as exc:
        if exc.field is None:
            raise
        flag = flags.get(exc.field, "--" + exc.field.replace("_", "-"))
        text = str(exc)
        if text.startswith(f"{exc.field} = "):  # "t_max = 1e+31 is out of range" -> "--t-max 1e+31 ..."
            text = f"{flag} {text[len(exc.field) + 3:]}"
        elif text.startswith(f"{exc.field}: "):
            text = f"{flag}: {text[len(exc.field) + 2:]}"
        else:
            text = f"{flag}: {text}"
        raise UsageError(text) from None


def emit(report: Report, fmt: str | Enum, out: str | None = None) -> None:
    """Print ``report`` in ``fmt`` to stdout, or write it atomically to ``out``."""
    name = fmt.value if isinstance(fmt, Enum) else fmt
    text = render(report, name)
    if out:
        write_text_atomic(out, text)
    else:
        write_stdout(text)


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output. A full or closed output is one line and exit 1
    (a reader that stopped reading, a closed pipe, is left to the caller: exit 0, quietly)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: the stream was closed
        _discard_stdout()
        reason = getattr(exc, "strerror", None) or "it is closed"
        raise ScalingToolError(f"cannot write the output to standard output ({reason})") from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush finds nothing
    to write and prints no second error."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends


def stderr_console():
    """A rich console on stderr that honours ``NO_COLOR``."""
    from rich.console import Console  # deferred: rich loads only when something is drawn on stderr

    return Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))


#: seconds between two plain progress lines (and before the first: a quick command prints none)
PLAIN_EVERY_S = 10.0


def plain_progress(description: str, write: Callable[[str], object],
                   clock: Callable[[], float] = time.monotonic) -> Callable[[float, int], None]:
    """``update(done, total)`` writing a line such as ``run phase: 3/8 (37%), 1m05s`` through
    ``write`` at most every :data:`PLAIN_EVERY_S` seconds, none in the first ones, and the
    last (``done == total``) whenever an earlier line was written: progress for a log file.
    ``done`` may be fractional (a recipe's parts with the running part's share)."""
    start = clock()
    state = {"last": start, "shown": False}

    def update(done: float, total: int) -> None:
        now = clock()
        finished = total > 0 and done >= total
        if not (now - state["last"] >= PLAIN_EVERY_S or (finished and state["shown"])):
            return
        state["last"], state["shown"] = now, True
        share = f" ({int(100 * done / total)}%)" if total > 0 else ""
        minutes, seconds = divmod(int(now - start), 60)
        write(f"{description}: {int(done)}/{total}{share}, {minutes}m{seconds:02d}s")

    return update


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[float, int], None]]:
    """A rich progress bar on stderr; plain lines (:func:`plain_progress`) when stderr is not a
    terminal, so that a log shows how far a long run has come.

    Yields ``update(done, total)``, the ``progress`` callback the library functions accept.
    """
    # deferred: rich loads only when a progress bar is drawn
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    console = stderr_console()
    if not console.is_terminal:
        def write(line: str) -> None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

        yield plain_progress(description, write)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def update(done: float, total_: int) -> None:
            bar.update(task, completed=done, total=total_)

        yield update
