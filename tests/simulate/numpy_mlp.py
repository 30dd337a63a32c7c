"""An independent NumPy reference of the depth-1 network of ``relu_mlp`` (theory §5), for tests.

Centred mean-field network in displacement variables (``a = a0 + gamma0 da`` etc.):
``f = 1/N [da . relu(h) + a0 . D]``, ``D = (relu(h) - relu(h0)) / gamma0`` (``relu'(h0) (dw.x + db)``
at ``gamma0 = 0``), ``h = h0 + gamma0 (dw.x + db)``; full-batch GD of rate ``lr`` on
``1/2 mean (y - f)^2`` with the gradient written out by hand. Initial draws as ``draw_initial``:
per seed one (N, 4) standard normal block ``[w (2), b, a]``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from scalingtool.spectral import MLP_STREAM, generators


def grid(points: int, offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Angles ``2 pi (j + offset)/G`` and the inputs ``(cos, sin)``, shape (G, 2)."""
    theta = 2.0 * np.pi * (np.arange(points) + offset) / points
    return theta, np.stack([np.cos(theta), np.sin(theta)], axis=1)


class NumpyCircleNetwork:
    """S depth-1 networks of width N (module docstring), NumPy float64."""

    def __init__(self, seeds: Sequence[int], width: int, gamma0: float) -> None:
        draws = [g.standard_normal((width, 4)) for g in generators(list(seeds), MLP_STREAM)]
        self.width, self.gamma0 = width, gamma0
        self.w0 = np.stack([d[:, :2] for d in draws])
        self.b0 = np.stack([d[:, 2] for d in draws])
        self.a0 = np.stack([d[:, 3] for d in draws])
        self.da, self.dw, self.db = np.zeros_like(self.a0), np.zeros_like(self.w0), np.zeros_like(self.b0)

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(f, relu(h), relu'(h))`` on the inputs ``x`` (G, 2)."""
        h0 = np.einsum("gd,snd->sgn", x, self.w0) + self.b0[:, None, :]
        move = np.einsum("gd,snd->sgn", x, self.dw) + self.db[:, None, :]
        if self.gamma0 > 0:
            h = h0 + self.gamma0 * move
            act, diff = np.maximum(h, 0.0), (np.maximum(h, 0.0) - np.maximum(h0, 0.0)) / self.gamma0
        else:
            h, act, diff = h0, np.maximum(h0, 0.0), (h0 > 0) * move
        f = (np.einsum("sgn,sn->sg", act, self.da) + np.einsum("sgn,sn->sg", diff, self.a0)) / self.width
        return f, act, (h > 0).astype(float)

    def step(self, x: np.ndarray, y: np.ndarray, lr: float) -> None:
        """One full-batch GD step of rate ``lr`` on the displacements."""
        f, act, slope = self.forward(x)
        err = y - f
        coef = (self.a0 + self.gamma0 * self.da)[:, None, :] * slope * err[:, :, None]
        points = x.shape[0]
        self.da += lr * np.einsum("sgn,sg->sn", act, err) / points
        self.dw += lr * np.einsum("sgn,gd->snd", coef, x) / points
        self.db += lr * coef.mean(axis=1)
