"""Where the independent parts of a run are computed: the executor interface, the sequential
executor, and the choice between it and a Dask cluster.

An executor computes a list of :class:`~scalingtool.work.part.Part` s (a recipe's parts, a
verification's rows, one simulation of a sweep), longest ``cost`` first, and hands each
result to ``on_done(key, result)`` *in the calling process* as soon as it is ready, so the
caller can store it at once: a run that is interrupted, loses its scheduler or has a part
fail keeps every finished part.

* :class:`SequentialExecutor` (the default): a plain loop in this process, which hands each
  part the caller's within-part ``progress``; Dask is not imported. An error stops the loop
  and propagates unchanged.
* :class:`~scalingtool.work.dask_executor.DaskExecutor` (:mod:`.dask_executor`): a
  ``dask.distributed`` client on a local cluster of worker processes (``workers=N``) or on an
  existing cluster (``scheduler="tcp://host:8786"``).

:func:`make_executor` picks one from the ``workers`` and ``scheduler`` options, which
:func:`check_workers` and :func:`check_scheduler` validate without Dask.

The executor knows nothing of recipes or tiers, and imports only :mod:`scalingtool.errors`
and the standard library (Dask when a cluster is asked for), so any layer can hand it work.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable

from ..echo import shown
from ..errors import UsageError
from .part import Part, Progress

__all__ = ["Executor", "SequentialExecutor", "make_executor", "longest_first", "OnDone",
           "check_workers", "check_scheduler", "max_workers"]

_WORKERS_PER_CORE = 4
#: the schemes a scheduler address may use: plain TCP, which needs no security or transport
#: configuration (``tls://`` needs certificates and ``ucx://`` UCX-Py, which this tool does
#: not set up: they failed deep inside Dask)
_SCHEMES = ("tcp",)
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$")

OnDone = Callable[[str, Any], None]


def longest_first(parts: Iterable[Part]) -> list[Part]:
    """``parts`` by decreasing ``cost`` (a stable sort: equal costs keep their order); a key
    given twice is a ``ValueError`` (results are handed back by key)."""
    todo = list(parts)
    keys = [p.key for p in todo]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"two parts have the key {twice!r}")
    return sorted(todo, key=lambda p: -p.cost)


class Executor(ABC):
    """Computes parts, longest first, and passes each result to ``on_done(key, result)`` in
    this process."""

    #: one line saying where parts run (printed by the command line)
    description = "sequential"
    #: the Dask dashboard's address, when there is one
    dashboard: str | None = None

    @abstractmethod
    def map_parts(self, parts: Iterable[Part], on_done: OnDone, progress: Progress = None) -> None:
        """Compute every part; call ``on_done(key, result)`` here as each one finishes.
        ``progress(step, steps)`` is handed to the compute of a part that runs in this process
        (a part on a cluster gets ``None``)."""

    def close(self) -> None:
        """Release the cluster (a no-op for executors that hold none)."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SequentialExecutor(Executor):
    """One part after another in this process, longest first; the first error propagates."""

    def map_parts(self, parts: Iterable[Part], on_done: OnDone, progress: Progress = None) -> None:
        for part in longest_first(parts):
            on_done(part.key, part.compute(progress))


# --- validation (no Dask needed) ------------------------------------------------------------

def max_workers() -> int:
    """The most local worker processes accepted: 4 per core."""
    return _WORKERS_PER_CORE * (os.cpu_count() or 1)


def check_workers(workers: Any) -> int:
    """A number of local worker processes, ``1 .. 4 x cores``."""
    high = max_workers()
    try:
        count = int(workers)
        if isinstance(workers, bool) or count != workers:
            raise ValueError
    except (TypeError, ValueError):
        raise UsageError(f"workers = {workers!r} is not a whole number of worker processes",
                         field="workers") from None
    if not 1 <= count <= high:
        raise UsageError(f"workers = {count} is out of range: expected 1 to {high} worker processes "
                         f"({_WORKERS_PER_CORE} per core on this {os.cpu_count()}-core machine)", field="workers")
    return count


def check_scheduler(address: Any) -> str:
    """A scheduler address ``[tcp://]host:port``."""
    text = address.strip() if isinstance(address, str) else ""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, colon, port = rest.rpartition(":")
    ok = (scheme in _SCHEMES and colon and _HOST.match(host) is not None and port.isascii()
          and port.isdigit() and 0 < int(port) < 65536 and len(text) <= 300)
    if not ok:
        raise UsageError(f"scheduler = {shown(address, 80)} is not a scheduler address: expected [tcp://]host:port, "
                         "e.g. tcp://10.0.0.5:8786", field="scheduler")
    return f"{scheme}://{host}:{int(port)}"


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  timeout: float | None = None) -> Executor:
    """The executor for ``workers`` local processes, a ``scheduler`` address, or neither
    (sequential, Dask not imported). Bad values are one-line :class:`UsageError` s."""
    if workers is not None and scheduler is not None:
        raise UsageError("workers and scheduler are exclusive: start a local cluster or connect to one")
    if workers is None and scheduler is None:
        return SequentialExecutor()
    from .dask_executor import DaskExecutor  # the Dask side, loaded when a cluster is asked for

    if workers is not None:
        return DaskExecutor(workers=check_workers(workers), timeout=timeout)
    return DaskExecutor(scheduler=check_scheduler(scheduler), timeout=timeout)

