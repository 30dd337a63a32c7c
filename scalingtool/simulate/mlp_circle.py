"""The nonlinear check of theory §5: a two-layer ReLU network on the circle.

Network (mean-field / muP scaling with ``gamma0``, hidden bias): with ``x = (cos theta, sin theta)``
and N hidden units ``h_i = w_i . x + b_i``,

    f(x) = 1/(gamma0 N) [ a . relu(h) - a0 . relu(h0) ],   learning rate eta gamma0^2 N,

centred at its initial function (``a0, w0, b0`` i.i.d. N(0, 1)). In displacement
variables ``a = a0 + gamma0 da``, ``w = w0 + gamma0 dw``, ``b = b0 + gamma0 db`` this is

    f = 1/N [ da . relu(h) + a0 . D ],   D_i = (relu(h_i) - relu(h0_i)) / gamma0,
    h = h0 + gamma0 (dw . x + db),

trained with rate ``eta`` on ``(da, dw, db)``; the tangent kernel is ``O(1)`` for every
``gamma0`` and features move at rate ``O(gamma0)``. At ``gamma0 = 0``, ``D = relu'(h0) (dw.x + db)``:
exactly the linearised network (lazy, the NTK model), so lazy runs need no small-``gamma0``
approximation. Like the linear model, ``f(0) = 0`` and ``gamma0`` is the only knob.

Target: ``y(theta) = sum_{k=1}^K c_k cos(k theta + phi_k)`` with ``c_k^2 = k^-(alpha0 beta + 1)``
(``alpha0 = 2``, the capacity theory §5 expects with a bias) and phases ``phi_k`` uniform per
seed. ``c_k^2 / 2`` is the target power in Fourier mode k, i.e. the ``lambda_k w_k^2`` of the
linear model (theory §1): the source exponent follows from ``c_k^2 ~ k^-(alpha beta + 1)``.

Measured, per seed (theory §5):

* ``alpha``: minus the log-log slope of the initial NTK's spectrum over ``k`` in
  ``alpha_range``, on its own grid of ``8 k_hi`` angles (far from the Nyquist frequency:
  the ReLU kinks alias); the NTK on a uniform grid of G angles is rotation invariant in
  expectation, so its eigenvalues are its Fourier diagonal ``P_k = e_k^* K e_k / G^2``
  (``e_k = exp(i k theta_j)``), computed from the FFT of the Jacobian;
* ``beta = (q - 1) / alpha`` with ``q = alpha0 beta_target + 1`` the target's power-law decay;
* the time exponent of the loss under full-batch GD on the grid, recorded on a second grid
  shifted by half a spacing (a test set) over ``fit_window``.

Theory to compare with (theory §3, gradient flow): lazy ``beta``; rich ``2 beta / (1 + beta)``
for ``beta < 1``. The network is not the linear model: theory §5 calls this an approximate
check, so the result reports the spread over seeds as its error bar.

Time: every step advances gradient-flow time by the same ``eta`` for lazy and rich runs
(rich steps are split into GD sub-steps as the NTK grows, theory §1 step size), so the
exponents of both are measured in the time theory §2-§3 use. Measured with this (width 256,
grid 256, K = 64, 1500 units, 3 seeds, beta = 1/2): lazy 0.46 +- 0.03, rich gamma0 = 1
0.40 +- 0.06, gamma0 = 0.25 0.33 +- 0.02 -- the rich network is *not* faster here. Cause
(diagnosed, not a bug in the update): the lazy NTK's ``k^-2`` tail comes from the step
features ``relu'(h0)``; in the nonlinear network the kinks move and condense (after
``t ~ 300`` at gamma0 = 1: 58 of 171 distinct activation patterns left, 36 kinks in one grid
cell, kernel eigenvalues past rank ~64 fall from ~1e-5 to ~1e-8), so the high-frequency part
of the kernel that a hard target needs collapses even though its top grows ~7x.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from ..errors import UsageError
from ..params import check, parse_beta, parse_int, parse_positive
from ..resources import require_memory
from ..spectral import MLP_STREAM, generators, power_iteration
from .inputs import fit_window_steps, parse_seeds
from .loop import BlowUpGuard, run_loop
from .result import SimulationResult, log_spaced_steps
from .slope import decay_exponents
from .substeps import SubstepClock

__all__ = ["simulate_mlp_circle", "measured_task", "ntk_fourier_spectrum", "ReluCircleNetwork",
           "circle_target", "target_amplitudes", "ALPHA_NOMINAL"]

#: the capacity theory §5 expects of the ReLU NTK with a bias (used to set the target's decay)
ALPHA_NOMINAL = 2.0


def _grid(points: int, offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Angles ``2 pi (j + offset)/G`` and the inputs ``(cos, sin)``, shape (G, 2)."""
    theta = 2.0 * np.pi * (np.arange(points) + offset) / points
    return theta, np.stack([np.cos(theta), np.sin(theta)], axis=1)


