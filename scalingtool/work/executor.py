"""Where the independent parts of a run are computed: the executor interface and the
sequential executor (the choice between it and a Dask cluster is :mod:`.options`).

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

The executor knows nothing of recipes or tiers, and imports only :mod:`scalingtool.errors`
and the standard library (Dask when a cluster is asked for), so any layer can hand it work.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from .part import Part, Progress

__all__ = ["Executor", "SequentialExecutor", "longest_first", "OnDone"]


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
    """One part after another in this process, longest first; the first error propagates.

    Each part runs on one BLAS thread, as on a Dask worker (one thread per worker process), so
    that a part's result does not depend on where it ran: a multi-threaded BLAS sums in another
    order and changes the last bits of a simulation, and a stored run must be the same whichever
    executor computed its parts. A part may still take more threads for a large problem of its
    own (the ReLU network's training, :mod:`scalingtool.simulate.threads`).
    """

    def map_parts(self, parts: Iterable[Part], on_done: OnDone, progress: Progress = None) -> None:
        with _one_blas_thread():
            for part in longest_first(parts):
                on_done(part.key, part.compute(progress))


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits  # optional extra: threadpoolctl
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
