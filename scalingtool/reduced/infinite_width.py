"""Infinite-width gradient flow, lazy and rich (theory §2, "Infinite width" and "Lazy limit").

The mode ODE of :mod:`~scalingtool.reduced.modesolver` on the power-law grid of
:mod:`~scalingtool.reduced.modes` (exact small ``k`` plus log-spaced quadrature up to
``k_max >= 10^30``), on a time grid uniform in ``log t`` (steps proportional to ``t``).
For ``gamma0 = 0`` the result is the closed form ``L = 1/2 sum_k k^(-alpha beta - 1)
exp(-2 eta lambda_k t)`` (see :func:`lazy_closed_form`). The grid's top ``k_max`` is checked
after the run: its mode must still be unlearned (``eta lambda_kmax tau <= 1e-3``, so that the
constant tail ``r`` stands for the modes above it); if not, ``k_max`` is raised and the run
repeated.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..config.reduced import DEFAULT_STEPPING, FlowRun
from ..errors import NumericalError
from .curve import Curve, Progress
from .modes import K_EXACT_DEFAULT, K_MAX_DEFAULT, Spectrum, power_law_spectrum
from .modesolver import integrate_modes, log_grid
from .precision import named_precision

__all__ = ["solve_infinite_width", "run_infinite_flow", "solve_spectrum", "lazy_closed_form", "closed_form",
           "DEFAULT_STEPPING"]

_TOP_LEARNED_MAX = 1e-3


def _initial_top(alpha: Fraction, beta: Fraction, g0: Fraction, eta: Fraction,
                 t_max: Fraction) -> float:
    """``k_max`` from a rough effective time ``tau ~ t (gamma0^2 eta t)^((1-beta)/(1+beta))``.

    theory §3's rich time change (``tau ~ t^(2/(1+beta))`` for hard tasks); the top mode must
    stay unlearned, ``eta k_max^-alpha tau << 1``. The check after the run catches misses.
    """
    t = float(t_max) * float(eta)
    tau = t
    if g0 > 0 and beta < 1:
        tau = t * max(1.0, float(g0) ** 2 * t) ** float((1 - beta) / (1 + beta))
    return max(K_MAX_DEFAULT, (1e6 * tau) ** (1 / float(alpha)))


def solve_spectrum(spec: Spectrum, gamma0: Any, eta: Any, t_max: Any, t_min: Any,
                   points_per_decade: int, substeps: int, estimate_error: bool,
                   progress: Progress, meta: dict[str, Any]) -> Curve:
    """Run the mode solver on ``spec`` over a log grid ``[t_min, t_max]`` and build a :class:`Curve`.

    With ``estimate_error`` the run is repeated with half the step and the returned curve is
    the finer one; ``meta["step_error"]`` is the largest relative change of the loss between
    the two, divided by 3 (the Richardson estimate of the finer run's error for a second
    order scheme).
    """
    be = spec.precision
    with be.context():
        times = log_grid(be, t_min, t_max, points_per_decade)
        runs = [substeps, 2 * substeps] if estimate_error else [substeps]
        total = len(times) * len(runs)
        sols = []
        for j, sub in enumerate(runs):
            offset = j * len(times)
            cb = None if progress is None else (lambda d, _t, o=offset: progress(o + d, total))
            sols.append(integrate_modes(spec, gamma0, eta, times, substeps=sub, progress=cb))
        sol = sols[-1]
        meta = dict(meta, precision=be.name, substeps=runs[-1],
                    steps_per_decade=points_per_decade * runs[-1], grid=dict(spec.info))
        if estimate_error:
            diffs = [abs(a - b) / abs(b) for a, b in zip(sols[0].loss, sols[1].loss)]
            meta["step_error"] = float(max(diffs)) / 3
        exact = {"t": np.array(sol.t, dtype=object), "loss": np.array(sol.loss, dtype=object)} \
            if be.is_mp else {}
        x = be.to_float(np.array(sol.t, dtype=object))
        loss = be.to_float(np.array(sol.loss, dtype=object))
        s = be.to_float(np.array(sol.s, dtype=object))
        tau = be.to_float(np.array(sol.tau, dtype=object))
        top = float(be.scalar(eta) * spec.lam[-1] * sol.tau[-1]) if spec.size else 0.0
    meta["top_mode_learned"] = top
    return Curve("t", x, loss, {"s": s, "tau": tau}, meta, exact)


def lazy_closed_form(alpha: Any, beta: Any, t: Any, eta: Any = 1,
                     precision: str = "float64", **grid: Any) -> np.ndarray:
    """``L(t) = 1/2 sum_k k^(-alpha beta - 1) exp(-2 eta k^-alpha t)`` (theory §2, lazy limit).

    The Python edge of :func:`closed_form` (``alpha``, ``beta``, ``eta``, ``precision`` checked
    once by :class:`~scalingtool.config.FlowRun`); ``grid`` passes to :func:`power_law_spectrum`.
    """
    return closed_form(FlowRun.from_user(alpha=alpha, beta=beta, eta=eta, precision=precision), t, **grid)


def closed_form(config: FlowRun, t: Any, **grid: Any) -> np.ndarray:
    """The lazy closed form of ``config``'s task and step at the times ``t``: the mode sum on the
    solver's grid plus the tail ``r/2``; float64 values."""
    spec = power_law_spectrum(config.alpha, config.beta, named_precision(config.precision), **grid)
    be = spec.precision
    with be.context():
        power = spec.lam * spec.w * spec.w
        rate = spec.lam * (2 * be.scalar(config.eta))
        vals = [(spec.r + spec.msum(power * be.exp(-rate * be.scalar(tv)))) / 2
                for tv in np.atleast_1d(t)]
        return be.to_float(np.array(vals, dtype=object))


