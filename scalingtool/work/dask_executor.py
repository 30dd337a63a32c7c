"""Parts on a Dask cluster: :class:`DaskExecutor`, an :class:`~scalingtool.work.executor.Executor`.

A ``dask.distributed`` client, either on a local cluster of worker processes (``workers=N``)
or on an existing cluster (``scheduler="tcp://host:8786"``, started with ``dask scheduler`` /
``dask worker`` or by dask-jobqueue under SLURM or PBS). It keeps a bounded number of parts in
flight (Ctrl-C stops submitting, keeps what finished and closes the local cluster), groups
parts that are too small to be worth a round trip, retries a part whose worker died or raised
an unexpected error a bounded number of times, and reports every part that still failed by
key with its error.

A part may ask for a worker resource (``Part.resources = {"GPU": 1}``): on a cluster it
only runs on workers started with ``dask worker ADDRESS --resources GPU=1``.

Dask itself is imported when an executor is made, never with this module.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import math
import multiprocessing
import socket
import struct
import time
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import NumericalError, ScalingToolError, UsageError
from .executor import Executor, OnDone, longest_first
from .interrupts import interrupts_held, interrupts_outside_gc
from .part import Part, Progress

__all__ = ["DaskExecutor", "probe_scheduler", "DISTRIBUTED_EXTRA_MESSAGE", "RETRIES", "CONNECT_TIMEOUT",
           "MIN_TASK_SECONDS", "IN_FLIGHT_PER_THREAD"]

DISTRIBUTED_EXTRA_MESSAGE = "running on a Dask cluster needs dask.distributed: pip install 'scalingtool[distributed]'"
#: extra attempts for a part whose worker died or that raised an unexpected error
RETRIES = 2
#: seconds to wait for a scheduler (and for its first worker) before giving up
CONNECT_TIMEOUT = 10.0
#: parts shorter than this are sent in groups: a group this long dwarfs the round trip of a
#: local cluster (measured: docs results page 'Implementation measurements'; benchmarks/bench_dask.py)
MIN_TASK_SECONDS = 0.5
#: parts kept in flight per worker thread once parts are known to be short (enough to hide
#: the round trip, few enough that Ctrl-C has little to cancel); long or not yet timed parts
#: go one per thread, so none waits in a busy worker's queue while another worker is free
IN_FLIGHT_PER_THREAD = 2
#: the largest first message a Dask scheduler sends (its handshake: a few hundred bytes)
_HANDSHAKE_MAX = 1 << 20


def probe_scheduler(address: str, timeout: float) -> None:
    """Check, within ``timeout`` seconds in all, that a Dask scheduler listens at ``address``
    (``tcp://host:port``): it must accept the connection and send its handshake, which a Dask
    listener does at once: an 8-byte length, then that many bytes. A server that accepts and
    never answers, an HTTP server (which waits for a request) or one that sends anything else
    is one line, never a hang or an allocation the bytes would ask for."""
    host, _, port = address.partition("://")[2].rpartition(":")
    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(0.001, deadline - time.monotonic())

    def receive(sock: Any, n: int) -> bytes:
        data = b""
        while len(data) < n:
            sock.settimeout(left())
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionResetError("the server closed the connection")
            data += chunk
        return data

    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=left()) as sock:
            (size,) = struct.unpack("<Q", receive(sock, 8))
            if not 0 < size <= _HANDSHAKE_MAX:
                raise UsageError(f"the server at {address} is not a Dask scheduler (its first message "
                                 "is not a Dask handshake)", field="scheduler")
            receive(sock, size)
    except socket.timeout:
        raise UsageError(f"the server at {address} sent no Dask handshake within {timeout:g} s: it is not a "
                         "Dask scheduler, or it is not answering", field="scheduler") from None
    except OSError as exc:
        raise UsageError(f"no Dask scheduler answered at {address} within {timeout:g} s "
                         f"({exc.strerror or type(exc).__name__})", field="scheduler") from None


def _call_group(computes: Sequence[Callable[[Progress], Any]]) -> list[tuple[str, Any, float]]:
    """Compute a group of parts on a worker: ``("ok", result, seconds)`` or, for scalingtool's
    own errors (deterministic: retrying cannot help), ``("error", message, seconds)``.
    Any other exception propagates, so that Dask retries the group."""
    out = []
    for compute in computes:
        started = time.perf_counter()
        try:
            out.append(("ok", compute(None), time.perf_counter() - started))
        except ScalingToolError as exc:
            out.append(("error", f"{type(exc).__name__}: {exc}", time.perf_counter() - started))
    return out


def _import_distributed() -> Any:
    try:
        import distributed  # optional extra: distributed
    except ImportError:
        raise UsageError(DISTRIBUTED_EXTRA_MESSAGE) from None
    return distributed


class DaskExecutor(Executor):
    """Parts on a ``dask.distributed`` cluster: ``workers`` local processes (one thread each)
    or the cluster of the scheduler at ``scheduler``. Use as a context manager, or
    :meth:`close` it: a local cluster's processes end with it."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 timeout: float | None = None, resources: Mapping[str, float] | None = None):
        distributed = _import_distributed()
        timeout = CONNECT_TIMEOUT if timeout is None else float(timeout)
        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.cluster = None
        self.failures: list[tuple[str, str]] = []
        self.durations: list[float] = []
        self.groups_sent = 0
        self.client = None
        self._interrupts = contextlib.ExitStack()
        try:
            with interrupts_held():
                self._start(distributed, workers, scheduler, timeout, resources)
            # the scheduler's GC callback runs in this process: keep a Ctrl-C from dying in it
            self._interrupts.enter_context(interrupts_outside_gc())
        except BaseException:  # e.g. Ctrl-C while the workers start: leave no process behind
            self.close()
            raise
        self.dashboard = self._dashboard()

    def _start(self, distributed: Any, workers: int | None, scheduler: str | None, timeout: float,
               resources: Mapping[str, float] | None) -> None:
        if workers is not None:
            import dask  # optional extra: distributed

            # a part whose worker dies is retried at most RETRIES times (a remote scheduler
            # applies its own distributed.scheduler.allowed-failures, 3 by default)
            dask.config.set({"distributed.scheduler.allowed-failures": RETRIES})
            # Dask's nanny starts workers with single-threaded BLAS (kept: one worker per core)
            # and MALLOC_TRIM_THRESHOLD_=65536, which returns freed memory to the system at
            # once; our loops allocate N x N temporaries every step, and with it a simulation
            # part ran slower (measured: docs results page 'Implementation measurements'),
            # so the local cluster leaves glibc's default
            dask.config.set({"distributed.nanny.pre-spawn-environ": {
                name: 1 for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}})
            if "forkserver" in multiprocessing.get_all_start_methods():
                # workers forked from one fresh server process start in about half the time of
                # spawned ones (each of which imports Python and Dask anew), and unlike a plain
                # fork they inherit none of this process's threads
                dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
            self.cluster = distributed.LocalCluster(  # its own processes: ours to close
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # a free port: the HTTP server always starts
                silence_logs=logging.ERROR, resources=dict(resources) if resources else None,
                preload=["scalingtool.work.dask_worker"])
            self.client = distributed.Client(self.cluster, timeout=timeout)
            self.description = f"local Dask cluster: {workers} worker processes"
        else:
            self.client = self._connect(distributed, scheduler, timeout)
            self.description = f"Dask scheduler {scheduler}: {len(self.client.nthreads())} workers"

    @staticmethod
    def _connect(distributed: Any, address: str, timeout: float) -> Any:
        probe_scheduler(address, timeout)
        try:
            client = distributed.Client(address, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"no Dask scheduler answered at {address} within {timeout:g} s "
                             f"({type(exc).__name__})", field="scheduler") from None
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            client.close()
            raise UsageError(f"the Dask scheduler at {address} has no workers after {timeout:g} s; "
                             "start some with `dask worker " + address + "`", field="scheduler") from None
        return client

    def _dashboard(self) -> str | None:
        try:
            link = self.client.dashboard_link
        except Exception:  # noqa: BLE001 - no dashboard (bokeh missing or disabled)
            return None
        if not link or not _has_dashboard():
            return None
        return link

    def threads(self) -> int:
        """Worker threads now in the cluster (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def _check_resources(self, parts: Sequence[Part]) -> None:
        wanted = {key for p in parts if p.resources for key in p.resources}
        if not wanted:
            return
        info = self.client.scheduler_info(n_workers=-1)["workers"].values()
        offered = {key for w in info for key in (w.get("resources") or {})}
        missing = sorted(wanted - offered)
        if missing:
            raise UsageError(f"some parts need a worker with resource {missing[0]}, and no worker offers it: "
                             f"start workers with `dask worker ADDRESS --resources {missing[0]}=1`")

    def _group_size(self, remaining: int) -> int:
        """How many parts to send together: enough to last :data:`MIN_TASK_SECONDS`, judged
        from the parts finished so far, but never so many that a worker is left idle."""
        mean = self._mean_duration()
        if mean is None or remaining <= 1:
            return 1
        wanted = math.ceil(MIN_TASK_SECONDS / max(mean, 1e-6))
        fair = math.ceil(remaining / (self._in_flight() * self.threads()))
        return max(1, min(wanted, fair))

    def _mean_duration(self) -> float | None:
        """Mean seconds of the parts finished so far in this call (None before the first)."""
        return sum(self.durations) / len(self.durations) if self.durations else None

    def _in_flight(self) -> int:
        """Parts in flight per worker thread: :data:`IN_FLIGHT_PER_THREAD` once the parts
        finished so far average under :data:`MIN_TASK_SECONDS` (the round trip matters),
        else 1 (a queued long part could wait behind another while a worker idles)."""
        mean = self._mean_duration()
        return IN_FLIGHT_PER_THREAD if mean is not None and mean < MIN_TASK_SECONDS else 1

    def map_parts(self, parts: Iterable[Part], on_done: OnDone, progress: Progress = None) -> None:
        """Compute ``parts`` on the cluster, longest first; ``on_done`` runs here as each one
        finishes. ``progress`` is not used: a part on a worker reports no progress of its own.

        Parts that still fail after :data:`RETRIES` retries (or raise a scalingtool error)
        do not stop the others; at the end one error names each of them with its message.
        """
        from distributed import as_completed  # optional extra: distributed

        todo = longest_first(parts)
        self._check_resources(todo)
        # how long one call's parts take says nothing of the next call's: a reused executor
        # that remembered microsecond parts would otherwise send long ones in one group
        self.durations, self.groups_sent = [], 0
        queue, running, self.failures = list(reversed(todo)), {}, []
        pending = as_completed()

        def submit_more() -> None:
            while queue and len(running) < self._in_flight() * self.threads():
                group = self._take(queue)
                future = self.client.submit(_call_group, [p.compute for p in group], pure=False,
                                            retries=RETRIES, resources=group[0].resources,
                                            key=f"scalingtool-{group[0].key}-{time.monotonic_ns()}")
                running[future] = group
                pending.add(future)
                self.groups_sent += 1

        try:
            submit_more()
            for future in pending:
                self._collect(future, running.pop(future), on_done)
                submit_more()
        except BaseException:
            for future in running:
                future.cancel()
            raise
        if self.failures:
            raise self._failure_error()

    def _take(self, queue: list[Part]) -> list[Part]:
        """Pop the next group: parts with the same resources, at most :meth:`_group_size`."""
        size = self._group_size(len(queue))
        group = [queue.pop()]
        while queue and len(group) < size and queue[-1].resources == group[0].resources:
            group.append(queue.pop())
        return group

    def _collect(self, future: Any, group: list[Part], on_done: OnDone) -> None:
        try:
            results = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker died too often, or retries ran out
            message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0] if str(exc) else type(exc).__name__
            self.failures += [(p.key, message) for p in group]
            return
        for part, (status, value, seconds) in zip(group, results):
            self.durations.append(seconds)
            if status == "ok":
                on_done(part.key, value)
            else:
                self.failures.append((part.key, value))

    def _failure_error(self) -> ScalingToolError:
        first = "; ".join(f"{name}: {message}" for name, message in self.failures[:3])
        more = f"; and {len(self.failures) - 3} more" if len(self.failures) > 3 else ""
        return NumericalError(f"{len(self.failures)} part(s) failed (finished parts are stored; "
                              f"run again to retry): {first}{more}")

    def close(self) -> None:
        """Close the client and, for a local cluster, its worker processes."""
        client, cluster, self.client, self.cluster = getattr(self, "client", None), self.cluster, None, None
        for thing in (client, cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - closing after Ctrl-C or a lost scheduler
                    pass
        self._interrupts.close()


def _has_dashboard() -> bool:
    return importlib.util.find_spec("bokeh") is not None
