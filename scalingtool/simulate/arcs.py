"""Activation patterns of one hidden ReLU layer on the circle, as dense masks or as arcs (theory §5).

A unit ``h_n(theta) = b_n + W_n . (cos theta, sin theta) = b_n + rho_n cos(theta - phi_n)`` is
active (``h_n > 0``) on one open arc of the circle: ``|theta - phi_n| < delta_n`` with
``delta_n = arccos(-b_n / rho_n)``, or everywhere (``b_n > rho_n``), or nowhere. The
one-layer network only ever needs two products with its (S, B, N) activation mask ``m``:
``m c`` for per-unit coefficients ``c`` (S, N, d) and ``m^T v`` for per-input values ``v``
(S, B, d) (:meth:`~.circle_mlp.CircleMLP._shallow`). With arcs both are sweeps along the
circle: sorted arc ends, prefix sums and binary searches, ``O((N + B) log)`` per member
instead of ``O(N B)``, and nothing of size N x B is formed.

Writing ``s_n``, ``e_n`` for the arc's start and end in ``[0, 2 pi)``,
``m_in = w_n + [s_n < theta_i] - [e_n <= theta_i]`` with ``w_n = 1`` for an arc that wraps
through 0 (``s_n > e_n``) or covers the circle, 0 otherwise (units active nowhere or
everywhere get ``s_n = e_n = +inf``).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["DenseMask", "Arcs", "on_circle", "TWO_PI"]

TWO_PI = 2.0 * math.pi


def on_circle(torch: Any, x: Any, tol: float = 1e-9) -> bool:
    """Whether every input (S, B, 2) lies on the unit circle."""
    return bool(torch.all(torch.abs((x * x).sum(-1) - 1.0) < tol))


class DenseMask:
    """The (S, B, N) mask ``1[b + x W^T > 0]`` itself (any inputs)."""

    def __init__(self, torch: Any, W: Any, b: Any, x: Any) -> None:
        self.torch = torch
        with torch.no_grad():
            self.mask = torch.baddbmm(b[:, None, :], x, W.transpose(1, 2)).gt_(0.0)  # 1.0 where h > 0

    def apply(self, coef: Any) -> Any:
        """``m c``: (S, N, d) -> (S, B, d)."""
        return self.torch.bmm(self.mask, coef)

    def apply_t(self, values: Any) -> Any:
        """``m^T v``: (S, B, d) -> (S, N, d); ``v^T m`` streams the mask by rows, faster on a CPU than
        the transposed product (measured: docs results page 'Implementation measurements')."""
        return self.torch.bmm(values.transpose(1, 2).contiguous(), self.mask).transpose(1, 2)


class Arcs:
    """The mask of inputs on the unit circle as arcs (module docstring)."""

    def __init__(self, torch: Any, W: Any, b: Any, x: Any) -> None:
        self.torch = torch
        with torch.no_grad():
            theta = torch.remainder(torch.atan2(x[..., 1], x[..., 0]), TWO_PI)
            rho = torch.hypot(W[..., 0], W[..., 1])
            phi = torch.atan2(W[..., 1], W[..., 0])
            ratio = -b / rho
            arc = (ratio > -1.0) & (ratio < 1.0)
            delta = torch.arccos(ratio.clamp(-1.0, 1.0))
            start = torch.remainder(phi - delta, TWO_PI)
            end = torch.remainder(phi + delta, TWO_PI)
            inf = torch.full_like(start, math.inf)
            self.base = ((start > end) & arc | (ratio <= -1.0)).to(W.dtype)  # (S, N): on at theta = 0
            start, end = torch.where(arc, start, inf), torch.where(arc, end, inf)
            self.start_sorted, self.start_order = torch.sort(start, dim=-1)
            self.end_sorted, self.end_order = torch.sort(end, dim=-1)
            self.theta_sorted, self.theta_order = torch.sort(theta, dim=-1)
            # for m c: how many starts lie strictly below, and ends at or below, each input
            self.below_start = torch.searchsorted(self.start_sorted, theta.contiguous(), right=False)
            self.below_end = torch.searchsorted(self.end_sorted, theta.contiguous(), right=True)
            # for m^T v: how many inputs lie at or below each start, and strictly below each end
            self.upto_start = torch.searchsorted(self.theta_sorted, start.contiguous(), right=True)
            self.upto_end = torch.searchsorted(self.theta_sorted, end.contiguous(), right=False)

    def _prefix(self, values: Any, order: Any) -> Any:
        """Prefix sums (leading zero) of ``values`` (S, n, d) taken in ``order`` (S, n): (S, n + 1, d)."""
        torch = self.torch
        picked = torch.gather(values, 1, order[..., None].expand(-1, -1, values.shape[-1]))
        zero = torch.zeros_like(picked[:, :1])
        return torch.cat([zero, torch.cumsum(picked, dim=1)], dim=1)

    @staticmethod
    def _take(torch: Any, prefix: Any, index: Any) -> Any:
        return torch.gather(prefix, 1, index[..., None].expand(-1, -1, prefix.shape[-1]))

    def apply(self, coef: Any) -> Any:
        """``m c``: (S, N, d) -> (S, B, d)."""
        torch = self.torch
        base = (self.base[..., None] * coef).sum(1, keepdim=True)
        return (base + self._take(torch, self._prefix(coef, self.start_order), self.below_start)
                - self._take(torch, self._prefix(coef, self.end_order), self.below_end))

    def apply_t(self, values: Any) -> Any:
        """``m^T v``: (S, B, d) -> (S, N, d)."""
        torch = self.torch
        prefix = self._prefix(values, self.theta_order)
        total = prefix[:, -1:, :]
        return (self.base[..., None] * total + self._take(torch, prefix, self.upto_end)
                - self._take(torch, prefix, self.upto_start))
