"""Solve the reduced dynamics for one setting and measure its time exponent (theory §2, §4).

:func:`solve` picks the exact solver that matches the setting -- infinite or finite width,
gradient flow or lazy online SGD -- runs it, measures the local time exponent over a
window (ending before the width floor at finite width, by the crossover of theory §3), and
puts the SymPy prediction beside it. It is the API behind ``scalingtool solve``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from .config.reduced import SolveRun, sgd_steps_rule
from .errors import UsageError
from .files import write_text_atomic
from .formats import csv_text
from .measure import local_exponent
from .reduced import largest_stable_step, power_law_spectrum, projection_spectrum, run_flow, run_sgd
from .reduced.precision import named_precision
from .theory import exponents

__all__ = ["Solution", "solve", "solve_run", "write_curve", "DEFAULT_T_MAX"]

#: default end time: ten decades past t = 1 (float64 reaches 1e12, mpmath 1e30)
DEFAULT_T_MAX = SolveRun.t_max


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


def _eta_for_sgd(run: SolveRun) -> Fraction:
    """Half the largest stable step of the SGD recursion (theory §2: bisection on stability)."""
    if run.width is None:
        spec = power_law_spectrum(run.alpha, run.beta, named_precision(run.precision))
    else:
        spec = projection_spectrum(run.projection())
    return Fraction(largest_stable_step(spec, run.batch) / 2).limit_denominator(10**6)


def solve(alpha: Any, beta: Any, gamma0: Any = 0, width: int | None = None,
          batch: int | None = None, eta: Any = None, t_max: Any = None,
          precision: str = "float64", seed: int = 0, decades: Any = 2,
          tolerance: Any = Fraction(1, 1000), progress: Callable[[int, int], None] | None = None) -> Solution:
    """Solve one setting exactly and measure ``L ~ t^-x`` (see the module docstring).

    ``width=None`` is infinite width; ``batch=None`` is gradient flow, an integer is lazy
    online SGD with that batch (rich SGD has no exact closure, theory §2: use the simulator).
    ``eta`` defaults to 1 for gradient flow and to half the largest stable step for SGD;
    ``t_max`` to :data:`DEFAULT_T_MAX`. Every input is checked once, here, by
    :class:`~scalingtool.config.SolveRun`.
    """
    given = {"gamma0": gamma0, "width": width, "batch": batch, "lr": eta, "t_max": t_max, "precision": precision,
             "seed": seed, "decades": decades, "tolerance": tolerance}
    run = SolveRun.from_user(alpha=alpha, beta=beta, **{k: v for k, v in given.items() if v is not None})
    return solve_run(run, progress)


def solve_run(run: SolveRun, progress: Callable[[int, int], None] | None = None) -> Solution:
    """:func:`solve` for a config built once at the edge."""
    training, dynamics = run.training, run.dynamics
    t_end = run.t_max
    if dynamics == "gd":
        flow = run.flow()
        step = flow.eta
        curve = run_flow(flow, progress)
    else:
        step = run.lr if run.lr is not None else _eta_for_sgd(run)
        sgd_steps_rule(t_end / step)  # the default step is known only now
        curve = run_sgd(run.sgd(step), progress)
    inputs = {"alpha": run.alpha, "beta": run.beta, "gamma0": run.gamma0, "width": run.width,
              "batch": run.batch, "t_max": t_end, "precision": run.precision, "seed": run.seed, "lr": step}
    theory = exponents(run.alpha, run.beta, dynamics)
    predicted = theory.training(training).time
    notes: list[str] = []
    x_max = None
    if run.width is not None:
        # stop the window two decades before the width floor: tau_N ~ N^w, t = tau^(1/r)
        power = theory.crossovers.width_plateau / theory.training(training).time_change
        floor = math.exp(min(700.0, float(power) * math.log(run.width)))
        x_max = min(float(curve.x[-1]), floor / 100)
        notes.append(f"finite width: window ends at t = {x_max:.3g}, two decades before the "
                     f"width floor (t ~ {floor:.3g})")
    try:
        measurement = local_exponent(curve.x, curve.loss, decades=float(run.decades),
                                     tolerance=float(run.tolerance), x_max=x_max,
                                     extrapolate=training == "rich")
    except UsageError as exc:
        measurement = None
        notes.append(f"no measurement: {exc}")
    if "s" in curve.columns and training == "rich":
        notes.append(f"feature growth s = {float(curve.columns['s'][-1]):.4g} at t = {float(curve.x[-1]):.3g}")
    return Solution(inputs, training, dynamics, curve, predicted, measurement, notes)


def write_curve(solution: Solution, path: str) -> None:
    """Write the solved curve as CSV to ``path``, atomically (full float precision)."""
    write_text_atomic(path, csv_text(solution.curve.header, solution.curve.to_rows()))
