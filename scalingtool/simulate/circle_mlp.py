"""The ReLU MLP on the circle and its task, as arrays (theory §5): the network of
:mod:`.relu_mlp`'s runs, with its hand-written forward, gradient and tangent kernel.

Network (S seeds as batched weights). Inputs ``x = (cos theta, sin theta)``, ``L`` hidden layers
of width N, all weights and biases i.i.d. N(0, 1) at initialisation:

    h_1 = W_1 x + b_1,   h_{l+1} = W_{l+1} relu(h_l) / sqrt(N) + b_{l+1},
    g(theta; x) = a . relu(h_L) / N,

and the output ``f = [g(theta_0 + gamma delta) - g(theta_0)] / gamma`` (the exact linearisation
at ``gamma = 0``). Target: ``y = sum_{k<=K} c_k cos(k theta + phi_k)``, ``c_k^2 = k^-(2 beta + 1)``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..spectral import MLP_STREAM, generators
from .arcs import Arcs, DenseMask, on_circle
from .arraylib import _import_torch
from .circle_task import target_amplitudes

__all__ = ["CircleMLP", "CircleTarget", "draw_initial", "initial_kernel", "effective_gamma", "circle_inputs",
           "grid_angles"]


def effective_gamma(param: str, gamma0: float, width: int) -> float:
    """The ``gamma`` the network runs with: ``gamma0`` (muP) or ``gamma0 / sqrt(N)`` (NTK)."""
    return gamma0 if param == "mup" else gamma0 / math.sqrt(width)


def draw_initial(seeds: Sequence[int], depth: int, width: int, modes: int) -> tuple[dict[str, list[np.ndarray]], np.ndarray]:
    """Initial weights ``{"W": [...], "b": [...], "a": [a]}`` (leading axis: seed) and target phases (S, K).

    Per seed: the first layer, its bias and the readout as one (N, 4) draw, then the phases,
    then the deeper layers (so a depth-1 network and its target do not depend on the depth).
    """
    gens = generators(seeds, MLP_STREAM)
    first = [g.standard_normal((width, 4)) for g in gens]
    phases = np.stack([g.uniform(0.0, 2.0 * np.pi, modes) for g in gens])
    weights = {"W": [np.stack([d[:, :2] for d in first])], "b": [np.stack([d[:, 2] for d in first])],
               "a": [np.stack([d[:, 3] for d in first])]}
    for _ in range(depth - 1):
        weights["W"].append(np.stack([g.standard_normal((width, width)) for g in gens]))
        weights["b"].append(np.stack([g.standard_normal(width) for g in gens]))
    return weights, phases


class CircleMLP:
    """S centred ReLU MLPs in displacement variables (module docstring), on one torch device."""

    def __init__(self, weights: dict[str, list[np.ndarray]], gamma: float, bias: bool = True,
                 device: str = "cpu", dtype: str = "float64") -> None:
        torch = _import_torch()
        self.torch = torch
        self.dtype = getattr(torch, dtype)
        self.device = device
        self.gamma, self.bias = gamma, bias
        self.depth = len(weights["W"])
        self.width = weights["a"][0].shape[1]
        t = lambda v: torch.as_tensor(v, dtype=self.dtype, device=device)  # noqa: E731
        self.W0 = [t(w) for w in weights["W"]]
        self.b0 = [t(b) if bias else torch.zeros_like(t(b)) for b in weights["b"]]
        self.a0 = t(weights["a"][0])
        self.dW = [torch.zeros_like(w) for w in self.W0]
        self.db = [torch.zeros_like(b) for b in self.b0] if bias else []
        self.da = torch.zeros_like(self.a0)

    @property
    def leaves(self) -> list[Any]:
        """The trained displacements ``delta``."""
        return [self.da, *self.dW, *self.db]

    def current(self) -> tuple[list[Any], list[Any], Any]:
        """``theta_0 + gamma delta`` as ``(W, b, a)`` (in the autograd graph)."""
        g = self.gamma
        W = [w0 + g * dw for w0, dw in zip(self.W0, self.dW)]
        b = [b0 + g * db for b0, db in zip(self.b0, self.db)] if self.bias else self.b0
        return W, b, self.a0 + g * self.da

    def trace(self, W: list[Any], b: list[Any], a: Any, x: Any,
              tangent: tuple[list[Any], list[Any], Any] | None = None) -> tuple[list[Any], list[Any], Any, Any]:
        """Forward pass keeping every layer: ``(hs, inputs, g, dg)`` with ``hs[l]`` the
        pre-activations of layer l+1, ``inputs[l]`` its input (``x`` or ``relu(hs[l-1])``;
        ``inputs[L]`` is ``relu(hs[L-1])``, the readout's input), ``g``
        the network at ``(W, b, a)`` on ``x`` (S, B, 2) and, given a tangent ``(dW, db, da)``, its
        directional derivative ``dg`` (forward mode; else None)."""
        torch = self.torch
        scale = 1.0 / math.sqrt(self.width)
        h = torch.baddbmm(b[0][:, None, :], x, W[0].transpose(1, 2))
        hs, inputs, dh = [h], [x], None
        if tangent is not None:
            dW, db, _ = tangent
            dh = torch.bmm(x, dW[0].transpose(1, 2))
            if db:
                dh = dh + db[0][:, None, :]
        for layer in range(1, self.depth):
            z = torch.relu(h)
            if dh is not None:
                dh = (torch.bmm(_relu_grad(torch, dh, h), W[layer].transpose(1, 2)) + torch.bmm(z, dW[layer].transpose(1, 2))) * scale
                if db:
                    dh = dh + db[layer][:, None, :]
            h = torch.baddbmm(b[layer][:, None, :], z, W[layer].transpose(1, 2), alpha=scale)
            hs.append(h)
            inputs.append(z)
        z = torch.relu(h)
        inputs.append(z)
        g = torch.bmm(z, a[:, :, None])[..., 0] / self.width
        if dh is None:
            return hs, inputs, g, None
        dg = (torch.bmm(z, tangent[2][:, :, None]) + torch.bmm(_relu_grad(torch, dh, h), a[:, :, None]))[..., 0]
        dg = dg / self.width
        return hs, inputs, g, dg

    def forward(self, W: list[Any], b: list[Any], a: Any, x: Any,
                tangent: tuple[list[Any], list[Any], Any] | None = None) -> tuple[Any, Any]:
        """``(g, dg)`` of :meth:`trace` (:meth:`_shallow` for one hidden layer)."""
        if self.depth == 1:
            _, _, g, dg = self._shallow(W, b, a, x, tangent)
            return g, dg
        _, _, g, dg = self.trace(W, b, a, x, tangent)
        return g, dg

    def _shallow(self, W: list[Any], b: list[Any], a: Any, x: Any,
                 tangent: tuple[list[Any], list[Any], Any] | None = None) -> tuple[Any, Any, Any, Any]:
        """One hidden layer through its activation pattern: ``(pattern, u, g, dg)``.

        ReLU is positively homogeneous, ``relu(h) = m h`` with ``m = 1[h > 0]``, and
        ``h_n = c_n . u`` is linear in ``u = (1, x)`` with ``c_n = (b_n, W_n)``. So
        ``g = sum_n a_n m_n (c_n . u) / N``: one product of the (S, B, N) mask with the (S, N, 3)
        coefficients ``a_n c_n``, and, given a tangent, ``dg`` with ``da_n c_n + a_n dc_n`` in
        their place. On the circle the mask is a set of arcs and the products are sweeps
        (:class:`~.arcs.Arcs`, ``O((N + B) log)``); elsewhere it is formed
        (:class:`~.arcs.DenseMask`). Either way no (S, B, N) activation is kept (theory §5).
        """
        torch = self.torch
        pattern = (Arcs if on_circle(torch, x) else DenseMask)(torch, W[0], b[0], x)
        u = torch.cat([torch.ones_like(x[..., :1]), x], dim=-1)
        coef = torch.cat([b[0][..., None], W[0]], dim=-1)
        g = (pattern.apply(a[..., None] * coef) * u).sum(-1) / self.width
        if tangent is None:
            return pattern, u, g, None
        dW, db, da = tangent
        dcoef = torch.cat([(db[0] if db else torch.zeros_like(b[0]))[..., None], dW[0]], dim=-1)
        dg = (pattern.apply(da[..., None] * coef + a[..., None] * dcoef) * u).sum(-1) / self.width
        return pattern, u, g, dg

    def initial(self, x: Any) -> Any:
        """``g(theta_0)`` on ``x`` (no gradient): the frozen copy the output is centred by."""
        with self.torch.no_grad():
            return self.forward(self.W0, self.b0, self.a0, x)[0]

    def output(self, x: Any, g0: Any | None = None) -> Any:
        """The centred output ``f`` on ``x``; ``g0 = initial(x)`` may be passed when cached."""
        if self.gamma == 0:
            return self.forward(self.W0, self.b0, self.a0, x, (self.dW, self.db, self.da))[1]
        g0 = self.initial(x) if g0 is None else g0
        W, b, a = self.current()
        return (self.forward(W, b, a, x)[0] - g0) / self.gamma

    def gradient(self, x: Any, y: Any, g0: Any | None = None) -> list[Any]:
        """``grad_delta`` of ``1/2 mean (y - f)^2`` per member, in the order of :attr:`leaves`.

        By hand (no autograd): ``df/d delta = dg/dtheta`` at ``theta_0 + gamma delta`` (at
        ``theta_0`` when ``gamma = 0``), back-propagated with ``B_L = a relu'(h_L) / N``,
        ``B_{l-1} = relu'(h_{l-1}) (B_l W_l) / sqrt(N)``; ``dg/dW_l = B_l z_{l-1}^T / sqrt(N)``
        (``B_1 x^T`` for the first layer), ``dg/db_l = B_l``, ``dg/da = relu(h_L) / N``.
        """
        torch = self.torch
        scale = 1.0 / math.sqrt(self.width)
        if self.depth == 1:
            return self._shallow_gradient(x, y, g0)
        with torch.no_grad():
            W, b, a, (hs, inputs, _, _), f = self._evaluate(self.trace, x, g0)
            err = (f - y) / x.shape[1]
            grad_a = torch.bmm(err[:, None, :], inputs[-1])[:, 0, :] / self.width
            back = _relu_grad(torch, err[:, :, None] * (a[:, None, :] / self.width), hs[-1])
            grad_W, grad_b = [None] * self.depth, [None] * self.depth
            for layer in range(self.depth - 1, -1, -1):
                grad_W[layer] = torch.bmm(back.transpose(1, 2), inputs[layer]) * (1.0 if layer == 0 else scale)
                grad_b[layer] = back.sum(dim=1)
                if layer > 0:
                    back = _relu_grad(torch, torch.bmm(back, W[layer]), hs[layer - 1]) * scale
        return [grad_a, *grad_W, *(grad_b if self.bias else [])]

    def _evaluate(self, run: Callable[..., tuple[Any, Any, Any, Any]], x: Any,
                  g0: Any | None) -> tuple[list[Any], list[Any], Any, tuple[Any, Any, Any, Any], Any]:
        """``(W, b, a, run's output, f)`` at the point the gradient is taken: ``theta_0`` with the
        tangent ``delta`` when ``gamma = 0`` (``f = dg``), else ``theta_0 + gamma delta``
        (``f = (g - g0) / gamma``). ``run`` is :meth:`trace` or :meth:`_shallow`."""
        if self.gamma == 0:
            W, b, a = self.W0, self.b0, self.a0
            out = run(W, b, a, x, (self.dW, self.db, self.da))
            return W, b, a, out, out[3]
        W, b, a = self.current()
        out = run(W, b, a, x)
        return W, b, a, out, (out[2] - (self.initial(x) if g0 is None else g0)) / self.gamma

    def _shallow_gradient(self, x: Any, y: Any, g0: Any | None = None) -> list[Any]:
        """:meth:`gradient` of one hidden layer through its activation pattern (:meth:`_shallow`):
        with ``e = (f - y) / B`` and ``q_n = sum_i e_i m_in u_i`` (one product of the pattern's
        transpose with the (S, B, 3) ``e u``), ``dL/da_n = c_n . q_n / N``, ``dL/dW_n = a_n q_n[1:] / N``,
        ``dL/db_n = a_n q_n[0] / N``."""
        torch = self.torch
        with torch.no_grad():
            W, b, a, (pattern, u, _, _), f = self._evaluate(self._shallow, x, g0)
            err = (f - y) / x.shape[1]
            q = pattern.apply_t(err[..., None] * u) / self.width
            grad_a = (q[..., 0] * b[0] + (q[..., 1:] * W[0]).sum(-1))
            grad_W = a[..., None] * q[..., 1:]
            grad_b = a * q[..., 0]
        return [grad_a, grad_W, *([grad_b] if self.bias else [])]

    def step(self, x: Any, y: Any, lr: float, g0: Any | None = None) -> None:
        """One gradient step of rate ``lr`` on ``1/2 mean (y - f)^2`` (per member; ``delta -= lr N grad``)."""
        with self.torch.no_grad():
            for leaf, grad in zip(self.leaves, self.gradient(x, y, g0)):
                leaf.sub_(grad, alpha=lr * self.width)

    def kernel(self, x: Any) -> Any:
        """The tangent kernel ``K = N J J^T`` of the current network on ``x`` (S, G, 2): (S, G, G).

        Closed form per layer: ``K = Z_L Z_L^T / N + sum_l (B_l B_l^T / N) * (Q_{l-1} + bias)``
        with ``B_l = a . relu'(h_L)`` back-propagated to layer l and ``Q`` the input Gram
        (``x.x'`` for the first layer, ``relu(h).relu(h')/N`` after). A step ``lr`` of
        :meth:`step` is stable on these points for ``lr * lambda_max(K / G) < 2``.
        """
        torch = self.torch
        with torch.no_grad():
            W, b, a = self.current()
            scale = 1.0 / math.sqrt(self.width)
            hs, inputs, _, _ = self.trace(W, b, a, x)
            z = inputs[-1]
            kern = torch.bmm(z, z.transpose(1, 2)) / self.width
            back = a[:, None, :] * (hs[-1] > 0)
            for layer in range(self.depth - 1, -1, -1):
                inp = inputs[layer]
                gram = torch.bmm(inp, inp.transpose(1, 2)) / (1.0 if layer == 0 else self.width)
                if self.bias:
                    gram = gram + 1.0
                kern += torch.bmm(back, back.transpose(1, 2)) / self.width * gram
                if layer > 0:
                    back = torch.bmm(back, W[layer]) * scale * (hs[layer - 1] > 0)
            return kern


def initial_kernel(beta: float, seed: int, *, depth: int, width: int, modes: int,
                   points: int) -> tuple[np.ndarray, np.ndarray]:
    """``(K, y)`` of one seed's network: its initial tangent kernel ``K = N J J^T`` on ``points``
    uniform angles (P x P, float64; the same for every ``gamma0`` and parametrisation, since
    ``delta = 0``) and its target there, as :func:`~.relu_mlp.simulate_relu_mlp` draws them."""
    torch = _import_torch()
    weights, phases = draw_initial([seed], depth, width, modes)
    net = CircleMLP(weights, 0.0)
    theta = grid_angles(torch, 1, points, 0.0, dtype=net.dtype)
    kern = net.kernel(circle_inputs(torch, theta))[0].cpu().numpy()
    y = CircleTarget(torch, beta, phases, dtype=net.dtype)(theta)[0].cpu().numpy()
    return np.array(kern), np.array(y)


def _relu_grad(torch: Any, grad: Any, h: Any) -> Any:
    """``grad * relu'(h)`` in one fused pass (``grad`` where ``h > 0``, else 0)."""
    return torch.ops.aten.threshold_backward(grad, h, 0.0)


def circle_inputs(torch: Any, theta: Any) -> Any:
    """Inputs ``(cos theta, sin theta)`` for angles of shape (S, B): (S, B, 2)."""
    return torch.stack([torch.cos(theta), torch.sin(theta)], dim=-1).contiguous()


def grid_angles(torch: Any, members: int, points: int, offset: float, **kw: Any) -> Any:
    """Uniform angles ``2 pi (j + offset) / G`` for every member: (S, G)."""
    theta = 2.0 * math.pi * (torch.arange(points, **kw) + offset) / points
    return theta.expand(members, points)


class CircleTarget:
    """``y = sum_k c_k cos(k theta + phi_k)`` per member, on torch angles (S, B)."""

    def __init__(self, torch: Any, beta: float, phases: np.ndarray, **kw: Any) -> None:
        modes = phases.shape[1]
        self.c = torch.as_tensor(target_amplitudes(beta, modes), **kw)
        self.k = torch.arange(1, modes + 1, **kw)
        self.phases = torch.as_tensor(phases, **kw)
        self.torch = torch

    def __call__(self, theta: Any) -> Any:
        arg = theta[..., None] * self.k + self.phases[:, None, :]
        return (self.torch.cos(arg) * self.c).sum(-1)