def target_amplitudes(beta: float, modes: int) -> np.ndarray:
    """``c_k = k^-(alpha0 beta + 1)/2`` for ``k = 1..K`` (theory §5: the power of mode k is ``c_k^2/2``)."""
    k = np.arange(1, modes + 1, dtype=float)
    return k ** (-(ALPHA_NOMINAL * beta + 1.0) / 2.0)


def circle_target(theta: np.ndarray, beta: float, modes: int, phases: np.ndarray) -> np.ndarray:
    """``y = sum_k c_k cos(k theta + phi_k)``, ``c_k^2 = k^-(alpha0 beta + 1)``; phases (S, K) -> (S, G)."""
    k = np.arange(1, modes + 1, dtype=float)
    c = target_amplitudes(beta, modes)
    return np.einsum("sgk,k->sg", np.cos(theta[None, :, None] * k + phases[:, None, :]), c)


class ReluCircleNetwork:
    """S ReLU networks of width N at once (module docstring), NumPy float64."""

    def __init__(self, gen: Sequence[np.random.Generator], width: int, gamma0: float, lr: float) -> None:
        self.width, self.gamma0, self.lr = width, gamma0, lr
        draws = [g.standard_normal((width, 4)) for g in gen]
        self.w0 = np.stack([d[:, :2] for d in draws])  # (S, N, 2)
        self.b0 = np.stack([d[:, 2] for d in draws])  # (S, N)
        self.a0 = np.stack([d[:, 3] for d in draws])  # (S, N)
        self.da = np.zeros_like(self.a0)
        self.dw = np.zeros_like(self.w0)
        self.db = np.zeros_like(self.b0)

    def preacts0(self, x: np.ndarray) -> np.ndarray:
        """Initial pre-activations ``h0``, shape (S, G, N)."""
        return np.einsum("gd,snd->sgn", x, self.w0) + self.b0[:, None, :]

    def forward(self, x: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(f, relu(h), relu'(h))`` on the inputs ``x`` with initial pre-activations ``h0``."""
        move = np.einsum("gd,snd->sgn", x, self.dw) + self.db[:, None, :]
        if self.gamma0 > 0:
            h = h0 + self.gamma0 * move
            act = np.maximum(h, 0.0)
            diff = (act - np.maximum(h0, 0.0)) / self.gamma0
        else:
            h = h0
            act = np.maximum(h0, 0.0)
            diff = (h0 > 0) * move
        f = (np.einsum("sgn,sn->sg", act, self.da) + np.einsum("sgn,sn->sg", diff, self.a0)) / self.width
        return f, act, (h > 0).astype(float)

    def step(self, x: np.ndarray, h0: np.ndarray, y: np.ndarray) -> None:
        """One full-batch GD step on ``1/2 mean (y - f)^2`` (rate ``eta`` on the displacements)."""
        f, act, slope = self.forward(x, h0)
        err = y - f
        coef = (self.a0 + self.gamma0 * self.da)[:, None, :] * slope * err[:, :, None]
        points = x.shape[0]
        self.da += self.lr * np.einsum("sgn,sg->sn", act, err) / points
        self.dw += self.lr * np.einsum("sgn,gd->snd", coef, x) / points
        self.db += self.lr * coef.mean(axis=1)

    def kernel_matvec(self, x: np.ndarray, h0: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``K v / G`` for the *current* tangent kernel ``K`` on the inputs ``x`` (v: (S, G))."""
        move = np.einsum("gd,snd->sgn", x, self.dw) + self.db[:, None, :]
        h = h0 + self.gamma0 * move if self.gamma0 > 0 else h0
        act, slope = np.maximum(h, 0.0), (h > 0).astype(float)
        lin = (self.a0 + self.gamma0 * self.da)[:, None, :] * slope
        u_a = np.einsum("sgn,sg->sn", act, v)
        u_l = np.einsum("sgn,sg,gd->snd", lin, v, np.concatenate([x, np.ones((x.shape[0], 1))], axis=1))
        back = np.einsum("sgn,sn->sg", act, u_a) + np.einsum("sgn,snd,gd->sg", lin, u_l,
                                                            np.concatenate([x, np.ones((x.shape[0], 1))], axis=1))
        return back / (self.width * x.shape[0])


def _jacobian_parts(net: ReluCircleNetwork, x: np.ndarray, h0: np.ndarray) -> list[np.ndarray]:
    """The initial Jacobian's blocks ``df/d(da), df/d(dw_1), df/d(dw_2), df/d(db)`` times ``sqrt(N)``."""
    act, slope = np.maximum(h0, 0.0), (h0 > 0).astype(float)
    lin = net.a0[:, None, :] * slope
    return [act, lin * x[None, :, 0, None], lin * x[None, :, 1, None], lin]


def ntk_fourier_spectrum(net: ReluCircleNetwork, points: int) -> np.ndarray:
    """``P_k = e_k^* K e_k / G^2`` of the initial NTK ``K = J J^T`` on G angles, ``k = 0..G/2`` (S, G/2+1).

    For a rotation-invariant kernel these are exactly the eigenvalues of ``K/G``.
    """
    _, x = _grid(points)
    h0 = net.preacts0(x)
    power = np.zeros((h0.shape[0], points // 2 + 1))
    for part in _jacobian_parts(net, x, h0):
        coeffs = np.fft.rfft(part, axis=1) / points
        power += np.sum(np.abs(coeffs) ** 2, axis=2) / net.width
    return power


def _top_kernel_eig(net: ReluCircleNetwork, x: np.ndarray, h0: np.ndarray, iters: int = 200) -> np.ndarray:
    """Largest eigenvalue of ``K/G`` (initial NTK on the training grid) per member, power iteration."""
    parts = _jacobian_parts(net, x, h0)
    scale = net.width * x.shape[0]

    def matvec(v: np.ndarray) -> np.ndarray:
        return sum(np.einsum("sgn,sn->sg", p, np.einsum("sgn,sg->sn", p, v)) for p in parts) / scale

    return power_iteration(matvec, np.ones(h0.shape[:2]), iters)[0]


def _fit_alpha(spectrum: np.ndarray, k_range: tuple[int, int]) -> np.ndarray:
    """``alpha`` per member: minus the log-log slope of ``P_k`` over ``k_range`` (both parities)."""
    k = np.arange(spectrum.shape[1], dtype=float)
    slopes, _ = decay_exponents(k, spectrum, float(k_range[0]), float(k_range[1]))
    return slopes


def simulate_mlp_circle(beta: float | Fraction | str, gamma0: float | Fraction | str, width: int = 512,
                        steps: int = 4000, modes: int = 128, grid: int = 512, lr: float | None = None,
                        seeds: int | Sequence[int] = 3, alpha_range: tuple[int, int] = (8, 64),
                        fit_window: tuple[float, float] | None = None,
                        progress: Callable[[int, int], object] | None = None,
                        safety: float = 0.5, rich_lr_factor: float = 1.0,
                        record_per_decade: int = 16, max_substeps: int = 64) -> SimulationResult:
    """Train the ReLU network of theory §5 on ``c_k^2 = k^-(2 beta + 1)`` and measure its exponents.

    Parameters
    ----------
    beta : source exponent the target is built for (with ``alpha0 = 2``); the measured
        ``alpha`` and the derived ``beta`` are in the metadata.
    gamma0 : feature-learning strength ``>= 0`` (0: the linearised, lazy network).
    width : hidden units N. steps : full-batch GD steps. modes : K, highest target frequency.
    grid : G training angles (``>= 4 K``: the target is resolved on the grid).
    lr : the unit of time ``eta``; None: ``safety * 2 / top eigenvalue of the initial NTK``
        (times ``rich_lr_factor`` when ``gamma0 > 0``, default 1: the same unit for both
        trainings). Every one of the ``steps`` advances the gradient-flow time by exactly
        ``eta``, so lazy and rich runs are compared at equal time ``t = eta * step`` (theory §2,
        §3 state the exponents in that time). Rich runs: the NTK grows as features learn
        (theory §1, step size), so each step is split into ``n`` equal GD sub-steps, ``n`` the
        smallest with ``eta / n <= safety * 2 / top eigenvalue of the current NTK``
        (re-estimated every step by warm-started power iteration), at most ``max_substeps``
        (beyond it the run stops with a NumericalError naming the kernel growth). Lazy runs
        have a fixed kernel: always ``n = 1``.
        (Before: a default ``rich_lr_factor = 0.1`` ran rich networks at a 10x smaller step
        for the same number of steps, i.e. at 10x earlier gradient-flow time over the same
        fit window, which biased their exponent low; a constant step that was stable at the
        start also reached the edge of stability late in a rich run.)
    seeds : a count or a list; members train together. alpha_range : ``k`` range of the
        NTK spectrum fit (computed on ``8 k_hi`` angles, independent of ``grid``). fit_window : steps of the time-exponent fit (default the last 1.5 decades).

    Returns a :class:`~scalingtool.simulate.result.SimulationResult` (``kind="mlp-circle"``)
    whose ``loss`` is the test loss (grid shifted by half a spacing), ``extra["train"]`` the
    training loss and ``extra["feature_move"]`` the RMS pre-activation change ``gamma0 |dh|``.
    """
    started = time.perf_counter()
    beta_q = parse_beta(beta)
    gamma0_f = float(check("gamma0", gamma0))
    width = check("width", width)
    steps = check("steps", steps)
    modes = parse_int(modes, "modes", 1, 2**16)
    grid = parse_int(grid, "grid", 4 * modes, 2**20)
    lr_f = None if lr is None else float(check("lr", lr))
    seed_list = parse_seeds(seeds)
    k_lo, k_hi = (parse_int(v, "alpha_range", 1, 4096) for v in alpha_range)
    if not k_lo + 2 <= k_hi:
        raise UsageError(f"alpha_range = {tuple(alpha_range)} is out of range: expected k_lo + 2 <= k_hi <= 4096")
    ntk_grid = 8 * k_hi  # resolves k_hi well below the Nyquist frequency (ReLU kinks alias)
    safety = float(parse_positive(safety, "safety", Fraction(1)))
    rich_lr_factor = float(parse_positive(rich_lr_factor, "rich_lr_factor", Fraction(1)))
    max_substeps = parse_int(max_substeps, "max_substeps", 1, 10**6)
    _check_mlp_memory(len(seed_list), grid, width)
    window = fit_window_steps(fit_window, steps)

    gens = generators(seed_list, MLP_STREAM)
    net = ReluCircleNetwork(gens, width, gamma0_f, lr=1.0)
    phases = np.stack([g.uniform(0.0, 2.0 * np.pi, modes) for g in gens])
    theta, x = _grid(grid)
    theta_test, x_test = _grid(grid, 0.5)
    y, y_test = circle_target(theta, float(beta_q), modes, phases), circle_target(theta_test, float(beta_q), modes, phases)
    h0, h0_test = net.preacts0(x), net.preacts0(x_test)

    spectrum = ntk_fourier_spectrum(net, ntk_grid)
    alpha_meas = _fit_alpha(spectrum, (k_lo, k_hi))
    q = ALPHA_NOMINAL * float(beta_q) + 1.0
    beta_meas = (q - 1.0) / alpha_meas
    top = float(np.max(_top_kernel_eig(net, x, h0)))
    eta_default = safety * 2.0 / top * (rich_lr_factor if gamma0_f > 0 else 1.0)
    net.lr = eta_default if lr_f is None else lr_f

    def observe() -> dict[str, np.ndarray]:
        f_test, _, _ = net.forward(x_test, h0_test)
        f_train, _, _ = net.forward(x, h0)
        move = np.einsum("gd,snd->sgn", x, net.dw) + net.db[:, None, :]
        return {"loss": 0.5 * np.mean((y_test - f_test) ** 2, axis=1),
                "train": 0.5 * np.mean((y - f_train) ** 2, axis=1),
                "feature_move": gamma0_f * np.sqrt(np.mean(move**2, axis=(1, 2)))}

    guard = BlowUpGuard(net.lr, label="RMS feature movement gamma0 |dh|", key="feature_move",
                        advice=f" (default rule: lr = {eta_default:.3g})")
    record_steps = log_spaced_steps(steps, parse_int(record_per_decade, "record_per_decade", 2, 1000))
    stepper = _TimeStepper(net, x, h0, y, unit=net.lr, safety=safety, max_substeps=max_substeps)
    with np.errstate(over="ignore", invalid="ignore"):
        rec = run_loop(stepper, observe, steps, record_steps, guard, progress=progress)
    curves = rec.curves()
    beta_mean = float(np.mean(beta_meas))
    metadata = {
        "model": "two-layer ReLU network with hidden bias on the circle (theory §5)",
        "beta_target": str(beta_q), "alpha_nominal": ALPHA_NOMINAL, "target_decay_q": q,
        "gamma0": gamma0_f, "training": "rich" if gamma0_f > 0 else "lazy", "width": width,
        "steps": steps, "steps_done": rec.steps[-1] if rec.steps else 0, "modes": modes, "grid": grid,
        "mode": "full-batch-gd-on-grid", "lr": net.lr, "lr_source": "user" if lr_f is not None else "default",
        "lr_default": eta_default, "ntk_top_eigenvalue": top, "seeds": list(seed_list),
        "time_unit": "each step advances gradient-flow time by lr (rich: split into GD sub-steps)",
        "substeps_total": stepper.substeps_total, "substeps_max": stepper.substeps_max,
        "ntk_top_final": stepper.top.tolist(),
        "backend": "numpy", "device": "cpu",
        "alpha_range": [k_lo, k_hi], "ntk_grid": ntk_grid, "alpha_measured": alpha_meas.tolist(),
        "alpha_mean": float(np.mean(alpha_meas)), "alpha_spread": float(np.std(alpha_meas, ddof=1)) if len(alpha_meas) > 1 else 0.0,
        "beta_derived": beta_meas.tolist(), "beta_derived_mean": beta_mean,
        "expected_exponent": beta_mean * (max(1.0, 2.0 / (1.0 + beta_mean)) if gamma0_f > 0 else 1.0),
        "ntk_spectrum_mean": np.mean(spectrum, axis=0)[: min(spectrum.shape[1], 4 * k_hi)].tolist(),
        "measure": "loss", "fit_window": list(window), "elapsed_s": time.perf_counter() - started,
    }
    members = len(seed_list)
    empty = np.zeros((members, 0))
    return SimulationResult(
        kind="mlp-circle", seeds=seed_list, steps=np.array(rec.steps, dtype=np.int64),
        loss=curves.get("loss", empty), floor=np.zeros(members), lr=net.lr,
        fit_window=window, measure="loss",
        extra={"train": curves.get("train", empty), "feature_move": curves.get("feature_move", empty)},
        metadata=metadata, interrupted=rec.interrupted)


class _TimeStepper:
    """One unit of gradient-flow time ``eta`` per call (:class:`~.substeps.SubstepClock`).

    ``lambda_max`` of the current NTK on the training grid (theory §1, step size: the stable
    step shrinks as features grow) is re-estimated each call by warm-started power iteration
    (3 matvecs). Lazy networks (``gamma0 = 0``) keep their initial kernel: ``n = 1`` with no estimate.
    """

    def __init__(self, net: ReluCircleNetwork, x: np.ndarray, h0: np.ndarray, y: np.ndarray, unit: float,
                 safety: float, max_substeps: int, power_iters: int = 3) -> None:
        self.net, self.x, self.h0, self.y = net, x, h0, y
        self.power_iters = power_iters
        self.v = np.ones(h0.shape[:2]) / math.sqrt(h0.shape[1])
        self.top = np.zeros(h0.shape[0])
        self.clock = SubstepClock(unit, safety, max_substeps, self._substep,
                                  self._top if net.gamma0 > 0 else None)

    @property
    def substeps_total(self) -> int:
        return self.clock.substeps_total

    @property
    def substeps_max(self) -> int:
        return self.clock.substeps_max

    def _top(self) -> float:
        # power iteration from the previous eigenvector: the kernel drifts slowly, a few matvecs
        # track it; the estimate is a lower bound, which ``safety`` (default 1/2) covers
        if self.power_iters:
            self.top, self.v = power_iteration(lambda v: self.net.kernel_matvec(self.x, self.h0, v),
                                               self.v, self.power_iters)
        return float(np.max(self.top))

    def _substep(self, lr: float) -> None:
        unit, self.net.lr = self.net.lr, lr
        self.net.step(self.x, self.h0, self.y)
        self.net.lr = unit

    def __call__(self) -> None:
        self.clock()


def _check_mlp_memory(members: int, grid: int, width: int) -> None:
    """The step holds a few (S, G, N) arrays."""
    require_memory(8.0 * 8 * members * grid * width,
                   f"seeds x grid x width = {members} x {grid} x {width}", "seeds, grid or width")


def measured_task(result: SimulationResult) -> tuple[Fraction, Fraction]:
    """``(alpha, beta)`` of a run as measured (theory §5): ``alpha`` from the initial NTK
    spectrum (mean over seeds), ``beta`` derived from the target and that ``alpha``; as
    rationals (3 digits) for the theory layer."""
    meta = result.metadata
    alpha = Fraction(float(np.mean(meta["alpha_measured"]))).limit_denominator(1000)
    beta = Fraction(float(meta["beta_derived_mean"])).limit_denominator(1000)
    return alpha, beta
