"""The law a simulation's fit window sees, and its predicted exponent (theory §3, §5).

For the linear network the prediction is the theory's time exponent of the nominal task,
except for ``beta > 1`` at finite width once the window starts after the finite-width
transient takes over (``t > N^w``, the crossover of theory §3): the window then sees the
transient ``N^-1 t^-d``. The ReLU network on the circle is compared with the exponents of
its *measured* task: ``alpha`` from its initial NTK, ``beta`` derived from the target (§5).
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..theory import exponents
from .circle_task import measured_task
from .result import SimulationResult

__all__ = ["predicted_exponent"]


def predicted_exponent(result: SimulationResult, alpha: Fraction, beta: Fraction,
                       dynamics: str) -> tuple[Fraction, str, tuple[Fraction, Fraction]]:
    """``(predicted exponent, law, (alpha, beta) used)`` for one simulated run."""
    training = result.metadata["training"]
    if result.kind == "relu-mlp":
        alpha, beta = measured_task(result)
    theory = exponents(alpha, beta, dynamics)
    exps = theory.training(training)
    power = theory.transient_takeover(training)
    if result.kind == "linear" and power is not None:
        log_takeover = float(power) * math.log(float(result.metadata["width"]))
        if math.log(result.lr * result.fit_window[0]) > log_takeover:
            return exps.transient, f"transient (t > N^{power})", (alpha, beta)
    return exps.time, "signal", (alpha, beta)
