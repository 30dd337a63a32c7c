"""Crossover scales evaluated at a user's numbers (theory §3), without overflow.

A crossover exponent ``x`` and a base ``b`` give the scale ``b^x``; for the tasks the
limits allow (``alpha, beta <= 1000``, widths to ``1e12``, ``gamma0`` down to ``1e-40``)
that can be far beyond the range of a float, so a scale is held by its base-10 logarithm
and printed as a decimal while it fits, as a power of ten after that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from .results import TaskExponents

__all__ = ["Scale", "scale", "crossover_scales"]

_FLOAT_LOG10 = 307.0  # beyond |log10| of this, a scale is not shown as a float


@dataclass(frozen=True)
class Scale:
    """The number ``10^log10`` (``log10 = inf`` means never)."""

    log10: float

    @property
    def value(self) -> float | None:
        """As a float, or ``None`` when it does not fit in one."""
        if math.isinf(self.log10) and self.log10 > 0:
            return math.inf
        return 10.0 ** self.log10 if abs(self.log10) <= _FLOAT_LOG10 else None

    def text(self) -> str:
        if math.isinf(self.log10):
            return "never" if self.log10 > 0 else "0"
        value = self.value
        return f"{value:.3g}" if value is not None else f"10^{self.log10:.6g}"


def scale(base: Fraction | int, power: Fraction) -> Scale:
    """``base^power`` for ``base >= 0`` (``0^negative`` is never: an infinite scale)."""
    if base == 0:
        return Scale(math.inf if power < 0 else -math.inf)
    log_base = math.log10(base.numerator) - math.log10(base.denominator) if isinstance(base, Fraction) \
        else math.log10(base)
    return Scale(float(power) * log_base)


def crossover_scales(result: TaskExponents, trainings: tuple[str, ...], gamma0: Fraction | None = None,
                     width: int | None = None, lr_over_batch: Fraction | None = None) -> dict[str, object]:
    """The crossover scales at the given numbers: ``rich_onset`` (``tau ~ gamma0^x``),
    ``width_plateau`` (``tau ~ N^x``) and ``noise_takeover`` per training
    (``t ~ (eta/Bsz)^x``); a quantity whose number is not given, or that never happens, is absent."""
    cross = result.crossovers
    out: dict[str, object] = {}
    if gamma0 is not None and cross.rich_onset is not None:
        out["rich_onset"] = scale(gamma0, cross.rich_onset)
    if width is not None:
        out["width_plateau"] = scale(width, cross.width_plateau)
    if lr_over_batch is not None:
        noise = {tr: scale(lr_over_batch, cross.noise_takeover[tr]) for tr in trainings
                 if cross.noise_takeover[tr] is not None}
        if noise:
            out["noise_takeover"] = noise
    return out
