"""Which executor the options ask for: ``workers`` local Dask processes, a ``scheduler``
address, or neither (sequential). The options are checked without Dask, and Dask is imported
only when a cluster is asked for.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ..echo import shown
from ..errors import UsageError
from .executor import Executor, SequentialExecutor

__all__ = ["make_executor", "check_workers", "check_scheduler", "max_workers"]

_WORKERS_PER_CORE = 4
#: the schemes a scheduler address may use: plain TCP, which needs no security or transport
#: configuration (``tls://`` needs certificates and ``ucx://`` UCX-Py, which this tool does
#: not set up: they failed deep inside Dask)
_SCHEMES = ("tcp",)
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$")


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
    from .dask_executor import DaskExecutor  # deferred: Dask, loaded only when a cluster is asked for

    if workers is not None:
        return DaskExecutor(workers=check_workers(workers), timeout=timeout)
    return DaskExecutor(scheduler=check_scheduler(scheduler), timeout=timeout)

