"""The (alpha, beta) phase grid: regime and the time and compute exponents, lazy vs rich
(theory §3). One implementation for the ``phase`` command and the ``phase`` recipe."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Iterator, Sequence

from .summary import exponents

__all__ = ["PhasePoint", "phase_point", "phase_points", "linear_grid"]


@dataclass(frozen=True)
class PhasePoint:
    """One grid point: ``regime`` is the boundary's name when the point lies on one."""

    alpha: Fraction
    beta: Fraction
    regime: str
    lazy_time: Fraction
    rich_time: Fraction
    lazy_compute: Fraction
    rich_compute: Fraction

    @property
    def compute_gain(self) -> Fraction:
        return self.rich_compute / self.lazy_compute


def linear_grid(low: Fraction, high: Fraction, steps: int) -> list[Fraction]:
    """``steps`` evenly spaced exact values from ``low`` to ``high`` (``[low]`` for one step)."""
    if steps == 1:
        return [low]
    return [low + (high - low) * i / (steps - 1) for i in range(steps)]


def phase_point(alpha: Fraction, beta: Fraction, dynamics: str = "sgd") -> PhasePoint:
    e = exponents(alpha, beta, dynamics)
    return PhasePoint(alpha, beta, e.regime if e.boundary is None else e.boundary,
                      e.lazy.time, e.rich.time, e.lazy.compute, e.rich.compute)


def phase_points(alphas: Sequence[Fraction], betas: Sequence[Fraction], dynamics: str = "sgd",
                 progress: Callable[[int, int], None] | None = None) -> Iterator[PhasePoint]:
    """Every ``(alpha, beta)`` of the grid, alpha-major; ``progress(done, total)`` after each."""
    total = len(alphas) * len(betas)
    for k, (a, b) in enumerate((a, b) for a in alphas for b in betas):
        yield phase_point(a, b, dynamics)
        if progress is not None:
            progress(k + 1, total)
