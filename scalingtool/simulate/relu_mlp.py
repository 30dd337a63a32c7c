"""A ReLU MLP of depth 1-4 on the circle, lazy and rich, in PyTorch (theory §5).

Network (S seeds trained together as batched weights). Inputs ``x = (cos theta, sin theta)``,
``L`` hidden layers of width N, all weights and biases i.i.d. N(0, 1) at initialisation:

    h_1 = W_1 x + b_1,   h_{l+1} = W_{l+1} relu(h_l) / sqrt(N) + b_{l+1},
    g(theta; x) = a . relu(h_L) / N.

Mean-field / muP parametrisation with feature-learning strength ``gamma0`` (theory §1, §5):
the output is ``f = [g(theta) - g(theta_0)] / gamma0``, centred by subtracting the frozen
initial network (so ``f = 0`` at initialisation), and every parameter learns at rate
``eta gamma0^2 N``. In displacement variables ``theta = theta_0 + gamma0 delta`` this is

    f = [g(theta_0 + gamma0 delta) - g(theta_0)] / gamma0,   delta <- delta - eta N grad_delta L,

with ``L = 1/2 mean (y - f)^2``: the tangent kernel ``K = N J J^T`` (``J = dg/dtheta``) is O(1)
for every ``gamma0`` and features move at rate O(gamma0). At ``gamma0 = 0`` the output is
exactly the linearisation ``f = J(theta_0) delta`` (computed by forward-mode propagation, not
by a small gamma0): the lazy network. The standard/NTK parametrisation
``f = [a . relu(h_L) - a_0 . relu(h_L^0)] / sqrt(N)`` with rate ``eta`` on every parameter is
the same network with ``gamma = 1/sqrt(N)`` (substitute ``theta = theta_0 + delta/sqrt(N)``);
``param="ntk"`` runs it with ``gamma = gamma0 / sqrt(N)``.

Training: ``data="online"``: SGD on ``batch`` fresh uniform angles per step; ``data="grid"``:
full-batch GD on ``points`` uniform angles. Every recorded step advances time by the same
``eta`` for lazy and rich runs (:class:`~.substeps.SubstepClock`: rich steps are split as the
kernel grows), so exponents are measured in ``t = eta * steps`` (theory §2-§3).

Target (theory §5): ``y = sum_{k<=K} c_k cos(k theta + phi_k)``, ``c_k^2 = k^-(2 beta + 1)``; the
test loss is the mean over ``test_points >= 4 K`` angles shifted by half a spacing (exact for
every mode of the target and its square). The capacity ``alpha`` is measured from the initial
kernel's Fourier spectrum and ``beta`` derived from ``c_k^2 ~ k^-(alpha beta + 1)``. Kernel
measurements (:mod:`.kernel_spectrum`) are taken at log-spaced times.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np

from ..config import ReluMLPRun, fit_window_steps
from ..errors import UsageError
from ..resources import require_memory
from ..spectral import MLP_SAMPLE_STREAM, MLP_STREAM, generators, stream_seed
from .arcs import Arcs, DenseMask, on_circle
from .arraylib import _import_torch
from .circle_task import ALPHA_NOMINAL, fit_alpha, target_amplitudes
from .kernel_spectrum import band_fractions, fourier_diagonal, octave_bands, target_alignment
from .loop import BlowUpGuard, run_loop
from .result import SimulationResult, log_spaced_steps
from .substeps import SubstepClock
from .threads import DECOMPOSITION_SMALL, STEP_SMALL, fitted_threads

__all__ = ["simulate_relu_mlp", "run_relu_mlp", "CircleMLP", "draw_initial", "initial_kernel", "effective_gamma"]


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
    ``delta = 0``) and its target there, as :func:`simulate_relu_mlp` draws them."""
    torch = _import_torch()
    weights, phases = draw_initial([seed], depth, width, modes)
    net = CircleMLP(weights, 0.0)
    theta = _grid_angles(torch, 1, points, 0.0, dtype=net.dtype)
    kern = net.kernel(_circle(torch, theta))[0].cpu().numpy()
    y = _Target(torch, beta, phases, dtype=net.dtype)(theta)[0].cpu().numpy()
    return np.array(kern), np.array(y)


def _relu_grad(torch: Any, grad: Any, h: Any) -> Any:
    """``grad * relu'(h)`` in one fused pass (``grad`` where ``h > 0``, else 0)."""
    return torch.ops.aten.threshold_backward(grad, h, 0.0)


