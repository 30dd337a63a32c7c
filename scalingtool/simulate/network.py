"""The projected two-layer linear network and its training step (theory §1), written once.

``f(x) = a^T B h / N`` with ``h = A psi`` (the frozen projection is applied by the data
source, so the network only sees ``h`` in R^N). With ``e = y - f`` and the *gradient
signal* ``g = E[e h]`` (population, batch or dataset average), the gradients of
``L = 1/2 E[e^2]`` are ``dL/da = -B g / N`` and ``dL/dB = -a g^T / N``; the learning
rates ``eta N`` (readout) and ``eta gamma0^2`` (B) give the simultaneous update

    a <- a + eta B g,        B <- B + eta gamma0^2 a g^T / N.

The predictor is ``u = B^T a / N`` (``beta_vec = A^T u``, theory §2) and ``f = h . u``.
``gamma0 = 0`` is the exact lazy model: B stays the identity and is not stored.
Every array carries a leading ensemble axis S (one member per seed) and lives on the
array library of :mod:`scalingtool.simulate.arraylib`; the same code runs on NumPy and torch.

Gradient signals (the three training modes of theory §1):

* :class:`PopulationSignal`: ``g = b - Sigma u`` (closed form, no sampling);
* :class:`OnlineSignal`: fresh ``(h, y)`` batches from a sampler each step;
* :class:`DatasetSignal`: the same fixed sample of P points every step (full-batch GD).
"""

from __future__ import annotations

from typing import Any, Callable

from .arraylib import ArrayLib

__all__ = ["LinearNetwork", "PopulationSignal", "OnlineSignal", "DatasetSignal", "batch_signal"]


def batch_signal(h: Any, y: Any, u: Any) -> Any:
    """``g = mean over the batch of (y - h.u) h``; ``h`` (S, n, N), ``y`` (S, n), ``u`` (S, N)."""
    err = y - (h @ u[..., None])[..., 0]
    return (err[..., None, :] @ h)[..., 0, :] / h.shape[-2]


class PopulationSignal:
    """``g = E[(y - f) h] = b - Sigma u`` on the population (theory §1 mode (i))."""

    def __init__(self, sigma: Any, b: Any) -> None:
        self.sigma, self.b = sigma, b

    def __call__(self, u: Any) -> Any:
        return self.b - (self.sigma @ u[..., None])[..., 0]


class OnlineSignal:
    """A fresh batch of ``batch`` pairs each step (theory §1 mode (ii), online SGD)."""

    def __init__(self, sample: Callable[[Callable, int], tuple[Any, Any]], draw: Callable, batch: int) -> None:
        self._sample, self._draw, self.batch = sample, draw, batch

    def __call__(self, u: Any) -> Any:
        h, y = self._sample(self._draw, self.batch)
        return batch_signal(h, y, u)


class DatasetSignal:
    """The full fixed sample each step (theory §1 mode (iii), full-batch GD on P points)."""

    def __init__(self, h: Any, y: Any) -> None:
        self.h, self.y = h, y

    def __call__(self, u: Any) -> Any:
        return batch_signal(self.h, self.y, u)


class LinearNetwork:
    """State ``(a, B)`` of S networks of width N; ``a(0) = 0``, ``B(0) = I`` (theory §1)."""

    def __init__(self, lib: ArrayLib, members: int, width: int, gamma0: float, lr: float) -> None:
        self.lib = lib
        self.width = width
        self.gamma0 = gamma0
        self.lr = lr
        self.a = lib.zeros((members, width))
        self.b_matrix = lib.eye(members, width) if gamma0 > 0 else None

    def predictor(self) -> Any:
        """``u = B^T a / N``, shape (S, N)."""
        if self.b_matrix is None:
            return self.a / self.width
        return (self.a[..., None, :] @ self.b_matrix)[..., 0, :] / self.width

    def feature_growth(self) -> Any:
        """``s = gamma0^2 |a|^2 / N`` per member (theory §2)."""
        return self.gamma0**2 * (self.a * self.a).sum(-1) / self.width

    def step(self, signal: Callable[[Any], Any]) -> None:
        """One (S)GD step with the gradient signal ``g = signal(u)`` (module docstring)."""
        with self.lib.no_autograd():  # the step is explicit: torch needs no autograd records
            g = signal(self.predictor())
            if self.b_matrix is None:
                self.a += self.lr * g
                return
            da = self.lr * (self.b_matrix @ g[..., None])[..., 0]
            self.lib.add_outer_(self.b_matrix, self.a, g, self.lr * self.gamma0**2 / self.width)
            self.a += da
