"""Simulate the projected two-layer linear network of theory §1 and measure its time exponent.

:func:`simulate_linear` draws the frozen projection of every seed
(:mod:`~scalingtool.simulate.projection`), builds the gradient signal of the chosen training
mode (:mod:`~scalingtool.simulate.network`), picks the step size from the predicted
feature growth (:mod:`~scalingtool.simulate.stepsize`), trains the whole ensemble of seeds
at once along a leading seed axis (:mod:`~scalingtool.simulate.loop`), records the exact
population loss ``1/2 (yy - 2 u.b + u^T Sigma u)`` at log-spaced steps and fits the time
exponent per seed (:mod:`~scalingtool.simulate.result`).

Training modes (theory §1): ``batch=None, data=None`` -- gradient descent on the population
loss (default); ``batch=Bsz`` -- online SGD with fresh Gaussian samples each step;
``data=P`` -- full-batch GD on a fixed sample of P points.

Defaults: ``width=1024``, ``steps=3000``, population GD, default ``lr`` (``safety=1/2``,
predicted ``s``), fit window ``[steps/30, steps]`` on ``loss - L_inf(N)``, and for rich
training the recommended ``gamma0 = 2`` (:data:`RICH_GAMMA0`). With them the lazy and rich
exponents of ``alpha = 2``, ``beta = 1/2`` land within their seed spread of theory §3's 1/2
and 2/3 (measured: docs results page 'Implementation measurements'). Why:

* population GD: its gradients are exact, so a curve has no sampling noise and costs
  ``O(N^2)`` per step; for hard tasks the SGD-noise term ``t^-(2 - 1/alpha)`` decays faster
  than the signal and does not change the exponent (theory §3), so GD measures the same
  time exponent in a fraction of the time (online SGD costs ``O(Bsz N^2)`` per step and
  needs more seeds for the same error bar);
* ``measure="excess"``: the width floor ``L_inf(N)`` (exact for the drawn ``A``) is a
  separate term of theory §3; subtracting it keeps the signal term's slope visible up to
  ``tau ~ N^alpha / 100`` instead of bending it from ``tau ~ 100`` (at moderate widths the
  raw loss's lazy slope falls well below 1/2 over the window, the excess loss's does not);
* ``width=1024``, ``gamma0=2``: rich training sits near its asymptotic slope from
  ``tau ~ 1`` on (at ``gamma0 = 1`` it approaches 2/3 from below over decades, theory §4),
  and the learned modes ``k ~ tau^(1/alpha)`` stay well below N over the fit window
  (at half that width the rich slope dips below 2/3 within the window);
* ``steps=3000``: with the default step the run ends at ``tau ~ 3000`` lazy and ``tau ~ 100``
  rich, both before the width effects; the window ``[steps/30, steps]`` spans 1.5 decades.

Metadata ``stability_ratio = eta (1 + 2 max s) / eta_lazy`` says how close the run came to
the linear stability limit at its largest feature growth. Above 1 (a user's large ``lr``),
GD often does *not* blow up: it holds ``s`` back (edge of stability / catapult), which
silently lowers the rich exponent; ``beyond_stability`` flags it.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..config import DEFAULT_FIT, LinearRun, fit_window_steps
from ..resources import require_memory
from ..spectral import DATA_STREAM, NOISE_STREAM
from .arraylib import ArrayLib, get_arraylib
from .loop import BlowUpGuard, run_loop
from .network import DatasetSignal, LinearNetwork, OnlineSignal, PopulationSignal
from .projection import build_projection, Projection
from .result import SimulationResult, log_spaced_steps
from .samplers import make_sampler
from .stepsize import default_lr, lazy_stable_lr
from .task import PowerLawTask, choose_modes

__all__ = ["simulate_linear", "run_linear", "RICH_GAMMA0", "DEFAULT_WIDTH", "DEFAULT_STEPS", "DEFAULT_FIT"]

#: recommended feature-learning strength for rich runs (module docstring)
RICH_GAMMA0 = 2.0
DEFAULT_WIDTH = LinearRun.width
DEFAULT_STEPS = LinearRun.steps




def _build_signal(mode: str, proj: Projection, task: PowerLawTask, lib: ArrayLib, path: str,
                  seeds: tuple[int, ...], rng: str, batch: int | None,
                  data: int | None) -> tuple[Callable[[Any], Any], np.ndarray]:
    """The gradient signal of the training mode and the kernel eigenvalues that bound its step."""
    if mode == "population-gd":
        return PopulationSignal(lib.asarray(proj.sigma), lib.asarray(proj.b)), proj.top_kernel_eig[:, None]
    sampler = make_sampler(path, proj, task, lib)
    if mode == "online-sgd":
        draw = lib.normal_source(seeds, NOISE_STREAM, rng)
        return OnlineSignal(sampler.sample, draw, batch), proj.kernel_eigs
    draw = lib.normal_source(seeds, DATA_STREAM, rng)
    chunk = max(1, 2**22 // max(task.modes if path == "explicit" else proj.width, 1))
    parts = [sampler.sample(draw, min(chunk, data - start)) for start in range(0, data, chunk)]
    h = parts[0][0] if len(parts) == 1 else _concat(lib, [p[0] for p in parts], 1)
    y = parts[0][1] if len(parts) == 1 else _concat(lib, [p[1] for p in parts], 1)
    hn = lib.to_numpy(h)
    empirical = np.linalg.eigvalsh(np.swapaxes(hn, 1, 2) @ hn / (data * proj.width))
    return DatasetSignal(h, y), empirical


def _concat(lib: ArrayLib, arrays: list[Any], axis: int) -> Any:
    """Concatenate arrays of the array library (via NumPy: done once, for the fixed data set)."""
    return lib.asarray(np.concatenate([lib.to_numpy(a) for a in arrays], axis=axis))


def simulate_linear(alpha: float | Fraction | str, beta: float | Fraction | str,
                    gamma0: float | Fraction | str, *, progress: Callable[[int, int], object] | None = None,
                    **options: Any) -> SimulationResult:
    """Train the projected linear network of theory §1 for every seed and measure its time exponent.

    The Python edge of :func:`run_linear`: ``alpha``, ``beta``, ``gamma0`` and ``options`` are
    the fields of :class:`~scalingtool.config.LinearRun` (Fraction, float or text such as
    ``"3/2"``), checked once by ``LinearRun.from_user``:

    alpha, beta : capacity ``> 1`` and source ``> 0``.
    gamma0 : feature-learning strength ``>= 0``; 0 is the exact lazy model (B frozen).
    width : N. steps : number of (S)GD steps.
    batch : online SGD with this batch size; ``data`` : full-batch GD on P fixed points;
        neither: GD on the population loss (default; exact gradients ``b - Sigma u``).
    lr : step ``eta`` (rates ``eta N`` for a, ``eta gamma0^2`` for B); None: the default rule
        of :mod:`~scalingtool.simulate.stepsize` (``lr_rule``, ``safety``), one step for the
        whole ensemble (the most cautious member's).
    seeds : a count (seeds 0..n-1) or a list; all members train together (leading axis).
    backend, device : ``"numpy"`` | ``"torch"``; ``"auto"`` | ``"cpu"`` | ``"cuda"`` (torch only).
    path : ``"fast"`` (sample ``(h, y)`` in R^(N+1)) or ``"explicit"`` (``psi`` in R^M).
    M, tail : number of feature modes (None: chosen from the width floor) and the tail
        treatment, ``"auto"`` | ``"truncated"`` | ``"gaussian"`` (:mod:`~scalingtool.simulate.task`).
    fit_window : ``(first step, last step)`` of the exponent fit; default ``[steps/30, steps]``.
    measure : fit ``"excess"`` = ``loss - L_inf(N)`` (default; population GD and SGD) or ``"loss"``.
    rng : ``"numpy"`` (same draws on every backend) or ``"native"``; default numpy for NumPy,
        native for torch.
    share_projection : every member uses the ``A`` of the first seed (only the SGD noise and
        data differ), e.g. to average SGD noise over one network.
    record_per_decade : recorded steps per decade.
    progress : ``progress(done, total)`` called while training.
    """
    config = LinearRun.from_user(alpha=alpha, beta=beta, gamma0=gamma0, **options)
    return run_linear(config, progress)


def _require_data_memory(c: LinearRun, task: PowerLawTask, lib: ArrayLib, explicit: bool) -> None:
    """Ask the memory allowance for what grows with the data: the explicit path's ``A``, a
    fixed data set, or the samples one online step draws (and a product of their size)."""
    members, width = len(c.seeds), c.width
    if explicit:
        require_memory(8.0 * members * width * task.modes * (2 if lib.name == "torch" else 1),
                       "the explicit path's A", "seeds, M or width, or use path='fast'")
    if c.data is not None:
        require_memory(8.0 * members * c.data * (width + 1), f"a data set of {c.data} points", "data, seeds or width")
    if c.batch is not None:
        require_memory(8.0 * 2 * members * c.batch * (width + 1), f"a batch of {c.batch} samples a step",
                       "batch, seeds or width")


def run_linear(config: LinearRun, progress: Callable[[int, int], object] | None = None, *,
               lib: ArrayLib | None = None) -> SimulationResult:
    """Train the network ``config`` describes and fit its time exponent per seed, on ``lib``
    (default: the array library of ``config.backend`` and ``config.device``).

    Raises :class:`~scalingtool.errors.UsageError` when the run would not fit in memory and
    :class:`~scalingtool.errors.NumericalError` when training diverges (with ``s`` at the
    blow-up). Ctrl-C returns what was computed so far with ``interrupted=True``.
    """
    started = time.perf_counter()
    c = config
    lib = lib if lib is not None else get_arraylib(c.backend, c.device)
    alpha_q, beta_q, gamma0_f, width, steps, batch, data = (
        c.alpha, c.beta, float(c.gamma0), c.width, c.steps, c.batch, c.data)
    lr_f = None if c.lr is None else float(c.lr)
    seed_list, path, measure, safety, lr_rule = c.seeds, c.path, c.measure, float(c.safety), c.lr_rule
    window = fit_window_steps(c.fit_window, steps)
    rng = c.rng or ("numpy" if lib.name == "numpy" else "native")
    mode = c.mode
    members = len(seed_list)
    explicit = path == "explicit" and mode != "population-gd"

    # each member holds Sigma, its eigenvectors and a few N x N work arrays while drawing A
    require_memory(8.0 * 4 * members * width * width, f"{members} projections of width {width}",
                   "width or seeds")
    task = choose_modes(float(alpha_q), float(beta_q), width, c.M, c.tail)
    _require_data_memory(c, task, lib, explicit)
    proj = build_projection(task, width, seed_list, keep_matrix=explicit, share=c.share_projection)
    signal, eigs = _build_signal(mode, proj, task, lib, path, seed_list, rng, batch, data)

    eta_lazy = min(lazy_stable_lr(e, batch) for e in np.atleast_2d(eigs))
    eta_default, s_end = default_lr(task.lam, task.w, width, gamma0_f, steps, eta_lazy, lr_rule, safety)
    eta = eta_default if lr_f is None else lr_f

    net = LinearNetwork(lib, members, width, gamma0_f, eta)
    sigma_b, b_b = lib.asarray(proj.sigma), lib.asarray(proj.b)
    yy = proj.yy

    def observe() -> dict[str, np.ndarray]:
        u = net.predictor()
        quad = (u * ((sigma_b @ u[..., None])[..., 0] - 2.0 * b_b)).sum(-1)
        return {"loss": 0.5 * (yy + lib.to_numpy(quad)), "s": lib.to_numpy(net.feature_growth())}

    record_steps = log_spaced_steps(steps, c.record_per_decade)
    guard = BlowUpGuard(eta, advice=f" (default rule: lr = {eta_default:.3g}, predicted s at the end {s_end:.3g})")
    with np.errstate(over="ignore", invalid="ignore"):
        rec = run_loop(lambda: net.step(signal), observe, steps, record_steps, guard, progress=progress)

    curves = rec.curves()
    s_seen = float(np.nanmax(curves["s"])) if "s" in curves and curves["s"].size else 0.0
    stability = eta * (1.0 + 2.0 * s_seen) / eta_lazy
    metadata = {
        "model": "projected two-layer linear network (theory §1)",
        "alpha": str(alpha_q), "beta": str(beta_q), "alpha_value": float(alpha_q),
        "beta_value": float(beta_q), "gamma0": gamma0_f, "training": "rich" if gamma0_f > 0 else "lazy",
        "width": width, "steps": steps, "steps_done": rec.steps[-1] if rec.steps else 0,
        "mode": mode, "batch": batch, "data": data,
        "lr": eta, "lr_source": "user" if lr_f is not None else "default",
        "lr_default": eta_default, "lr_rule": lr_rule, "lr_safety": safety,
        "lr_lazy_max": eta_lazy, "s_end_predicted": s_end, "s_max_seen": s_seen,
        "stability_ratio": stability, "beyond_stability": bool(stability > 1.0),
        "seeds": list(seed_list), "share_projection": c.share_projection,
        "backend": lib.name, "device": lib.device, "path": path if mode != "population-gd" else "population",
        "rng": rng, **task.metadata(), "width_floor": proj.floor.tolist(),
        "measure": measure, "fit_window": list(window),
        "elapsed_s": time.perf_counter() - started,
    }
    result = SimulationResult(
        kind="linear", seeds=seed_list, steps=np.array(rec.steps, dtype=np.int64),
        loss=curves.get("loss", np.zeros((members, 0))), floor=proj.floor, lr=eta,
        fit_window=(float(window[0]), float(window[1])), measure=measure,
        extra={"s": curves.get("s", np.zeros((members, 0)))}, metadata=metadata,
        interrupted=rec.interrupted)
    return result.refit()