def _circle(torch: Any, theta: Any) -> Any:
    """Inputs ``(cos theta, sin theta)`` for angles of shape (S, B): (S, B, 2)."""
    return torch.stack([torch.cos(theta), torch.sin(theta)], dim=-1).contiguous()


def _grid_angles(torch: Any, members: int, points: int, offset: float, **kw: Any) -> Any:
    """Uniform angles ``2 pi (j + offset) / G`` for every member: (S, G)."""
    theta = 2.0 * math.pi * (torch.arange(points, **kw) + offset) / points
    return theta.expand(members, points)


class _Target:
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


def _resolve_device(torch: Any, device: str) -> str:
    cuda = bool(torch.cuda.is_available())
    if device == "cuda" and not cuda:
        raise UsageError("device = 'cuda' was requested but no CUDA device is available: use 'cpu' or 'auto'")
    return "cuda" if (device == "cuda" or (device == "auto" and cuda)) else "cpu"


def _check_memory(members: int, depth: int, width: int, batch: int, probe: int, dtype: str) -> None:
    """Weights: theta_0, delta, gradient and theta (4 copies); activations: ~8 (S, B, N) per layer;
    the kernel probe: (S, G, G) and a few (S, G, N)."""
    size = 8 if dtype == "float64" else 4
    params = members * (width * (width + 1) * (depth - 1) + 4 * width)
    acts = members * batch * width * depth * 8 + members * probe * (probe + 4 * width) * 2
    require_memory(size * (4 * params + acts) + 16 * members * probe * probe,
                   f"seeds x depth x width^2 = {members} x {depth} x {width}^2 (batch {batch}, kernel grid {probe})",
                   "seeds, width, depth, batch or the kernel grid")


def simulate_relu_mlp(beta: float | Fraction | str, gamma0: float | Fraction | str, *,
                      progress: Callable[[int, int], object] | None = None, **options: Any) -> SimulationResult:
    """Train the ReLU MLP of theory §5 on the power-law target built for ``beta`` (module docstring).

    The Python edge of :func:`run_relu_mlp`: ``beta``, ``gamma0`` and ``options`` are the fields
    of :class:`~scalingtool.config.ReluMLPRun`, checked once by ``ReluMLPRun.from_user``:

    beta : source exponent the target is built for (``c_k^2 = k^-(2 beta + 1)``, alpha0 = 2).
    gamma0 : feature-learning strength ``>= 0`` (0: the exact linearisation).
    depth, width : hidden layers (1-4) and units per layer. param : ``"mup"`` or ``"ntk"``.
    data : ``"online"`` (``batch`` fresh uniform angles per step) or ``"grid"`` (full-batch GD
        on ``points`` uniform angles; below ``2 K + 2`` the target aliases on them: finite data). steps : units of time ``eta``.
    modes : K, the target's highest frequency. test_points : test grid (default ``8 K``,
        at least ``4 K``). bias : hidden biases (without them odd modes ``k >= 3`` are not learnable).
    lr : the unit of time ``eta``; None: ``safety * 2 / (lambda_max (1 + tr/(B lambda_max)))`` of the
        initial kernel on ``kernel_points`` angles (the trace term only for online SGD). Rich steps
        are split into sub-steps as the kernel grows (re-estimated every ``check_every`` units).
    kernel_points : grid of the kernel measurements (Fourier spectrum, target alignment) taken
        at ``kernel_per_decade`` log-spaced steps. alpha_range : ``k`` range of the capacity fit
        (keep ``k_hi <= kernel_points / 8``: the ReLU kinks alias near the Nyquist frequency).
    device : ``"cpu"``, ``"cuda"`` or ``"auto"``. dtype : ``"float64"`` or ``"float32"``.
    """
    return run_relu_mlp(ReluMLPRun.from_user(beta=beta, gamma0=gamma0, **options), progress)


