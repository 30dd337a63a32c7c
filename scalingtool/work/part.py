"""The one unit of independent work: a recipe's stored part, a verification row's measurement.

A :class:`Part` is named by a stable ``key`` (a recipe part's store id; a tier's row name),
identified by its ``params`` (plain JSON values, compared with the stored ones so that a
changed recipe recomputes it; empty for a measurement that is not stored) and computed by
``compute(progress)``, a pure function of what it closes over (its configuration and seed),
never of where or in which order it runs. ``cost`` is a rough duration in seconds on one core,
used only to start the longest parts first; ``resources`` (e.g. ``{"GPU": 1}``) are what a
cluster worker must offer to run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Mapping

__all__ = ["Part", "Progress", "DEFAULT_COST"]

#: ``progress(step, steps)`` inside a part: handed to ``compute`` when the part runs in the
#: calling process, ``None`` on a cluster
Progress = Callable[[int, int], None] | None

#: the cost of a part that states none (only the order of costs matters)
DEFAULT_COST = 0.1


@dataclass(frozen=True)
class Part:
    """One independent unit of work: ``compute(progress)`` gives its result."""

    key: str
    params: dict[str, Any]
    compute: Callable[[Progress], Any]
    cost: float = DEFAULT_COST
    resources: Mapping[str, float] | None = None

    @classmethod
    def of(cls, key: str, run: Callable[[], Any], cost: float = DEFAULT_COST,
           resources: Mapping[str, float] | None = None) -> "Part":
        """A part that is not stored (no ``params``) and reports no progress: ``run()`` gives
        its result."""
        return cls(key, {}, partial(_without_progress, run), cost, resources)


def _without_progress(run: Callable[[], Any], progress: Progress) -> Any:
    return run()
