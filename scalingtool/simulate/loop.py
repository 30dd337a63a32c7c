"""The training loop shared by the simulators: recording, blow-up checks, progress, Ctrl-C.

``run_loop`` calls ``step()`` ``steps`` times. At every recorded step (and every
``check_every`` steps in between) it calls ``observe()``, which returns NumPy arrays of
shape (S,) -- at least ``"loss"`` -- and hands them to a :class:`BlowUpGuard`. Recorded
observations are kept; ``progress(done, total)`` is called at each observation. A
``KeyboardInterrupt`` ends the loop cleanly: what was recorded so far is returned with
``interrupted=True``.

Blow-up (theory §1, "Step size"): a loss that is not finite, or that exceeds ``growth``
times the smallest loss the same member has had so far, is a divergence; the guard raises :class:`~scalingtool.errors.NumericalError` with the
feature growth (``s`` for the linear network) at the last check before it, so the user sees feature growth, not a bad input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import NumericalError

__all__ = ["BlowUpGuard", "LoopRecord", "run_loop", "BLOWUP_GROWTH"]

#: a loss this many times above both its start and its best value so far is a blow-up
BLOWUP_GROWTH = 100.0

Observe = Callable[[], dict[str, np.ndarray]]


@dataclass
class BlowUpGuard:
    """Detects divergence from the observed losses and reports ``s`` (module docstring)."""

    lr: float
    growth: float = BLOWUP_GROWTH
    advice: str = ""
    label: str = "feature growth s = gamma0^2 |a|^2/N"
    key: str = "s"
    _best: np.ndarray | None = None
    _last_s: float = 0.0
    _last_step: int = 0

    def check(self, obs: dict[str, np.ndarray], step: int, total: int) -> None:
        """Raise :class:`NumericalError` if the losses in ``obs`` have blown up."""
        loss = np.asarray(obs["loss"], dtype=float)
        s = np.asarray(obs.get(self.key, np.zeros_like(loss)), dtype=float)
        if self._best is None:
            self._best = loss.copy()
        finite = bool(np.all(np.isfinite(loss)))
        if (not finite) or bool(np.any(loss > self.growth * self._best)):
            worst = float(np.max(loss)) if finite else math.inf
            s_now = float(np.max(s)) if np.all(np.isfinite(s)) else math.inf
            raise NumericalError(
                f"training diverged at step {step} of {total} (loss {worst:.3g}, lr = {self.lr:.4g}): "
                f"{self.label} = {self._last_s:.4g} at step {self._last_step} "
                f"before the blow-up ({s_now:.3g} at it); the stable step shrinks as features grow: "
                f"use a smaller learning rate, e.g. lr = {self.lr / 4:.3g}{self.advice}")
        self._best = np.minimum(self._best, loss)
        self._last_s = float(np.max(s))
        self._last_step = step


@dataclass
class LoopRecord:
    """Observations at the recorded steps that were reached."""

    steps: list[int] = field(default_factory=list)
    values: dict[str, list[np.ndarray]] = field(default_factory=dict)
    interrupted: bool = False

    def add(self, step: int, obs: dict[str, np.ndarray]) -> None:
        """Keep the observation of ``step``."""
        self.steps.append(step)
        for name, value in obs.items():
            self.values.setdefault(name, []).append(np.asarray(value, dtype=float))

    def curves(self) -> dict[str, np.ndarray]:
        """Each observed quantity as an array of shape (S, recorded steps)."""
        return {name: np.stack(vals, axis=1) for name, vals in self.values.items()}


def run_loop(step: Callable[[], None], observe: Observe, steps: int, record_steps: np.ndarray,
             guard: BlowUpGuard, check_every: int = 64,
             progress: Callable[[int, int], object] | None = None) -> LoopRecord:
    """Run ``steps`` steps, observing at ``record_steps`` (must include 0) and every ``check_every``."""
    record = LoopRecord()
    wanted = set(int(s) for s in record_steps)
    try:
        for done in range(steps + 1):
            if done > 0:
                step()
            if done in wanted or done % check_every == 0:
                obs = observe()
                guard.check(obs, done, steps)
                if done in wanted:
                    record.add(done, obs)
                if progress is not None:
                    progress(done, steps)
    except KeyboardInterrupt:
        record.interrupted = True
    return record
