"""The two-layer check of theory §5 as one configuration of :mod:`.relu_mlp`.

A depth-1 ReLU network with a hidden bias in the centred mean-field parametrisation with
``gamma0`` (``gamma0 = 0``: the exact linearisation), trained by full-batch gradient descent
on ``grid`` uniform angles, lazy and rich at equal time ``t = eta * steps`` (rich units split
into stable sub-steps as the kernel grows). The capacity ``alpha`` is measured from the initial
kernel's spectrum over ``k`` in ``alpha_range`` on ``8 k_hi`` angles (far below the Nyquist
frequency: the ReLU kinks alias), ``beta`` derived from the target (theory §5). What this
network was measured to do is in theory §7.5-§7.6.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Sequence

from ..params import parse_int
from .result import SimulationResult

__all__ = ["simulate_mlp_circle"]


def simulate_mlp_circle(beta: float | Fraction | str, gamma0: float | Fraction | str, width: int = 512,
                        steps: int = 4000, modes: int = 128, grid: int = 512, lr: float | None = None,
                        seeds: int | Sequence[int] = 3, alpha_range: tuple[int, int] = (8, 64),
                        progress: Callable[[int, int], object] | None = None, **options: Any) -> SimulationResult:
    """:func:`~.relu_mlp.simulate_relu_mlp` with ``depth=1``, ``param="mup"``, ``data="grid"``
    on ``grid >= 4 K`` angles (every target mode resolved on the training grid).

    ``options`` go to :func:`~.relu_mlp.simulate_relu_mlp` (``safety``, ``max_substeps``,
    ``check_every``, ``fit_window``, ``device``, ...). Returns its :class:`SimulationResult`
    (``kind="relu-mlp"``; ``extra["train"]`` is the training loss).
    """
    from .relu_mlp import simulate_relu_mlp

    modes = parse_int(modes, "modes", 1, 2**14)
    grid = parse_int(grid, "grid", 4 * modes, 2**20)
    k_hi = parse_int(alpha_range[1], "alpha_range", 1, 4096)
    return simulate_relu_mlp(beta, gamma0, depth=1, param="mup", data="grid", points=grid, width=width,
                             steps=steps, modes=modes, lr=lr, seeds=seeds, kernel_points=8 * k_hi,
                             alpha_range=alpha_range, progress=progress, **options)
