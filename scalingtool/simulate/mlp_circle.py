"""The two-layer check of theory §5 as one configuration of :mod:`.relu_mlp`.

A depth-1 ReLU network with a hidden bias in the centred mean-field parametrisation with
``gamma0`` (``gamma0 = 0``: the exact linearisation), trained by full-batch gradient descent
on ``grid`` uniform angles, lazy and rich at equal time ``t = eta * steps`` (rich units split
into stable sub-steps as the kernel grows). The capacity ``alpha`` is measured from the initial
kernel's spectrum over ``k`` in ``alpha_range`` on ``8 k_hi`` angles (far below the Nyquist
frequency: the ReLU kinks alias), ``beta`` derived from the target (theory §5). What this
network was measured to do is on the results pages of the documentation (docs/results/).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Sequence

from ..config import ReluMLPRun, parse_pair
from ..errors import UsageError
from ..params import LIMITS, check
from .relu_mlp import run_relu_mlp
from .result import SimulationResult

__all__ = ["simulate_mlp_circle", "mlp_circle_config"]


def mlp_circle_config(beta: float | Fraction | str, gamma0: float | Fraction | str, width: int = 512,
                      steps: int = 4000, modes: int = 128, grid: int = 512, lr: float | None = None,
                      seeds: int | Sequence[int] = 3, alpha_range: tuple[int, int] = (8, 64),
                      **options: Any) -> ReluMLPRun:
    """The :class:`~scalingtool.config.ReluMLPRun` of the two-layer check: ``depth=1``,
    ``param="mup"``, ``data="grid"`` on ``grid >= 4 K`` angles (every target mode resolved on the
    training grid), the kernel measured on ``8 k_hi`` angles."""
    grid, k_hi = check("points", grid, "grid"), parse_pair(alpha_range)[1]
    config = ReluMLPRun.from_user(beta=beta, gamma0=gamma0, depth=1, param="mup", data="grid", points=grid,
                                  width=width, steps=steps, modes=modes, lr=lr, seeds=seeds,
                                  kernel_points=8 * k_hi, alpha_range=alpha_range, **options)
    if grid < 4 * config.modes:
        raise UsageError(f"grid = {grid} is out of range: expected a whole number from "
                         f"{4 * config.modes} (4 x modes) to {LIMITS['points'].high}", field="grid")
    return config


def simulate_mlp_circle(beta: float | Fraction | str, gamma0: float | Fraction | str, *,
                        progress: Callable[[int, int], object] | None = None, **options: Any) -> SimulationResult:
    """Train the two-layer check (:func:`mlp_circle_config`; ``options`` are its arguments and
    the other fields of :class:`~scalingtool.config.ReluMLPRun`: ``safety``, ``max_substeps``,
    ``check_every``, ``fit_window``, ``device``, ...). Returns the
    :func:`~.relu_mlp.run_relu_mlp` result (``kind="relu-mlp"``; ``extra["train"]`` is the
    training loss).
    """
    return run_relu_mlp(mlp_circle_config(beta, gamma0, **options), progress)
