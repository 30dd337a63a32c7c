"""The ReLU network on the circle (theory §5) as an estimation task with known answers.

The initial NTK Gram matrix of :class:`~scalingtool.simulate.mlp_circle.ReluCircleNetwork`
on P angles and the target of :func:`~scalingtool.simulate.mlp_circle.circle_target`
(``c_k^2 = k^-(2 beta + 1)``, built for ``alpha0 = 2``). Each frequency k gives two
eigenmodes (cosine and sine), so mode ``m ~ 2k`` and the decay exponents carry over: the
capacity is about 2 (theory §5) and the target-power slope ``2 beta + 1`` gives
``beta_hat = 2 beta / alpha_hat``.
"""

from __future__ import annotations

import numpy as np

from ..simulate.mlp_circle import ReluCircleNetwork, _grid, _jacobian_parts, circle_target
from ..spectral import MLP_STREAM, generators

__all__ = ["circle_ntk_task"]


def circle_ntk_task(beta: float, samples: int = 800, width: int = 1024, modes: int = 200,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(K, y)``: the initial NTK Gram (P x P) on P grid angles and the power-law target."""
    gen = generators([seed], MLP_STREAM)
    net = ReluCircleNetwork(gen, width, 0.0, 1.0)
    theta, x = _grid(samples)
    h0 = net.preacts0(x)
    gram = sum(part[0] @ part[0].T for part in _jacobian_parts(net, x, h0)) / width
    phases = gen[0].uniform(0.0, 2.0 * np.pi, size=(1, modes))
    y = circle_target(theta, beta, modes, phases)[0]
    return gram, y
