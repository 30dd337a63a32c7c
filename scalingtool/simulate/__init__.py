"""The real networks (theory §1 and §5): simulate, record loss curves, measure time exponents.

* :func:`simulate_linear` -- the projected two-layer linear network of theory §1 (population
  GD, online SGD or full-batch GD on P points), NumPy or PyTorch, an ensemble of seeds
  trained together; exact population loss at log-spaced steps.
* :func:`simulate_mlp_circle` -- the two-layer ReLU network on the circle of theory §5: one
  configuration (depth 1, full-batch GD on a grid) of
  :func:`~scalingtool.simulate.relu_mlp.simulate_relu_mlp` (torch, depth 1-4).

* :func:`simulate_cnn` -- the centred CNN of the companion code on vision tasks (MNIST-1D,
  digits, MNIST, a user's images; :mod:`.vision`), lazy or rich, online or finite data.

All return a :class:`SimulationResult` (curves per seed, exponent per seed with mean and
spread, metadata; ``to_rows()`` for CSV, ``to_dict()`` for JSON).
"""

from __future__ import annotations

from ..config import BACKENDS, DEVICES
from .arraylib import get_arraylib
from .cnn import run_cnn, simulate_cnn
from .linear import DEFAULT_STEPS, DEFAULT_WIDTH, RICH_GAMMA0, simulate_linear
from .mlp_circle import simulate_mlp_circle
from .result import SimulationResult

__all__ = ["simulate_linear", "simulate_mlp_circle", "simulate_cnn", "run_cnn", "SimulationResult", "get_arraylib", "BACKENDS", "DEVICES",
           "RICH_GAMMA0", "DEFAULT_WIDTH", "DEFAULT_STEPS"]
