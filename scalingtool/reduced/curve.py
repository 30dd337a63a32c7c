"""The result type of every reduced solver: a loss curve with named columns and metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

__all__ = ["Curve", "Progress", "report"]

#: ``progress(done, total)``, called as work advances (for a progress bar); may be None.
Progress = Optional[Callable[[int, int], None]]


def report(progress: Progress, done: int, total: int) -> None:
    """Call ``progress(done, total)`` if a callback was given."""
    if progress is not None:
        progress(done, total)


@dataclass
class Curve:
    """A loss curve ``loss(x)`` on an increasing grid ``x`` (time, width, data size ...).

    ``x`` and ``loss`` are float64 copies for measuring and plotting; ``exact`` holds the
    same columns at the working precision (mpf objects for ``mp:DIGITS``) when that differs.
    ``columns`` holds further float64 columns of the same length (``s``, ``tau``, ``steps``,
    ...). ``meta`` records the inputs, the grid, the solver and its error estimates.
    """

    x_name: str
    x: np.ndarray
    loss: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    exact: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.x)

    @property
    def header(self) -> list[str]:
        """Column names in :meth:`to_rows` order."""
        return [self.x_name, "loss", *self.columns]

    def to_rows(self) -> list[dict[str, float]]:
        """One dict per point, keys :attr:`header` (ready for CSV or JSON)."""
        cols = [self.x, self.loss, *self.columns.values()]
        return [{name: float(col[i]) for name, col in zip(self.header, cols)}
                for i in range(len(self.x))]

    def tail(self, x_from: float) -> "Curve":
        """The part of the curve with ``x >= x_from`` (same metadata)."""
        keep = self.x >= x_from
        return Curve(self.x_name, self.x[keep], self.loss[keep],
                     {k: v[keep] for k, v in self.columns.items()}, dict(self.meta),
                     {k: v[keep] for k, v in self.exact.items()})
