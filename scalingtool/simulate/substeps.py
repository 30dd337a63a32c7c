"""Equal-time stepping for networks whose kernel grows (theory §1 step size, §5).

Exponents are stated in gradient-flow time ``t = eta * steps`` (theory §2-§3), so a lazy and a
rich network are compared at the same ``eta``. A rich network's tangent kernel grows as its
features learn; a step that was stable at the start reaches the edge of stability later and
silently slows the loss (theory §1). :class:`SubstepClock` therefore advances one unit of time
``eta`` per call as ``n`` equal gradient sub-steps of ``eta / n``, ``n`` the smallest integer
with ``eta / n <= safety * 2 / (factor * lambda_max)`` of the current kernel.
"""

from __future__ import annotations

import math
from typing import Callable

from ..errors import NumericalError

__all__ = ["SubstepClock"]


class SubstepClock:
    """One unit of time ``unit`` per call, as ``n`` sub-steps ``substep(unit / n)``.

    ``top()`` returns the current kernel's largest eigenvalue (the same normalisation as the
    loss's gradient step: a step ``lr`` is stable for ``lr * factor * top < 2``); it is
    re-estimated every ``every`` calls. ``top=None`` (a lazy network: a fixed kernel) keeps
    ``n = 1``. More than ``max_substeps`` sub-steps is a :class:`NumericalError`.
    """

    def __init__(self, unit: float, safety: float, max_substeps: int, substep: Callable[[float], None],
                 top: Callable[[], float] | None = None, every: int = 1, factor: float = 1.0) -> None:
        self.unit, self.safety, self.max_substeps = unit, safety, max_substeps
        self.substep, self.top, self.every, self.factor = substep, top, max(1, every), factor
        self.n = 1
        self.calls = 0
        self.substeps_total = 0
        self.substeps_max = 1
        self.last_top = math.nan

    def _update(self) -> None:
        top = float(self.top())  # type: ignore[misc]
        self.last_top = top
        n = max(1, math.ceil(self.unit * self.factor * top / (2.0 * self.safety) - 1e-12))
        if n > self.max_substeps:
            raise NumericalError(
                f"the tangent kernel grew to lambda_max = {top:.3g} "
                f"(x{self.unit * self.factor * top / (2 * self.safety):.3g} the stable step): more than "
                f"max_substeps = {self.max_substeps} gradient sub-steps per unit of time; raise "
                "max_substeps or shorten the run")
        self.n = n

    def __call__(self) -> None:
        if self.top is not None and self.calls % self.every == 0:
            self._update()
        self.calls += 1
        for _ in range(self.n):
            self.substep(self.unit / self.n)
        self.substeps_total += self.n
        self.substeps_max = max(self.substeps_max, self.n)
