"""Training the ReLU MLP of depth 1-4 on the circle, lazy and rich, in PyTorch (theory §5).

The network and its target are in :mod:`.circle_mlp`. Network (S seeds trained together as
batched weights). Inputs ``x = (cos theta, sin theta)``,
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
from typing import Any, Callable

import numpy as np

from ..config import ReluMLPRun, fit_window_steps
from ..errors import UsageError
from ..resources import require_memory
from ..spectral import MLP_SAMPLE_STREAM, stream_seed
from .arraylib import _import_torch
from .circle_mlp import CircleMLP, CircleTarget, circle_inputs, draw_initial, effective_gamma, grid_angles
from .circle_task import ALPHA_NOMINAL, fit_alpha
from .kernel_spectrum import band_fractions, fourier_diagonal, octave_bands, target_alignment
from .loop import BlowUpGuard, run_loop
from .result import SimulationResult, log_spaced_steps
from .substeps import SubstepClock
from .threads import DECOMPOSITION_SMALL, STEP_SMALL, fitted_threads

__all__ = ["simulate_relu_mlp", "run_relu_mlp"]

#: the kernel measurements logged at each of their steps
_LOGGED = ("steps", "spectrum", "rayleigh", "alignment", "top", "bands", "residual_rayleigh", "eigenvalues")


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
    members = len(c.seeds)
    dev = _resolve_device(torch, c.device)
    per_step = c.batch if c.data == "online" else c.points
    _check_memory(members, c.depth, c.width, max(per_step, c.test_grid), c.kernel_points, c.dtype)
    # the whole numerical body on threads fitted to the training step: a narrow network runs on
    # one thread (no parallel regions, no workers spinning between them); see simulate.threads
    step_work = float(members * max(per_step, c.kernel_points) * c.width * max(1, (c.depth - 1) * c.width))
    with fitted_threads(step_work, STEP_SMALL, torch):
        run = _Training(c, torch, dev)
        clock = run.clock()
        guard = BlowUpGuard(run.eta, label="kernel lambda_max", key="kernel_top",
                            advice=f" (default rule: lr = {run.eta_default:.3g})")
        record_steps = np.union1d(log_spaced_steps(c.steps, c.record_per_decade), sorted(run.kernel_steps))
        rec = run_loop(clock, run.observe, c.steps, record_steps, guard, check_every=max(64, c.check_every),
                       progress=progress)
    curves = rec.curves()
    window = fit_window_steps(c.fit_window, c.steps)
    metadata = {**run.metadata(rec, clock), "fit_window": list(window), "elapsed_s": time.perf_counter() - started}
    empty = np.zeros((members, 0))
    extra = {name: curves.get(name, empty) for name in ("kernel_top", "train") if name in curves}
    return SimulationResult(kind="relu-mlp", seeds=c.seeds, steps=np.array(rec.steps, dtype=np.int64),
                            loss=curves.get("loss", empty), floor=np.zeros(members), lr=run.eta, fit_window=window,
                            measure="loss", extra=extra, metadata=metadata, interrupted=rec.interrupted)


class _Training:
    """One run of a :class:`~scalingtool.config.ReluMLPRun`: the network and its angle grids
    (test, kernel, training, probe), the step size from the initial kernel, the sub-step clock
    and the kernel measurements logged as it trains."""

    def __init__(self, config: ReluMLPRun, torch: Any, dev: str) -> None:
        c = self.c = config
        self.torch, self.dev, self.members = torch, dev, len(c.seeds)
        self.gamma = effective_gamma(c.param, float(c.gamma0), c.width)
        weights, phases = draw_initial(c.seeds, c.depth, c.width, c.modes)
        self.net = CircleMLP(weights, self.gamma, bias=c.bias, device=dev, dtype=c.dtype)
        self.kw = {"dtype": self.net.dtype, "device": dev}
        self.target = CircleTarget(torch, float(c.beta), phases, **self.kw)
        self.x_test, self.y_test, self.g0_test = self._grid(c.test_grid, 0.5)
        self.x_k, self.y_k, self.g0_k = self._grid(c.kernel_points, 0.0)
        if c.data == "grid":
            self.x_train, self.y_train, self.g0_train = self._grid(c.points, 0.0)
        self._step_size()
        self.kernel_steps = set(int(s) for s in log_spaced_steps(c.steps, c.kernel_per_decade)) | {c.steps}
        self.bands = octave_bands(c.modes)
        self.log: dict[str, list[Any]] = {name: [] for name in _LOGGED}

    def _grid(self, points: int, offset: float) -> tuple[Any, Any, Any]:
        """Inputs, targets and initial outputs on ``points`` uniform angles shifted by ``offset``."""
        theta = grid_angles(self.torch, self.members, points, offset, **self.kw)
        x = circle_inputs(self.torch, theta)
        return x, self.target(theta), self.net.initial(x)

    def eigenvalues(self, kern: Any) -> Any:
        """Eigenvalues of ``K/G`` in ascending order, on the threads that fit a G x G problem."""
        with fitted_threads(float(kern.shape[-1]) ** 3, DECOMPOSITION_SMALL, self.torch):
            return self.torch.linalg.eigvalsh(kern / kern.shape[-1])

    def top(self, kern: Any) -> np.ndarray:
        return self.eigenvalues(kern)[..., -1].cpu().numpy()

    def _step_size(self) -> None:
        """``alpha`` from the initial kernel's spectrum, ``beta`` derived, and the default step
        ``safety * 2 / (lambda_max (1 + tr / (B lambda_max)))`` (online: the SGD trace term)."""
        c, kern0 = self.c, self.net.kernel(self.x_k)
        self.alpha_meas = fit_alpha(fourier_diagonal(kern0), c.alpha_range)
        self.q = ALPHA_NOMINAL * float(c.beta) + 1.0
        self.beta_meas = (self.q - 1.0) / self.alpha_meas
        self.top0 = self.top(kern0)
        diagonal = self.torch.diagonal(kern0, dim1=-2, dim2=-1).mean(-1).cpu().numpy()
        self.trace_ratio = float(np.max(diagonal / self.top0))
        self.factor = 1.0 + self.trace_ratio / c.batch if c.data == "online" else 1.0
        self.eta_default = float(c.safety) * 2.0 / (float(np.max(self.top0)) * self.factor)
        self.eta = self.eta_default if c.lr is None else float(c.lr)
        self.tops = {"now": self.top0}

    def clock(self) -> SubstepClock:
        """The sub-step clock: rich units split as the kernel's top (probed on at most 64 angles) grows."""
        c, torch = self.c, self.torch
        self.sampler = torch.Generator(device=self.dev)
        first = stream_seed(c.seeds[0], MLP_SAMPLE_STREAM).generate_state(1, np.uint64)[0]
        self.sampler.manual_seed(int(first >> np.uint64(1)))
        self.x_probe = circle_inputs(torch, grid_angles(torch, self.members, min(c.kernel_points, 64), 0.0, **self.kw))
        self.calls = SubstepClock(self.eta, float(c.safety), c.max_substeps, self.substep,
                                  self.probe_top if self.gamma > 0 else None, every=c.check_every, factor=self.factor)
        return self.calls

    def substep(self, step_lr: float) -> None:
        if self.c.data == "grid":
            self.net.step(self.x_train, self.y_train, step_lr, self.g0_train)
            return
        theta = 2.0 * math.pi * self.torch.rand((self.members, self.c.batch), generator=self.sampler, **self.kw)
        self.net.step(circle_inputs(self.torch, theta), self.target(theta), step_lr)

    def probe_top(self) -> float:
        self.tops["now"] = self.top(self.net.kernel(self.x_probe))
        return float(np.max(self.tops["now"]))

    def observe(self) -> dict[str, np.ndarray]:
        """The test (and training) loss now; the kernel measurements at their steps."""
        torch = self.torch
        with torch.no_grad():
            resid = self.y_test - self.net.output(self.x_test, self.g0_test)
        obs = {"loss": (0.5 * (resid**2).mean(dim=1)).cpu().numpy(), "kernel_top": np.asarray(self.tops["now"])}
        if self.c.data == "grid":
            with torch.no_grad():
                train = self.y_train - self.net.output(self.x_train, self.g0_train)
            obs["train"] = (0.5 * (train**2).mean(dim=1)).cpu().numpy()
        done = self.calls.calls
        if done in self.kernel_steps and (not self.log["steps"] or self.log["steps"][-1] != done):
            self._measure_kernel(done, resid)
        return obs

    def _measure_kernel(self, done: int, resid: Any) -> None:
        log, kern = self.log, self.net.kernel(self.x_k)
        rayleigh, alignment = target_alignment(kern, self.y_k)
        log["steps"].append(done)
        log["spectrum"].append(fourier_diagonal(kern).mean(0)[: 4 * self.c.modes + 1])
        log["rayleigh"].append(rayleigh)
        log["alignment"].append(alignment)
        eig = self.eigenvalues(kern)  # one decomposition for the top and the spectrum
        log["top"].append(eig[..., -1].cpu().numpy())
        with self.torch.no_grad():
            log["residual_rayleigh"].append(target_alignment(kern, self.y_k - self.net.output(self.x_k, self.g0_k))[0])
        log["eigenvalues"].append(eig.flip(-1).cpu().numpy().mean(0))
        log["bands"].append(band_fractions(resid.cpu().numpy(), self.bands).mean(0))

    def metadata(self, rec: Any, clock: SubstepClock) -> dict[str, Any]:
        c, log = self.c, self.log
        return {
            "model": f"ReLU MLP, depth {c.depth}, on the circle (theory §5)", "depth": c.depth, "param": c.param,
            "gamma0": float(c.gamma0), "gamma": self.gamma, "training": "rich" if self.gamma > 0 else "lazy",
            "width": c.width, "bias": c.bias, "data": c.data, "batch": c.batch if c.data == "online" else c.points,
            "points": c.points if c.data == "grid" else None, "test_points": c.test_grid, "steps": c.steps,
            "steps_done": rec.steps[-1] if rec.steps else 0, "modes": c.modes, "beta_target": str(c.beta),
            "alpha_nominal": ALPHA_NOMINAL, "target_decay_q": self.q, "lr": self.eta,
            "lr_source": "user" if c.lr is not None else "default", "lr_default": self.eta_default,
            "ntk_top_eigenvalue": float(np.max(self.top0)), "trace_ratio": self.trace_ratio, "sgd_factor": self.factor,
            "substeps_total": clock.substeps_total, "substeps_max": clock.substeps_max,
            "time_unit": "each step advances gradient-flow time by lr (rich: split into sub-steps)",
            "seeds": list(c.seeds), "backend": "torch", "device": self.dev, "dtype": c.dtype,
            "alpha_range": list(c.alpha_range), "kernel_points": c.kernel_points,
            "alpha_measured": self.alpha_meas.tolist(), "alpha_mean": float(np.mean(self.alpha_meas)),
            "beta_derived": self.beta_meas.tolist(), "beta_derived_mean": float(np.mean(self.beta_meas)),
            "kernel": {"steps": log["steps"], "time": [self.eta * s for s in log["steps"]],
                       "spectrum_mean": [s.tolist() for s in log["spectrum"]],
                       "rayleigh": [r.tolist() for r in log["rayleigh"]],
                       "alignment": [r.tolist() for r in log["alignment"]],
                       "top": [t.tolist() for t in log["top"]],
                       "residual_rayleigh": [r.tolist() for r in log["residual_rayleigh"]],
                       "eigenvalues_mean": [e.tolist() for e in log["eigenvalues"]],
                       "bands": [list(b) for b in self.bands],
                       "band_fractions": [b.tolist() for b in log["bands"]]},
            "measure": "loss",
        }
