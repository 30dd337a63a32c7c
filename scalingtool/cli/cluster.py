"""The ``--workers`` / ``--scheduler`` options: where a command computes its independent parts.

Neither: one after another in this process (Dask is not imported). ``--workers N``: a local
Dask cluster of N worker processes, closed when the command ends (also on Ctrl-C).
``--scheduler ADDRESS``: an existing Dask cluster (``dask scheduler`` + ``dask worker``, or
dask-jobqueue on SLURM/PBS). The executors are in :mod:`scalingtool.work.executor` and
:mod:`scalingtool.work.dask_executor`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

import typer

from ..errors import UsageError
from .common import as_options, stderr_console

__all__ = ["workers_option", "scheduler_option", "open_executor"]


def workers_option():
    return typer.Option(None, "--workers",
                        help="Compute the parts on a local Dask cluster of this many worker processes "
                             "(needs scalingtool[distributed]).", show_default=False)


def scheduler_option():
    return typer.Option(None, "--scheduler", metavar="ADDRESS",
                        help="Compute the parts on the Dask cluster of this scheduler, e.g. "
                             "tcp://10.0.0.5:8786 (workers need the same scalingtool).", show_default=False)


@contextmanager
def open_executor(workers: Optional[int], scheduler: Optional[str]) -> Iterator[object]:
    """The executor the options ask for; says on stderr where parts run (and the dashboard)."""
    # deferred: keeps start-up ('--help', 'exponents') from loading the executors
    from ..work.options import make_executor

    if workers is not None and scheduler is not None:
        raise UsageError("--workers and --scheduler are exclusive: start a local cluster or connect to one")
    with as_options():
        executor = make_executor(workers, scheduler)
    try:
        if executor.description != "sequential":
            line = f"parts run on the {executor.description}"
            if executor.dashboard:
                line += f"; dashboard: {executor.dashboard}"
            stderr_console().print(line, highlight=False, soft_wrap=True)
        yield executor
    finally:
        executor.close()
