"""The CNN of the companion code, centred, for an ensemble of seeds (theory §5).

Architecture (Pehlevan-Group/Richness_Sweep, ``vision_tasks/models.py``, ``CNN``), on images
``x`` of C channels: ``conv k x k (N) -> ReLU -> pool 2 -> conv k x k (2N) -> ReLU -> pool 2 ->
dense (H = 8N) -> ReLU -> readout (one output per class)``. Signals of height 1 (MNIST-1D) run
the one-dimensional form of the same network (convolutions of length k, pooling by 2): a k x k
kernel on a height-1 image would mostly see padding. Every weight is i.i.d. N(0, 1) at
initialisation and every hidden bias zero (as in the companion code; there is no readout bias):

    h_1 = conv(x, W_1) / sqrt(C k^d) + b_1,      z_1 = pool(relu(h_1)),
    h_2 = conv(z_1, W_2) / sqrt(N k^d) + b_2,    z_2 = pool(relu(h_2)),
    h_3 = W_3 flat(z_2) / sqrt(F) + b_3,         g(theta; x) = a . relu(h_3) / H,

``d`` the number of spatial dimensions, ``F`` the size of ``flat(z_2)``. Hidden layers are divided
by the square root of their fan-in and the readout by its fan-in ``H``: the mean-field / muP
scaling of the ReLU MLP study (:mod:`.circle_mlp`, with ``H`` in the place of its width N; the
companion code divides a convolution by ``sqrt(C)`` only, a constant factor ``k^(d/2)`` apart).

Centred output with feature-learning strength ``gamma`` (theory §1, §5), the convention of
:mod:`.relu_mlp`: ``f = [g(theta_0 + gamma delta) - g(theta_0)] / gamma``, zero at initialisation,
with ``delta <- delta - eta H grad_delta L`` (every parameter of ``theta`` learns at rate
``eta gamma^2 H``); ``L = 1/2 mean_i |y_i - f_i|^2``. The tangent kernel ``K = H J J^T``
(``J = dg/dtheta``) is O(1) for every ``gamma``. At ``gamma = 0`` the output is exactly the
linearisation ``f = J(theta_0) delta``, computed by forward-mode propagation through the layers.
``param="mup"`` runs ``gamma = gamma0``; ``param="ntk"`` (the standard parametrisation: readout
``/sqrt(H)``, rate ``eta gamma0^2``) is the same network with ``gamma = gamma0 / sqrt(H)``.

Inputs: ``(B, C, H, W)`` images shared by every member, or ``(B, S, C, H, W)``, member s's own
images in column s; outputs ``(S, B, classes)``. The S members run as grouped convolutions.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..config import CnnRun
from ..spectral import CNN_STREAM, generators
from .arraylib import _import_torch

__all__ = ["CnnNet", "build_cnn", "cnn_feature_size"]


def _out(size: int, kernel: int, padding: str) -> int:
    """One convolution then one pooling by 2 along an axis."""
    return (size - (0 if padding == "same" else kernel - 1)) // 2


def cnn_feature_size(shape: Sequence[int], width: int, kernel: int, padding: str) -> tuple[int, tuple[int, ...]]:
    """``(F, spatial sizes after the two pooled convolutions)`` for images of ``shape = (C, H, W)``
    (``H = 1``: the one-dimensional network); ``F = 0`` when the image is too small."""
    spatial = tuple(shape[2:]) if shape[1] == 1 else tuple(shape[1:])
    after = tuple(_out(_out(s, kernel, padding), kernel, padding) for s in spatial)
    return (2 * width * int(np.prod(after)) if min(after) >= 1 else 0), after


class CnnNet:
    """S centred CNNs (module docstring) on one torch device.

    ``theta0``: the initial parameters ``[W_1, b_1, W_2, b_2, W_3, b_3, a]`` (leading axis: member);
    :meth:`function` is ``g(theta; x)`` for any parameters (pure: for jvp, vjp and kernels);
    :attr:`leaves` are the trained tensors: ``theta`` itself when ``gamma > 0``, the displacement
    ``delta`` when ``gamma = 0``.
    """

    def __init__(self, theta0: list[np.ndarray], shape: Sequence[int], width: int, kernel: int,
                 padding: str, pooling: str, gamma: float, device: str = "cpu", dtype: str = "float32") -> None:
        torch = self.torch = _import_torch()
        self.F = torch.nn.functional
        self.dtype, self.device = getattr(torch, dtype), device
        self.members, self.width, self.kernel = theta0[0].shape[0], width, kernel
        self.channels, self.classes = int(shape[0]), theta0[-1].shape[1]
        self.dims = 1 if shape[1] == 1 else 2
        self.features, _ = cnn_feature_size(shape, width, kernel, padding)
        self.hidden = 8 * width
        self.gamma, self.padding, self.pooling = gamma, (kernel // 2 if padding == "same" else 0), pooling
        self.scales = [1.0 / math.sqrt(self.channels * kernel**self.dims), 1.0 / math.sqrt(width * kernel**self.dims),
                       1.0 / math.sqrt(self.features), 1.0 / self.hidden]
        self.theta0 = [torch.as_tensor(p, dtype=self.dtype, device=device) for p in theta0]
        self.lazy = gamma == 0
        start = [torch.zeros_like(p) if self.lazy else p.clone() for p in self.theta0]
        self.leaves = [p.requires_grad_(True) for p in start]

    # ------------------------------------------------------------------ the network
    def _layout(self, x: Any) -> tuple[Any, int]:
        """``x`` as the first convolution's input and its groups: shared (B, C, ...) or (B, S C, ...)."""
        if x.dim() == 5:
            x, groups = x.reshape(x.shape[0], -1, *x.shape[3:]), self.members
        else:
            groups = 1
        return (x[:, :, 0] if self.dims == 1 else x), groups

    def _conv(self, x: Any, w: Any, b: Any | None, scale: float, groups: int) -> Any:
        conv = self.F.conv1d if self.dims == 1 else self.F.conv2d
        weight = (w * scale).reshape(-1, *w.shape[2:])
        return conv(x, weight, None if b is None else b.reshape(-1), padding=self.padding, groups=groups)

    def _pool(self, z: Any, dz: Any | None = None) -> tuple[Any, Any | None]:
        """Pooling by 2 of ``z`` and of its tangent ``dz`` (max pooling: the tangent at the argmax)."""
        F, one = self.F, self.dims == 1
        if self.pooling == "avg":
            pool = F.avg_pool1d if one else F.avg_pool2d
            return pool(z, 2), (None if dz is None else pool(dz, 2))
        pool = F.max_pool1d if one else F.max_pool2d
        if dz is None:
            return pool(z, 2), None
        out, idx = pool(z, 2, return_indices=True)
        return out, dz.flatten(2).gather(2, idx.flatten(2)).view_as(out)

    def _flat(self, z: Any) -> Any:
        """(B, S 2N, ...) -> (S, B, F)."""
        return z.reshape(z.shape[0], self.members, -1).transpose(0, 1)

    def function(self, theta: Sequence[Any], x: Any) -> Any:
        """``g(theta; x)``: (S, B, classes)."""
        w1, b1, w2, b2, w3, b3, a = theta
        s1, s2, s3, s4 = self.scales
        torch = self.torch
        inp, groups = self._layout(x)
        z1, _ = self._pool(torch.relu(self._conv(inp, w1, b1, s1, groups)))
        z2, _ = self._pool(torch.relu(self._conv(z1, w2, b2, s2, self.members)))
        z3 = torch.relu(torch.baddbmm(b3[:, None, :], self._flat(z2), w3.transpose(1, 2), alpha=s3))
        return torch.bmm(z3, a.transpose(1, 2)) * s4

    def linearised(self, delta: Sequence[Any], x: Any) -> Any:
        """``J(theta_0) delta`` on ``x`` by forward-mode propagation: (S, B, classes)."""
        torch = self.torch
        w1, b1, w2, b2, w3, b3, a = self.theta0
        d1, e1, d2, e2, d3, e3, da = delta
        s1, s2, s3, s4 = self.scales
        inp, groups = self._layout(x)
        with torch.no_grad():
            h1 = self._conv(inp, w1, b1, s1, groups)
        z1, dz1 = self._pool(torch.relu(h1), self._conv(inp, d1, e1, s1, groups) * (h1 > 0))
        with torch.no_grad():
            h2 = self._conv(z1, w2, b2, s2, self.members)
        dh2 = self._conv(dz1, w2, None, s2, self.members) + self._conv(z1, d2, e2, s2, self.members)
        z2, dz2 = self._pool(torch.relu(h2), dh2 * (h2 > 0))
        z2, dz2 = self._flat(z2), self._flat(dz2)
        with torch.no_grad():
            h3 = torch.baddbmm(b3[:, None, :], z2, w3.transpose(1, 2), alpha=s3)
        dh3 = torch.baddbmm(e3[:, None, :], dz2, w3.transpose(1, 2), alpha=s3) + s3 * torch.bmm(z2, d3.transpose(1, 2))
        dg = torch.bmm(torch.relu(h3), da.transpose(1, 2)) + torch.bmm(dh3 * (h3 > 0), a.transpose(1, 2))
        return dg * s4

    # ------------------------------------------------------------------ centred output, training
    def initial(self, x: Any) -> Any:
        """``g(theta_0; x)`` (no gradient): what the output is centred by."""
        with self.torch.no_grad():
            return self.function(self.theta0, x)

    def output(self, x: Any, g0: Any | None = None) -> Any:
        """The centred output ``f`` on ``x`` (in the autograd graph of :attr:`leaves`)."""
        if self.lazy:
            return self.linearised(self.leaves, x)
        g0 = self.initial(x) if g0 is None else g0
        return (self.function(self.leaves, x) - g0) / self.gamma

    def step(self, x: Any, y: Any, lr: float, g0: Any | None = None) -> None:
        """One gradient step of rate ``lr`` on ``L = 1/2 mean |y - f|^2`` per member
        (``delta -= lr H grad_delta L``, that is ``theta -= lr gamma^2 H grad_theta L``)."""
        torch = self.torch
        resid = self.output(x, g0) - y
        loss = 0.5 * (resid * resid).sum() / resid.shape[1]
        grads = torch.autograd.grad(loss, self.leaves)
        rate = lr * self.hidden * (1.0 if self.lazy else self.gamma**2)
        with torch.no_grad():
            for leaf, grad in zip(self.leaves, grads):
                leaf.sub_(grad, alpha=rate)

    def point(self) -> list[Any]:
        """The parameters the tangent kernel is taken at: ``theta_0 + gamma delta`` (detached)."""
        return self.theta0 if self.lazy else [p.detach() for p in self.leaves]

    def kernel_apply(self, x: Any, u: Any) -> Any:
        """``K u / G`` for ``u`` (S, G, classes) on shared inputs ``x`` (G images), ``K = H J J^T``
        at :meth:`point`: one vector-Jacobian and one Jacobian-vector product."""
        torch = self.torch
        theta = [p.detach().requires_grad_(True) for p in self.point()]
        with torch.enable_grad():
            pulled = torch.autograd.grad((self.function(theta, x) * u).sum(), theta)
        _, pushed = torch.func.jvp(lambda *t: self.function(t, x), tuple(p.detach() for p in theta), tuple(pulled))
        return pushed * (self.hidden / x.shape[0])

    def pulled_norms(self, x: Any, u: Any) -> Any:
        """``H |J^T u|^2 / G`` per member (a Hutchinson sample of ``tr(K) / G`` for Rademacher ``u``)."""
        torch = self.torch
        theta = [p.detach().requires_grad_(True) for p in self.point()]
        with torch.enable_grad():
            pulled = torch.autograd.grad((self.function(theta, x) * u).sum(), theta)
        return sum((g * g).flatten(1).sum(1) for g in pulled) * (self.hidden / x.shape[0])


