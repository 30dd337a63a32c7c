"""What the step benchmarks share: the time of one call, best of three batches."""

from __future__ import annotations

import math
import time
from typing import Callable


def best_per_call(fn: Callable[[], object], repeat: int) -> float:
    """Seconds per call of ``fn``: one warm-up call, then the fastest of three batches of
    ``repeat`` calls (the least disturbed by other work on the machine)."""
    fn()  # warm-up
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best
