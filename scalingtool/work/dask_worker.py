"""Set-up of the worker processes of a local Dask cluster (loaded by each worker at start).

Ctrl-C in a terminal reaches every process of the foreground group. The workers of a
local cluster leave it to the command, which stops submitting, keeps the finished parts and
closes the cluster (ending its processes); a worker that died of the signal on its own
would only print a traceback and be restarted.
"""

from __future__ import annotations

import signal
from typing import Any


def dask_setup(worker: Any) -> None:
    """Called by Dask in each worker process: ignore SIGINT (the command closes the cluster)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
