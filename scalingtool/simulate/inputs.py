"""Input checks shared by the simulators (one-line :class:`~scalingtool.errors.UsageError` messages).

Numbers go through :mod:`scalingtool.params` (exact parsing, no ``eval``); this module adds
what the simulators need on top: NumPy scalars, seed lists, named choices, fit windows.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..errors import UsageError
from ..params import parse_int

__all__ = ["parse_seeds", "choice", "fit_window_steps", "DEFAULT_FIT"]

#: default fit window as fractions of the run: the last 1.5 decades
DEFAULT_FIT = (1.0 / 30.0, 1.0)


def parse_seeds(seeds: int | Sequence[int]) -> tuple[int, ...]:
    """``n`` -> seeds ``0..n-1``; a sequence -> those seeds (distinct, non-negative integers)."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return tuple(range(parse_int(int(seeds), "seeds", 1, 10000)))
    try:
        values = tuple(parse_int(s, "seed", 0, 2**63 - 1) for s in seeds)
    except TypeError:
        raise UsageError(f"seeds = {seeds!r} is not supported: expected a count or a list of integers") from None
    if not values or len(set(values)) != len(values):
        raise UsageError(f"seeds = {list(values)} is out of range: expected a non-empty list of distinct seeds")
    return values


def choice(value: str, allowed: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``allowed``, else a :class:`UsageError` listing them."""
    if value not in allowed:
        raise UsageError(f"{name} = {value!r} is not supported: expected one of {', '.join(allowed)}")
    return value


def fit_window_steps(fit_window: tuple[float, float] | None, steps: int) -> tuple[float, float]:
    """The fit window in steps: the given one (checked) or ``DEFAULT_FIT`` of the run."""
    if fit_window is None:
        return (DEFAULT_FIT[0] * steps, DEFAULT_FIT[1] * steps)
    try:
        lo, hi = (float(v) for v in fit_window)
    except (TypeError, ValueError):
        raise UsageError(f"fit_window = {fit_window!r} is not supported: expected (first step, last step)") from None
    if not (0 < lo < hi and math.isfinite(hi)):
        raise UsageError(f"fit_window = {fit_window!r} is out of range: expected 0 < first step < last step")
    return lo, hi
