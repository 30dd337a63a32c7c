"""The reduced tier: exponents measured on the exact reduced dynamics (theory §2, §4).

Every case states its tolerance and the reason for it. Measurements use the local slope
of theory §4 over the last decades of the curve; a measurement that has not converged
fails with its reason instead of returning a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from fractions import Fraction as F
from typing import Any

from .. import reduced
from ..config import DataCurveRun, FlowRun, FrontierFitRun, FrontierRun, LazySgdRun, WidthCurveRun
from ..measure import local_exponent
from ..reduced import run_frontier, run_frontier_fit
from ..theory import exponents
from ..work import Part
from .plan import TierPlan
from .checks import Check, judge
from .theory_tier import case_name

__all__ = ["Case", "cases", "reduced_plan", "measure_case", "term_fit"]

_WIDTHS = [int(10 ** (k / 4)) for k in range(12, 25)]  # 1e3 .. 1e6, 4 per decade
_MP_WIDTHS = [10 ** k for k in range(8, 13)]  # 1e8 .. 1e12 at 30 digits


@dataclass(frozen=True)
class Case:
    """One measured exponent: what is solved, the window, and the tolerance with its reason."""

    quantity: str          # time | width | data | compute | n_star
    alpha: F
    beta: F
    training: str
    dynamics: str          # gd | sgd
    tolerance: float
    reason: str
    quick: bool = True
    precision: str = "float64"
    top: int = 1024  # the widest network of a frontier


    @property
    def name(self) -> str:
        name = case_name(self.alpha, self.beta, self.training, self.dynamics)
        if self.precision != "float64":
            name += f" {self.precision}"
        if self.quantity in ("compute", "n_star") and self.beta <= 1:
            name += f" N<={self.top}"
        return name


# Tolerances and their reasons (numbers from `scalingtool solve` and the measurements
# recorded when the reduced tier was built):
_LAZY_GD = "exact power law of the closed form; drift < 1e-6 over [1e8, 1e10]"
_RICH_GD = ("rich slopes converge slowly (theory §4): ~5e-4 off at t = 1e10 for alpha = 2, "
            "beta = 1/2, and 1e-3..3e-3 (non-monotone) for alpha = 3, beta = 0.8")
_SGD = "SGD recursion (eta = 0.3, batch 1) over [1e6, 1e8] steps: drift <= 1e-3"
_WIDTH = ("deterministic equivalents over N, P = 1e5..1e6 (kappa >= 1e-12 keeps float64 "
          "accurate there): drift < 3e-4")
_WIDTH_MP = "mpmath at 30 digits over N = 1e10..1e12: drift ~1e-9"
_FRONTIER = ("finite widths N = 16..1024 and one draw of A: theory §2 measures -0.392 rich and "
             "-0.328 lazy against 0.400 and 0.333")
_FRONTIER_SMALL = "widths N = 16..256, one draw of A: measured 0.344 lazy and 0.402 rich"
_ALLOCATION = "N* of the envelope at N <= 1024 is pre-asymptotic: 0.31 lazy, 0.37 rich"
_TERM_FIT = ("term fit on the seed-averaged surface (3 seeds): the transient approaches its "
             "form slowly (relative correction t^-(beta-1)); bias up to +0.015, spread ~0.013")


def cases(quick: bool) -> list[Case]:
    """The default grid: hard, easy and super-easy; lazy and rich; time, width, data, compute."""
    hard, easy, superb = (F(2), F(1, 2)), (F(3), F(5, 4)), (F(2), F(3))
    out = []
    for a, b in (hard, easy, superb, (F(3, 2), F(3, 10)), (F(3), F(4, 5))):
        named = (a, b) in (hard, easy, superb)
        out.append(Case("time", a, b, "lazy", "gd", 1e-3, _LAZY_GD, named))
        out.append(Case("time", a, b, "rich", "gd", 5e-3 if b < 1 else 1e-3,
                        _RICH_GD if b < 1 else _LAZY_GD, named))
    out += [Case("time", F(2), F(3), "lazy", "sgd", 3e-3, _SGD),
            Case("time", F(3), F(5, 2), "lazy", "sgd", 3e-3, _SGD, False)]
    for a, b in (hard, easy, superb):
        out.append(Case("width", a, b, "lazy", "gd", 1e-3, _WIDTH))
        out.append(Case("data", a, b, "lazy", "gd", 1e-3, _WIDTH))
    out.append(Case("width", F(2), F(1, 2), "lazy", "gd", 1e-6, _WIDTH_MP, False, "mp:30"))
    out += [Case("compute", F(2), F(1, 2), "lazy", "gd", 0.02, _FRONTIER_SMALL, top=256),
            Case("compute", F(2), F(1, 2), "rich", "gd", 0.02, _FRONTIER_SMALL, top=256),
            Case("compute", F(2), F(1, 2), "lazy", "gd", 0.02, _FRONTIER, False),
            Case("compute", F(2), F(1, 2), "rich", "gd", 0.025, _FRONTIER, False),
            Case("n_star", F(2), F(1, 2), "lazy", "gd", 0.05, _ALLOCATION, False),
            Case("n_star", F(2), F(1, 2), "rich", "gd", 0.05, _ALLOCATION, False),
            Case("compute", F(3), F(5, 4), "lazy", "gd", 0.035, _TERM_FIT),
            Case("compute", F(2), F(3), "lazy", "sgd", 0.035, _TERM_FIT, False),  # widths to 1024: full grid only
            Case("n_star", F(2), F(3), "lazy", "sgd", 0.04, _TERM_FIT, False),
            Case("compute", F(3), F(5, 4), "rich", "gd", 0.035, _TERM_FIT, False),
            Case("n_star", F(3), F(5, 4), "lazy", "gd", 0.04, _TERM_FIT, False)]
    return [c for c in out if c.quick or not quick]


def measure_case(case: Case) -> tuple[float | None, str]:
    """The measured exponent of ``case`` and a note (window, drift or why it failed)."""
    gamma0 = 1 if case.training == "rich" else 0
    if case.quantity == "time":
        if case.dynamics == "gd":
            curve = reduced.run_infinite_flow(FlowRun.from_user(alpha=case.alpha, beta=case.beta, gamma0=gamma0,
                                                                t_max=10**10))
        else:
            curve = reduced.run_sgd(LazySgdRun.from_user(alpha=case.alpha, beta=case.beta, eta=F(3, 10), batch=1,
                                                         steps=10**8))
        m = local_exponent(curve.x, curve.loss, decades=2, tolerance=case.tolerance)
    elif case.quantity in ("width", "data"):
        mp = case.precision != "float64"
        sizes = _MP_WIDTHS if mp else _WIDTHS
        if case.quantity == "width":
            curve = reduced.run_width_curve(WidthCurveRun.from_user(alpha=case.alpha, beta=case.beta, widths=sizes,
                                                                    precision=case.precision))
        else:
            curve = reduced.run_data_curve(DataCurveRun.from_user(alpha=case.alpha, beta=case.beta, sizes=sizes,
                                                                  precision=case.precision))
        m = local_exponent(curve.x, curve.loss, decades=2 if mp else 1, tolerance=case.tolerance)
    elif case.beta <= 1:  # hard: the envelope of the frontier (the transient ties, theory §3)
        frontier = _envelope(case.alpha, case.beta, case.training, case.dynamics, case.top)
        fit = frontier.exponent if case.quantity == "compute" else frontier.allocation
        if fit is None:
            return None, "frontier has too few interior points"
        value = -fit.slope if case.quantity == "compute" else fit.slope
        return value, f"envelope slope over {fit.points} points, stderr {fit.stderr:.2g}"
    else:  # easy and super-easy: the term fit (single-draw envelopes are too noisy here)
        fit = term_fit(case.alpha, case.beta, case.training, case.dynamics)
        value = fit.exponent if case.quantity == "compute" else fit.allocation
        return value, (f"term fit, binding {'+'.join(fit.binding)}, seed spread {fit.spread:.2g}, "
                       f"drift {fit.drift:.2g}")
    note = f"window [{m.window[0]:.3g}, {m.window[1]:.3g}], drift {m.drift:.2g}"
    return (m.value, note) if m.converged else (None, m.reason)


@lru_cache(maxsize=None)
def _envelope(alpha: F, beta: F, training: str, dynamics: str, top: int) -> Any:
    """One frontier (widths 16..top, doubling) serves both its exponent and its allocation;
    SGD (lazy) with eta = 0.3, batch 1 on the exact recursion."""
    widths = [16 * 2 ** k for k in range(7) if 16 * 2 ** k <= top]
    return run_frontier(FrontierRun.from_user(alpha=alpha, beta=beta, widths=widths, training=training,
                                              dynamics=dynamics, gamma0=1, eta=F(3, 10) if dynamics == "sgd" else 1))


@lru_cache(maxsize=None)
def term_fit(alpha: F, beta: F, training: str, dynamics: str) -> Any:
    """The term fit of the loss surface (3 seeds), cached: one fit serves every quantity."""
    return run_frontier_fit(FrontierFitRun.from_user(alpha=alpha, beta=beta, training=training, dynamics=dynamics,
                                                     gamma0=1, eta=F(3, 10) if dynamics == "sgd" else 1))


def _predicted(case: Case) -> F:
    return getattr(exponents(case.alpha, case.beta, "sgd" if case.dynamics == "sgd" else "gd")
                   .training(case.training), case.quantity)


def _measure_all(group: tuple[Case, ...]) -> list[tuple[float | None, str]]:
    return [measure_case(case) for case in group]


def _cost(case: Case) -> float:
    """Rough seconds on one core (measured on the full grid), to start the longest first."""
    if case.quantity == "time":
        return 0.3 if case.dynamics == "gd" else 0.05
    if case.quantity in ("width", "data"):
        return 2.0 if case.precision != "float64" else 0.01
    if case.beta <= 1:
        return 3.0 if case.top > 256 else 0.5
    return 7.0 if case.dynamics == "sgd" else 3.0


def reduced_plan(quick: bool = False) -> TierPlan:
    """Measured against predicted for every case of :func:`cases`: one part per case, except
    that the compute and n_star cases of one frontier or term fit share a part."""
    todo = cases(quick)
    groups: dict[object, list[Case]] = {}
    for case in todo:
        shared = case.quantity in ("compute", "n_star")
        groups.setdefault((case.alpha, case.beta, case.training, case.dynamics, case.top) if shared else case,
                          []).append(case)
    parts = [Part.of(f"{g[0].name} {'+'.join(c.quantity for c in g)}", partial(_measure_all, tuple(g)),
                     _cost(g[0])) for g in groups.values()]

    def assemble(results: list) -> list[Check]:
        measured = {case: m for g, ms in zip(groups.values(), results) for case, m in zip(g, ms)}
        return [judge("reduced", case.name, case.quantity, _predicted(case), measured[case][0],
                      case.tolerance, f"{measured[case][1]}; tolerance: {case.reason}") for case in todo]

    return TierPlan(parts, assemble)