def run_relu_mlp(config: ReluMLPRun, progress: Callable[[int, int], object] | None = None) -> SimulationResult:
    """Train the network ``config`` describes (the module docstring has the maths).

    Returns a :class:`SimulationResult` (``kind="relu-mlp"``): ``loss`` is the test loss,
    ``extra["kernel_top"]`` the kernel's largest eigenvalue at the last estimate; the kernel
    measurements are in ``metadata["kernel"]`` (steps, spectra, rayleigh, alignment, band
    fractions of the test loss, the kernel's Rayleigh quotient along the current residual
    ``r^T K r / (G |r|^2)`` and its sorted eigenvalues ``eig(K/G)``, mean over seeds).
    """
    started = time.perf_counter()
    torch = _import_torch()
    c = config
    beta_q, gamma0_f, depth, width, param, data, dtype = (
        c.beta, float(c.gamma0), c.depth, c.width, c.param, c.data, c.dtype)
    steps, modes, batch, points, test_points = c.steps, c.modes, c.batch, c.points, c.test_grid
    kernel_points, (k_lo, k_hi), bias, device = c.kernel_points, c.alpha_range, c.bias, c.device
    lr_f = None if c.lr is None else float(c.lr)
    safety, max_substeps, check_every = float(c.safety), c.max_substeps, c.check_every
    kernel_per_decade, record_per_decade = c.kernel_per_decade, c.record_per_decade
    seed_list = c.seeds
    members = len(seed_list)
    window = fit_window_steps(c.fit_window, steps)
    dev = _resolve_device(torch, device)
    per_step = batch if data == "online" else points
    _check_memory(members, depth, width, max(per_step, test_points), kernel_points, dtype)

    # the whole numerical body on threads fitted to the training step: a narrow network runs on
    # one thread (no parallel regions, no workers spinning between them); see simulate.threads
    step_work = float(members * max(per_step, kernel_points) * width * max(1, (depth - 1) * width))
    with fitted_threads(step_work, STEP_SMALL, torch):
        gamma = effective_gamma(param, gamma0_f, width)
        weights, phases = draw_initial(seed_list, depth, width, modes)
        net = CircleMLP(weights, gamma, bias=bias, device=dev, dtype=dtype)
        kw = {"dtype": net.dtype, "device": dev}
        target = _Target(torch, float(beta_q), phases, **kw)
        test_theta = _grid_angles(torch, members, test_points, 0.5, **kw)
        x_test, y_test = _circle(torch, test_theta), target(test_theta)
        g0_test = net.initial(x_test)
        k_theta = _grid_angles(torch, members, kernel_points, 0.0, **kw)
        x_k, y_k = _circle(torch, k_theta), target(k_theta)
        g0_k = net.initial(x_k)
        if data == "grid":
            train_theta = _grid_angles(torch, members, points, 0.0, **kw)
            x_train, y_train = _circle(torch, train_theta), target(train_theta)
            g0_train = net.initial(x_train)

        def kernel_eigenvalues(kern: Any) -> Any:
            """Eigenvalues of ``K/G`` in ascending order, on the threads that fit a G x G problem."""
            with fitted_threads(float(kern.shape[-1]) ** 3, DECOMPOSITION_SMALL, torch):
                return torch.linalg.eigvalsh(kern / kern.shape[-1])

        def kernel_top(kern: Any) -> np.ndarray:
            return kernel_eigenvalues(kern)[..., -1].cpu().numpy()

        kern0 = net.kernel(x_k)
        spectrum0 = fourier_diagonal(kern0)
        alpha_meas = fit_alpha(spectrum0, (k_lo, k_hi))
        q = ALPHA_NOMINAL * float(beta_q) + 1.0
        beta_meas = (q - 1.0) / alpha_meas
        top0 = kernel_top(kern0)
        trace_ratio = float(np.max(torch.diagonal(kern0, dim1=-2, dim2=-1).mean(-1).cpu().numpy() / top0))
        factor = 1.0 + trace_ratio / batch if data == "online" else 1.0
        eta_default = safety * 2.0 / (float(np.max(top0)) * factor)
        eta = eta_default if lr_f is None else lr_f

        sampler = torch.Generator(device=dev)
        sampler.manual_seed(int(stream_seed(seed_list[0], MLP_SAMPLE_STREAM).generate_state(1, np.uint64)[0] >> np.uint64(1)))

        def substep(step_lr: float) -> None:
            if data == "grid":
                net.step(x_train, y_train, step_lr, g0_train)
                return
            theta = 2.0 * math.pi * torch.rand((members, batch), generator=sampler, **kw)
            net.step(_circle(torch, theta), target(theta), step_lr)

        probe_theta = _grid_angles(torch, members, min(kernel_points, 64), 0.0, **kw)
        x_probe = _circle(torch, probe_theta)
        tops = {"now": top0}

        def probe_top() -> float:
            tops["now"] = kernel_top(net.kernel(x_probe))
            return float(np.max(tops["now"]))

        clock = SubstepClock(eta, safety, max_substeps, substep, probe_top if gamma > 0 else None,
                             every=check_every, factor=factor)
        kernel_steps = set(int(s) for s in log_spaced_steps(steps, kernel_per_decade)) | {steps}
        bands = octave_bands(modes)
        log: dict[str, list[Any]] = {"steps": [], "spectrum": [], "rayleigh": [], "alignment": [], "top": [],
                                     "bands": [], "residual_rayleigh": [], "eigenvalues": []}

        def observe() -> dict[str, np.ndarray]:
            with torch.no_grad():
                resid = y_test - net.output(x_test, g0_test)
            obs = {"loss": (0.5 * (resid**2).mean(dim=1)).cpu().numpy(), "kernel_top": np.asarray(tops["now"])}
            if data == "grid":
                with torch.no_grad():
                    obs["train"] = (0.5 * ((y_train - net.output(x_train, g0_train)) ** 2).mean(dim=1)).cpu().numpy()
            done = clock.calls
            if done in kernel_steps and (not log["steps"] or log["steps"][-1] != done):
                kern = net.kernel(x_k)
                rayleigh, alignment = target_alignment(kern, y_k)
                log["steps"].append(done)
                log["spectrum"].append(fourier_diagonal(kern).mean(0)[: 4 * modes + 1])
                log["rayleigh"].append(rayleigh)
                log["alignment"].append(alignment)
                eig = kernel_eigenvalues(kern)  # one decomposition for the top and the spectrum
                log["top"].append(eig[..., -1].cpu().numpy())
                with torch.no_grad():
                    log["residual_rayleigh"].append(target_alignment(kern, y_k - net.output(x_k, g0_k))[0])
                log["eigenvalues"].append(eig.flip(-1).cpu().numpy().mean(0))
                log["bands"].append(band_fractions(resid.cpu().numpy(), bands).mean(0))
            return obs

        guard = BlowUpGuard(eta, label="kernel lambda_max", key="kernel_top",
                            advice=f" (default rule: lr = {eta_default:.3g})")
        record_steps = log_spaced_steps(steps, record_per_decade)
        record_steps = np.union1d(record_steps, sorted(kernel_steps))
        rec = run_loop(clock, observe, steps, record_steps, guard, check_every=max(64, check_every),
                       progress=progress)
    curves = rec.curves()
    beta_mean = float(np.mean(beta_meas))
    metadata = {
        "model": f"ReLU MLP, depth {depth}, on the circle (theory §5)", "depth": depth, "param": param,
        "gamma0": gamma0_f, "gamma": gamma, "training": "rich" if gamma > 0 else "lazy", "width": width,
        "bias": bias, "data": data, "batch": batch if data == "online" else points,
        "points": points if data == "grid" else None, "test_points": test_points, "steps": steps,
        "steps_done": rec.steps[-1] if rec.steps else 0, "modes": modes, "beta_target": str(beta_q),
        "alpha_nominal": ALPHA_NOMINAL, "target_decay_q": q, "lr": eta,
        "lr_source": "user" if lr_f is not None else "default", "lr_default": eta_default,
        "ntk_top_eigenvalue": float(np.max(top0)), "trace_ratio": trace_ratio, "sgd_factor": factor,
        "substeps_total": clock.substeps_total, "substeps_max": clock.substeps_max,
        "time_unit": "each step advances gradient-flow time by lr (rich: split into sub-steps)",
        "seeds": list(seed_list), "backend": "torch", "device": dev, "dtype": dtype,
        "alpha_range": [k_lo, k_hi], "kernel_points": kernel_points,
        "alpha_measured": alpha_meas.tolist(), "alpha_mean": float(np.mean(alpha_meas)),
        "beta_derived": beta_meas.tolist(), "beta_derived_mean": beta_mean,
        "kernel": {"steps": log["steps"], "time": [eta * s for s in log["steps"]],
                   "spectrum_mean": [s.tolist() for s in log["spectrum"]],
                   "rayleigh": [r.tolist() for r in log["rayleigh"]],
                   "alignment": [r.tolist() for r in log["alignment"]],
                   "top": [t.tolist() for t in log["top"]],
                   "residual_rayleigh": [r.tolist() for r in log["residual_rayleigh"]],
                   "eigenvalues_mean": [e.tolist() for e in log["eigenvalues"]],
                   "bands": [list(b) for b in bands], "band_fractions": [b.tolist() for b in log["bands"]]},
        "measure": "loss", "fit_window": list(window), "elapsed_s": time.perf_counter() - started,
    }
    empty = np.zeros((members, 0))
    extra = {name: curves.get(name, empty) for name in ("kernel_top", "train") if name in curves}
    return SimulationResult(kind="relu-mlp", seeds=seed_list, steps=np.array(rec.steps, dtype=np.int64),
                            loss=curves.get("loss", empty), floor=np.zeros(members), lr=eta, fit_window=window,
                            measure="loss", extra=extra, metadata=metadata, interrupted=rec.interrupted)
