"""The compute frontier: envelope of ``L(t, N)`` at fixed compute (theory §2, §3 "Compute").

For each width ``N`` of a grid, a loss curve ``L(t; N)`` (finite-width gradient flow, lazy or
rich, :mod:`~scalingtool.reduced.finite_width`; or lazy online SGD,
:mod:`~scalingtool.reduced.sgd`, where SGD noise and the finite-width transient matter). At
compute ``C = N^p t^q`` (the paper's ``C = N t`` by default) each width runs for
``t = (C/N^p)^(1/q)``; the envelope is ``L*(C) = min_N L(t(C, N); N)`` (log-log interpolation
of each curve). The optimal width ``N*(C)`` comes from a parabola through the discrete
minimum and its neighbours in ``(log N, log L)``. Only compute values whose optimum is an
interior width of the grid are used for the fitted slopes ``L* ~ C^-e`` and ``N* ~ C^a``
(an optimum at the edge of the grid says the grid is too narrow, not what the law is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ..config.reduced import DYNAMICS, TRAININGS, FlowRun, FrontierRun, LazySgdRun
from ..errors import NumericalError
from ..measure import SlopeFit, fit_slope
from .curve import Curve, Progress
from .finite_width import run_finite_flow
from .sgd import run_sgd

__all__ = ["Frontier", "compute_frontier", "run_frontier", "frontier_curve", "frontier_from_curves",
           "frontier_t_max", "envelope", "TRAININGS", "DYNAMICS"]


@dataclass
class Frontier:
    """Envelope ``L*(C)``, allocation ``N*(C)`` and their fitted exponents."""

    compute: np.ndarray
    loss: np.ndarray
    width: np.ndarray
    interior: np.ndarray
    exponent: SlopeFit | None
    allocation: SlopeFit | None
    curves: dict[int, Curve] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        """Column names of :meth:`to_rows`."""
        return ["C", "loss", "N_opt", "interior"]

    def to_rows(self) -> list[dict[str, float | bool]]:
        """One dict per compute value (ready for CSV or JSON)."""
        return [{"C": float(c), "loss": float(l), "N_opt": float(n), "interior": bool(i)}
                for c, l, n, i in zip(self.compute, self.loss, self.width, self.interior)]


def _interp_log(curve: Curve, t: float) -> float:
    """``log L`` at ``t`` by linear interpolation in ``(log t, log L)``; NaN outside the curve."""
    lt = math.log(t)
    lx = np.log(curve.x)
    if lt < lx[0] or lt > lx[-1]:
        return math.nan
    return float(np.interp(lt, lx, np.log(curve.loss)))


def envelope(curves: dict[int, Curve], compute: np.ndarray, p: float = 1.0, q: float = 1.0
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(L*(C), N*(C), interior)`` over ``compute`` for per-width curves ``{N: L(t)}``."""
    widths = sorted(curves)
    log_n = np.log(np.array(widths, dtype=float))
    best, where, inner = [], [], []
    for c in compute:
        vals = np.array([_interp_log(curves[n], (c / n**p) ** (1.0 / q)) for n in widths])
        if np.all(np.isnan(vals)):
            best.append(math.nan)
            where.append(math.nan)
            inner.append(False)
            continue
        j = int(np.nanargmin(vals))
        ok = 0 < j < len(widths) - 1 and not np.isnan(vals[j - 1]) and not np.isnan(vals[j + 1])
        if ok:
            coeffs = np.polyfit(log_n[j - 1:j + 2], vals[j - 1:j + 2], 2)
            vertex = -coeffs[1] / (2 * coeffs[0]) if coeffs[0] > 0 else log_n[j]
            vertex = float(np.clip(vertex, log_n[j - 1], log_n[j + 1]))
            best.append(math.exp(float(np.polyval(coeffs, vertex))))
            where.append(math.exp(vertex))
        else:
            best.append(math.exp(vals[j]))
            where.append(float(widths[j]))
        inner.append(ok)
    return np.array(best), np.array(where), np.array(inner, dtype=bool)


def frontier_t_max(widths: Sequence[int], alpha: Any) -> float:
    """The default horizon of a frontier: ``min(1e12, 100 N_max^alpha)`` (past the width
    floor of the widest network)."""
    if 2.0 + float(alpha) * math.log10(max(widths)) >= 12.0:  # decided in logs: N^alpha may overflow
        return 1e12
    return min(1e12, 100.0 * max(widths) ** float(alpha))


