"""Validation of the numerical layer's inputs (theory §1 ranges), raising :class:`UsageError`.

Thin wrappers over :mod:`scalingtool.params` so that every solver accepts ``Fraction``,
``int``, ``float`` or text for ``alpha``, ``beta``, ``gamma0`` and the like, and reports a bad
value in one line naming it and its allowed range.
"""

from __future__ import annotations

from fractions import Fraction
from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import UsageError
from ..params import LIMITS, check, parse_int, parse_positive
from .precision import Precision, get_precision

__all__ = ["task", "gamma", "positive", "count", "time_limit", "widths_list", "T_MAX_FLOAT",
           "T_MAX_MP", "TRAININGS", "DYNAMICS", "training_setup", "FlowInputs", "flow_inputs"]

TRAININGS = ("lazy", "rich")
DYNAMICS = ("gd", "sgd")

#: Largest time of a run: float64 keeps losses of typical tasks far from underflow up to here.
T_MAX_FLOAT = Fraction(10) ** 12
T_MAX_MP = LIMITS["t_max"].high


def task(alpha: Any, beta: Any) -> tuple[Fraction, Fraction]:
    """``(alpha, beta)`` as exact rationals, ``1 < alpha <= 1000``, ``0 < beta <= 1000``."""
    return check("alpha", alpha), check("beta", beta)


def gamma(value: Any) -> Fraction:
    """Feature-learning strength ``gamma0 >= 0``."""
    return check("gamma0", value)


def positive(value: Any, name: str, high: Fraction = Fraction(10) ** 30) -> Fraction:
    """A number in ``(0, high]``."""
    return parse_positive(value, name, high=high)


def count(value: Any, name: str, low: int = 1, high: int = 10**12) -> int:
    """A whole number in ``[low, high]``."""
    return parse_int(value, name, low=low, high=high)


def time_limit(value: Any, precision: Precision, name: str = "t_max") -> Fraction:
    """The end time of a run: at most 1e12 in float64, 1e30 with mpmath (theory §2 numerics)."""
    high = T_MAX_MP if precision.is_mp else T_MAX_FLOAT
    t = parse_positive(value, name, high=LIMITS["t_max"].high)
    if t > high:
        raise UsageError(f"{name} = {float(t):.3g} is out of range for precision {precision.name}: "
                         f"expected 0 < {name} <= {float(high):.0e} (use precision 'mp:30' beyond)")
    return t


def widths_list(values: Sequence[Any], name: str = "widths", high: int = 10**12) -> list[int]:
    """A non-empty, strictly increasing list of whole numbers in ``[1, high]``."""
    if isinstance(values, (str, bytes)) or len(values) == 0:
        raise UsageError(f"{name}: expected a non-empty list of whole numbers from 1 to {high}")
    out = [parse_int(v, name, low=1, high=high) for v in values]
    if any(b <= a for a, b in zip(out, out[1:])):
        raise UsageError(f"{name} = {out} must be strictly increasing")
    return out


def training_setup(training: str, dynamics: str, gamma0: Any) -> Fraction:
    """Check ``training``/``dynamics`` and return the ``gamma0`` they imply (0 when lazy).

    Rich training with SGD has no exact closure (theory §2), so it is refused here.
    """
    if training not in TRAININGS:
        raise UsageError(f"training = {training!r} is not recognised: expected lazy or rich")
    if dynamics not in DYNAMICS:
        raise UsageError(f"dynamics = {dynamics!r} is not recognised: expected gd or sgd")
    if dynamics == "sgd" and training == "rich":
        raise UsageError("training = 'rich' with dynamics = 'sgd' has no exact closure (theory §2): "
                         "expected dynamics = 'gd' for rich training")
    return gamma(gamma0) if training == "rich" else Fraction(0)


@dataclass(frozen=True)
class FlowInputs:
    """Validated inputs of a gradient-flow run (infinite or finite width)."""

    precision: Precision
    alpha: Fraction
    beta: Fraction
    gamma0: Fraction
    eta: Fraction
    t_min: Fraction
    t_max: Fraction


def flow_inputs(alpha: Any, beta: Any, gamma0: Any, eta: Any, t_max: Any, t_min: Any,
                precision: str | Precision) -> FlowInputs:
    """Check the common inputs of the gradient-flow solvers; ``t_min`` is divided by ``eta``."""
    be = get_precision(precision)
    a, b = task(alpha, beta)
    g0 = gamma(gamma0)
    eta_q = positive(eta, "eta", high=Fraction(10) ** 6)
    t_hi = time_limit(t_max, be)
    t_lo = positive(t_min, "t_min") / eta_q
    if t_lo >= t_hi:
        raise UsageError(f"t_min/eta = {float(t_lo):.3g} is out of range: expected below "
                         f"t_max = {float(t_hi):.3g}")
    return FlowInputs(be, a, b, g0, eta_q, t_lo, t_hi)
