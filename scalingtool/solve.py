"""Solve the reduced dynamics for one setting and measure its time exponent (theory §2, §4).

:func:`solve` picks the exact solver that matches the setting -- infinite or finite width,
gradient flow or lazy online SGD -- runs it, measures the local time exponent over a
window (ending before the width floor at finite width, by the crossover of theory §3), and
puts the SymPy prediction beside it. It is the API behind ``scalingtool solve``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from .errors import UsageError
from .params import Task, parse_int, parse_nonnegative, parse_positive

__all__ = ["Solution", "solve", "DEFAULT_T_MAX"]

#: default end time: ten decades past t = 1 (float64 reaches 1e12, mpmath 1e30)
DEFAULT_T_MAX = Fraction(10) ** 10


@dataclass
class Solution:
    """A solved curve with its measured and predicted time exponents."""

    inputs: dict[str, Any]
    training: str
    dynamics: str
    curve: Any
    predicted: Fraction
    measurement: Any | None
    notes: list[str] = field(default_factory=list)


def _eta_for_sgd(task: Task, batch: int, width: int | None, seed: int, precision: str) -> Fraction:
    """Half the largest stable step of the SGD recursion (theory §2: bisection on stability)."""
    from .reduced import finite_width_spectrum, largest_stable_step, power_law_spectrum

    if width is None:
        spec = power_law_spectrum(task.alpha, task.beta, precision)
    else:
        spec = finite_width_spectrum(task.alpha, task.beta, width, seed=seed, precision=precision)
    return Fraction(largest_stable_step(spec, batch) / 2).limit_denominator(10**6)


def solve(alpha: Any, beta: Any, gamma0: Any = 0, width: int | None = None,
          batch: int | None = None, eta: Any = None, t_max: Any = None,
          precision: str = "float64", seed: int = 0, decades: float = 2.0,
          tolerance: float = 1e-3, progress: Callable[[int, int], None] | None = None) -> Solution:
    """Solve one setting exactly and measure ``L ~ t^-x`` (see the module docstring).

    ``width=None`` is infinite width; ``batch=None`` is gradient flow, an integer is lazy
    online SGD with that batch (rich SGD has no exact closure, theory §2: use the simulator).
    ``eta`` defaults to 1 for gradient flow and to half the largest stable step for SGD.
    """
    from .measure import local_exponent
    from .reduced import solve_finite_width, solve_infinite_width, solve_sgd
    from .theory import exponents

    task = Task.parse(alpha, beta)
    g0 = parse_nonnegative(gamma0, "gamma0", Fraction(10) ** 6)
    training = "rich" if g0 > 0 else "lazy"
    width = None if width is None else parse_int(width, "width", 1, 10**5)
    batch = None if batch is None else parse_int(batch, "batch", 1, 10**9)
    if batch is not None and training == "rich":
        raise UsageError("rich training with SGD has no exact reduced closure (theory §2); "
                         "use --batch gd here, or `scalingtool simulate` for rich SGD")
    t_end = parse_positive(t_max, "t-max") if t_max is not None else DEFAULT_T_MAX
    decades = float(parse_positive(decades, "decades", Fraction(20)))
    tolerance = float(parse_positive(tolerance, "tolerance", Fraction(1)))
    dynamics = "gd" if batch is None else "sgd"
    inputs = {"alpha": task.alpha, "beta": task.beta, "gamma0": g0, "width": width, "batch": batch,
              "t_max": t_end, "precision": precision, "seed": seed}
    if batch is None:
        step = parse_positive(eta, "lr", Fraction(10) ** 6) if eta is not None else Fraction(1)
        if width is None:
            curve = solve_infinite_width(task.alpha, task.beta, g0, t_end, step, precision, progress=progress)
        else:
            curve = solve_finite_width(task.alpha, task.beta, g0, width, seed, t_end, step,
                                       precision=precision, progress=progress)
    else:
        step = (parse_positive(eta, "lr", Fraction(10) ** 6) if eta is not None
                else _eta_for_sgd(task, batch, width, seed, precision))
        steps = max(1, int(t_end / step))
        curve = solve_sgd(task.alpha, task.beta, step, batch, steps, width=width, seed=seed,
                          precision=precision, progress=progress)
    inputs["lr"] = step
    theory = exponents(task.alpha, task.beta, dynamics)
    predicted = theory.training(training).time
    notes: list[str] = []
    x_max = None
    if width is not None:
        # stop the window two decades before the width floor: tau_N ~ N^w, t = tau^(1/r)
        floor = float(width) ** float(theory.crossovers.width_plateau / theory.training(training).time_change)
        x_max = min(float(curve.x[-1]), floor / 100)
        notes.append(f"finite width: window ends at t = {x_max:.3g}, two decades before the "
                     f"width floor (t ~ {floor:.3g})")
    try:
        measurement = local_exponent(curve.x, curve.loss, decades=decades, tolerance=tolerance,
                                     x_max=x_max, extrapolate=training == "rich")
    except UsageError as exc:
        measurement = None
        notes.append(f"no measurement: {exc}")
    if "s" in curve.columns and training == "rich":
        notes.append(f"feature growth s = {float(curve.columns['s'][-1]):.4g} at t = {float(curve.x[-1]):.3g}")
    return Solution(inputs, training, dynamics, curve, predicted, measurement, notes)
