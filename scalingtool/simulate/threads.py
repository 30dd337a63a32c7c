"""Thread counts that fit a small dense problem and the machine's load.

torch runs its CPU kernels on an OpenMP team (one thread per core by default), MKL's LAPACK
inside it included; NumPy's OpenBLAS keeps a pool of its own. A symmetric eigen-decomposition
of a few hundred rows (``torch.linalg.eigvalsh`` of a 512 x 512 kernel) goes through
hundreds of short parallel regions, each ending at a barrier that every thread of the team
must reach. On a machine whose cores are busy with other work, one thread of the team is
always waiting for a time slice, and each barrier then costs a scheduler quantum, so the
decomposition runs many times slower than on one thread (measured: docs results page
'Implementation measurements'; ``benchmarks/bench_mlp_threads.py``). Such problems are too
small to gain from a second thread even on an idle machine; so is the
training step of a narrow network (a few thousand activations), whose small kernels (such as
``torch.searchsorted``, parallel from 200 elements) open a parallel region each. After every
parallel region the team's idle threads also spin for a while before they sleep, burning a
core the rest of the process (or the machine) could use; and changing torch's thread count
is not free. So a small run takes one count for its whole numerical body.

:func:`fitted_threads` is a context that sets torch's intra-op threads, and the BLAS and
OpenMP pools that :mod:`threadpoolctl` finds (when it is installed), to :func:`thread_count`
for the problem's size: one thread for a small problem, and for a large one no more than
the cores the machine's load leaves; the previous counts are restored afterwards.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

__all__ = ["fitted_threads", "thread_count", "DECOMPOSITION_SMALL", "STEP_SMALL"]

#: a symmetric eigen-decomposition of order n (work n^3) up to n = 1024 runs on one thread
DECOMPOSITION_SMALL = 1024.0**3
#: a training step sweeping S x B x N activations (work S B N, times N per extra hidden layer)
#: up to this runs on one thread: about 0.1 GFLOP, too little work to gain from a second thread
STEP_SMALL = 2.0**24


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def thread_count(work: float, small: float, current: int) -> int:
    """Threads for a problem of ``work`` (``small`` or less: one thread), given ``current``:
    otherwise at most the cores the machine's other work leaves (the one-minute load average,
    this process's own thread counted out), at least one."""
    if work <= small:
        return 1
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)
    except (AttributeError, OSError):  # no load average here
        others = 0.0
    return max(1, min(current, int(_cores() - others)))


_CONTROLLER: list[Any] = []


def _threadpools() -> Any | None:
    """A cached :class:`threadpoolctl.ThreadpoolController`, or None without threadpoolctl."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController  # optional extra: threadpoolctl
        except ImportError:
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


@contextmanager
def fitted_threads(work: float, small: float, torch: Any | None = None) -> Iterator[int]:
    """Run the block on :func:`thread_count` threads: torch's intra-op threads (``torch``
    given) and the BLAS/OpenMP pools; yields the count and restores every previous count
    afterwards, also when the block raises."""
    before = torch.get_num_threads() if torch is not None else _cores()
    count = thread_count(work, small, before)
    pools = _threadpools()
    limited = pools.limit(limits=count) if pools is not None else None
    try:
        if torch is not None and count != before:
            torch.set_num_threads(count)
        yield count
    finally:
        if torch is not None and torch.get_num_threads() != before:
            torch.set_num_threads(before)
        if limited is not None:
            limited.restore_original_limits()