def solve_infinite_width(alpha: Any, beta: Any, gamma0: Any = 0, t_max: Any = 1e10,
                         eta: Any = 1, precision: str = "float64",
                         points_per_decade: int | None = None, substeps: int | None = None,
                         t_min: Any = Fraction(1, 100), k_exact: int = K_EXACT_DEFAULT,
                         k_max: float | None = None, nodes_per_decade: int | None = None,
                         estimate_error: bool = False, progress: Progress = None) -> Curve:
    """Loss curve ``L(t)`` of infinite-width gradient flow (theory §2), lazy or rich.

    The Python edge of :func:`run_infinite_flow`: the run's fields are checked once by
    :class:`~scalingtool.config.FlowRun`. ``gamma0 = 0`` is lazy, ``gamma0 > 0`` rich. The curve
    has columns ``s`` (feature growth, ``s(1+s) = gamma0^2 |beta|^2``) and ``tau`` (effective
    time ``int (1+s) dt``). ``t`` runs over ``points_per_decade`` log-spaced points per decade
    from ``t_min/eta`` to ``t_max`` (at most 1e12 in float64, 1e30 with ``precision="mp:DIGITS"``),
    with ``substeps`` steps between points (defaults: :data:`DEFAULT_STEPPING`); halve the step by
    doubling ``substeps``, or pass ``estimate_error=True`` to do so and record the difference.
    ``k_exact``, ``k_max``, ``nodes_per_decade`` set the mode grid (:func:`power_law_spectrum`).
    """
    config = FlowRun.from_user(alpha=alpha, beta=beta, gamma0=gamma0, eta=eta, t_max=t_max, t_min=t_min,
                               precision=precision, points_per_decade=points_per_decade, substeps=substeps,
                               estimate_error=estimate_error)
    return run_infinite_flow(config, progress, k_exact=k_exact, k_max=k_max, nodes_per_decade=nodes_per_decade)


def run_infinite_flow(config: FlowRun, progress: Progress = None, k_exact: int = K_EXACT_DEFAULT,
                      k_max: float | None = None, nodes_per_decade: int | None = None) -> Curve:
    """The infinite-width flow ``config`` describes (its ``width`` is ignored); the grid's top
    ``k_max`` is raised until its mode stays unlearned, unless given (module docstring)."""
    be = named_precision(config.precision)
    alpha, beta, g0, eta = config.alpha, config.beta, config.gamma0, config.eta
    ppd, sub = config.stepping
    top = float(k_max) if k_max is not None else _initial_top(alpha, beta, g0, eta, config.t_max)
    meta = {"solver": "infinite_width", "alpha": alpha, "beta": beta, "gamma0": g0,
            "eta": eta, "training": config.training}
    for _attempt in range(4):
        spec = power_law_spectrum(alpha, beta, be, k_exact=k_exact, k_max=top,
                                  nodes_per_decade=nodes_per_decade)
        curve = solve_spectrum(spec, g0, eta, config.t_max, config.start, ppd, sub, config.estimate_error,
                               progress, meta)
        learned = curve.meta["top_mode_learned"]
        if learned <= _TOP_LEARNED_MAX or k_max is not None:
            return curve
        # raise k_max so that eta lambda_kmax tau_final drops to 1e-6
        top = top * (learned * 1e6) ** (1 / float(alpha))
    raise NumericalError(f"mode grid could not be extended far enough (k_max = {top:.3g})")