def _horizon(config: FrontierRun) -> float:
    return float(config.t_max) if config.t_max is not None else frontier_t_max(config.widths, config.alpha)


def frontier_curve(config: FrontierRun, width: int) -> Curve:
    """One width's loss curve of the frontier ``config`` describes (independent of the other
    widths): finite-width gradient flow, or the exact lazy SGD recursion for ``dynamics="sgd"``."""
    t_hi = _horizon(config)
    modes = config.modes_for(width)
    if config.dynamics == "gd":
        return run_finite_flow(FlowRun(config.alpha, config.beta, config.g0, config.eta, Fraction(repr(t_hi)),
                                       width=width, seed=config.seed, modes=modes))
    steps = int(min(10**15, math.ceil(t_hi / float(config.eta))))
    return run_sgd(LazySgdRun(config.alpha, config.beta, config.eta, config.batch, steps, width=width,
                              seed=config.seed, modes=modes))


def frontier_from_curves(curves: dict[int, Curve], p: float = 1.0, q: float = 1.0,
                         compute_per_decade: int = 8, meta: dict[str, Any] | None = None) -> Frontier:
    """The envelope of per-width curves ``{N: L(t)}`` over ``C = N^p t^q`` and its fitted
    exponents (module docstring). Raises :class:`NumericalError` when no optimum is interior."""
    ns = sorted(curves)
    c_lo = min(n**p * float(curves[n].x[0]) ** q for n in ns)
    c_hi = max(n**p * float(curves[n].x[-1]) ** q for n in ns)
    decades = math.log10(c_hi / c_lo)
    compute = np.logspace(math.log10(c_lo), math.log10(c_hi),
                          max(3, int(decades * compute_per_decade) + 1))
    loss, width, interior = envelope(curves, compute, p, q)
    fits = [None, None]
    if np.count_nonzero(interior) >= 3:
        fits = [fit_slope(compute[interior], loss[interior]),
                fit_slope(compute[interior], width[interior])]
    elif np.count_nonzero(interior) == 0:
        raise NumericalError("no compute value has its optimum inside the width grid: "
                             "widen the widths or lengthen t_max")
    return Frontier(compute, loss, width, interior, fits[0], fits[1], curves, meta or {})


def compute_frontier(alpha: Any, beta: Any, widths: Sequence[int], training: str = "rich",
                     dynamics: str = "gd", gamma0: Any = 1, eta: Any = 1, batch: int = 1,
                     t_max: Any = None, seed: int = 0, p: Any = 1, q: Any = 1,
                     compute_per_decade: int = 8, modes_factor: int = 16,
                     progress: Progress = None) -> Frontier:
    """Compute frontier of the finite-width model (theory §2-§3); see the module docstring.

    The Python edge of :func:`run_frontier` (checked once by :class:`~scalingtool.config.FrontierRun`).
    ``training`` is ``"lazy"`` or ``"rich"`` (gradient flow, ``gamma0`` for rich);
    ``dynamics="sgd"`` (lazy only) uses the exact SGD recursion with ``eta`` and ``batch``.
    All widths share the seed, and lazy and rich runs with the same seed share ``A``.
    ``t_max`` defaults to :func:`frontier_t_max`. ``progress(done, total)`` counts widths.
    """
    config = FrontierRun.from_user(alpha=alpha, beta=beta, widths=widths, training=training, dynamics=dynamics,
                                   gamma0=gamma0, eta=eta, batch=batch, t_max=t_max, seed=seed, p=p, q=q,
                                   compute_per_decade=compute_per_decade, modes_factor=modes_factor)
    return run_frontier(config, progress)


def run_frontier(config: FrontierRun, progress: Progress = None) -> Frontier:
    """The frontier ``config`` describes: one curve per width, then their envelope."""
    ns = config.widths
    curves: dict[int, Curve] = {}
    for i, n in enumerate(ns):
        curves[n] = frontier_curve(config, n)
        if progress is not None:
            progress(i + 1, len(ns))
    meta = {"alpha": config.alpha, "beta": config.beta, "training": config.training, "dynamics": config.dynamics,
            "gamma0": config.g0, "eta": config.eta, "batch": config.batch, "seed": config.seed, "p": config.p,
            "q": config.q, "t_max": _horizon(config), "widths": list(ns)}
    return frontier_from_curves(curves, float(config.p), float(config.q), config.compute_per_decade, meta)