def draw_theta0(seeds: Sequence[int], shape: Sequence[int], width: int, kernel: int, padding: str,
                classes: int) -> list[np.ndarray]:
    """Initial parameters ``[W_1, b_1, W_2, b_2, W_3, b_3, a]`` stacked over seeds: weights from
    each seed's CNN stream in that order, biases zero."""
    dims = 1 if shape[1] == 1 else 2
    features, _ = cnn_feature_size(shape, width, kernel, padding)
    k = (kernel,) * dims
    out = []
    for gen in generators(seeds, CNN_STREAM):
        out.append([gen.standard_normal((width, shape[0], *k)), np.zeros(width),
                    gen.standard_normal((2 * width, width, *k)), np.zeros(2 * width),
                    gen.standard_normal((8 * width, features)), np.zeros(8 * width),
                    gen.standard_normal((classes, 8 * width))])
    return [np.stack(parts) for parts in zip(*out)]


def effective_gamma(param: str, gamma0: float, width: int) -> float:
    """``gamma0`` (muP) or ``gamma0 / sqrt(8 N)`` (standard / NTK): module docstring."""
    return gamma0 if param == "mup" else gamma0 / math.sqrt(8 * width)


def build_cnn(config: CnnRun, shape: Sequence[int], classes: int, seeds: Sequence[int] | None = None,
              device: str = "cpu") -> CnnNet:
    """The centred CNN ``config`` describes, for images of ``shape = (C, H, W)`` and ``classes``
    outputs, one member per seed (``seeds``: ``config.seeds`` by default), on ``device``.

    ``net.function(net.theta0, x)`` is ``g(theta_0; x)`` (S, B, classes); the tangent kernel of
    member s is ``H J_s J_s^T`` with ``J_s = dg_s/dtheta`` at ``net.point()``, ``H = net.hidden``.
    """
    seeds = config.seeds if seeds is None else tuple(seeds)
    theta0 = draw_theta0(seeds, shape, config.width, config.kernel_size, config.padding, classes)
    return CnnNet(theta0, shape, config.width, config.kernel_size, config.padding, config.pooling,
                  effective_gamma(config.param, float(config.gamma0), config.width), device, config.dtype)
