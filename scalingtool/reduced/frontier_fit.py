"""Compute exponent from a term fit of the loss surface ``L(t, N)`` (theory §3 "Compute", §4).

Why not the envelope. :func:`~scalingtool.reduced.frontier.compute_frontier` takes
``min_N L(C/N, N)`` over one random draw of ``A`` per width. For easy and super-easy tasks
(``beta > 1``, theory §3) two things make that envelope slope unreliable at the widths a
sampled solver reaches (``N <= 1024``):

* the finite-width transient ``N^-1 t^-(1-1/alpha)`` that sets the frontier is carried by the
  handful of top eigenmodes of ``Sigma`` at the frontier's times, so it does not self-average:
  ``log10 L(t, N)`` differs from draw to draw by tenths of a decade, and a minimum over
  independent draws picks lucky ones, which moves the envelope slope by about as much as the
  differences it should resolve, depending on which widths are in the grid (measured: docs
  results page 'Implementation measurements');
* along fixed compute the transient falls only like ``N^-(1 - (1-1/alpha))`` while the width
  floor ``N^-alpha`` falls much faster, so the floor keeps pulling the optimum until the
  transient exceeds it by a large factor. For SGD with ``alpha = 2`` (super-easy, noise against
  transient) this needs ``N* >~ 10^3``: the smooth three-term model with measured amplitudes
  approaches its limiting slope 3/4 only over several decades of ``C``.

What this module does instead: it measures each term of theory §3's loss on the sampled surface
and then solves theory §3's max-min with the *measured* exponents.

1. ``L_inf(t)``: the infinite-width curve (exact, theory §2: lazy closed form, rich mode ODE, or
   the SGD recursion), whose late-time slope is the signal exponent ``beta`` in gradient flow
   and ``min(beta, 2 - 1/alpha)`` with SGD noise. Measured over its last decades.
2. ``F(N)``: the ``t -> inf`` floor of each sampled width, exact from the spectrum (``r/2``
   for gradient flow, lazy or rich, since the flow converges to the best predictor in the span;
   ``(r/2)/(1 - S)`` for SGD, ``S`` the stability sum, theory §2). Its slope in ``N`` (averaged
   over seeds) is the width exponent ``alpha min(beta, 1)``.
3. The transient: ``L(t, N) ~= L_inf(t) + F(N) + B N^-m t^-q`` fitted (Gauss-Newton on
   ``log L``, free ``B``, ``m``, ``q``) to the seed-averaged surface on
   ``t_min <= t <= N^alpha / cut`` (before the finite-width cut-off of the signal at
   ``t ~ N^alpha``). theory §3 predicts ``m = 1``, ``q = 1 - 1/alpha`` for ``beta > 1``.
4. Max-min (theory §3): with ``C = N^p t^q``, ``t = C^(x/q)``, ``N = C^((1-x)/p)``, each term is
   ``C^-(a_i x/q + b_i (1-x)/p)``; ``e = max_x min_i (...)``, with ``N* ~ C^((1-x*)/p)``.

The error bar is a jackknife over seeds (leave one seed out, refit everything) and the
``drift`` when the window's end moves down by a decade (theory §4: a measurement reports its
convergence figure). Its cost grows with the widths and seeds (measured: docs results page
'Implementation measurements').
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ..config.reduced import DEFAULT_FIT_WIDTHS, DEFAULT_STEPPING, FlowRun, FrontierFitRun, LazySgdRun, ProjectedTask
from ..errors import NumericalError, UsageError
from ..measure import fit_slope, local_exponent
from ..theory.maxmin import optimum
from .finite_width import projection_spectrum
from .infinite_width import closed_form, run_infinite_flow, solve_spectrum
from .modes import Spectrum
from .sgd import run_sgd, solve_sgd_spectrum, stability_sum

__all__ = ["DEFAULT_WIDTHS", "Term", "FrontierFit", "maxmin_exponent", "fit_transient", "fit_frontier",
           "run_frontier_fit"]

_POINTS_PER_DECADE = 20
#: default widths by capacity (:data:`~scalingtool.config.reduced.DEFAULT_FIT_WIDTHS`)
DEFAULT_WIDTHS = DEFAULT_FIT_WIDTHS


@dataclass(frozen=True)
class Term:
    """One term ``amplitude * t^-time_exponent * N^-width_exponent`` of the loss (theory §3)."""

    name: str
    time_exponent: float
    width_exponent: float
    amplitude: float = math.nan


@dataclass
class FrontierFit:
    """Compute exponent ``L* ~ C^-exponent`` and allocation ``N* ~ C^allocation`` (theory §3).

    ``terms`` are the measured terms; ``binding`` the terms equal at the optimum; ``spread``
    the largest jackknife deviation of ``exponent`` over seeds (``nan`` with one seed);
    ``drift`` the change of ``exponent`` when the transient window ends a decade earlier;
    ``rms`` the root-mean-square of ``log L`` residuals of the surface fit.
    """

    exponent: float
    allocation: float
    time_allocation: float
    binding: tuple[str, ...]
    terms: dict[str, Term]
    spread: float
    drift: float
    rms: float
    jackknife: list[float] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {"exponent": self.exponent, "allocation": self.allocation,
                "time_allocation": self.time_allocation, "binding": list(self.binding),
                "terms": {k: {"time_exponent": v.time_exponent,
                              "width_exponent": v.width_exponent, "amplitude": v.amplitude}
                          for k, v in self.terms.items()},
                "spread": self.spread, "drift": self.drift, "rms": self.rms,
                "jackknife": list(self.jackknife),
                "meta": {k: (str(v) if isinstance(v, Fraction) else v)
                         for k, v in self.meta.items()}}


def maxmin_exponent(terms: Sequence[Term], p: float = 1.0, q: float = 1.0
                    ) -> tuple[float, float, float, tuple[str, ...]]:
    """theory §3 max-min: ``(e, N-allocation, t-allocation, binding terms)`` for ``C = N^p t^q``.

    With ``t = C^(x/q)``, ``N = C^((1-x)/p)`` term ``i`` is ``C^-(a_i x/q + b_i (1-x)/p)``;
    ``e = max over x in [0, 1] of min_i``. The minimum of lines is concave, so its maximum is at
    an end or where two lines cross; all those candidates are tried.
    """
    if not terms:
        raise UsageError("maxmin_exponent: expected at least one term")
    if not (p > 0 and q > 0):
        raise UsageError(f"p = {p}, q = {q}: expected positive compute powers")
    best = optimum([(Fraction(t.time_exponent), Fraction(t.width_exponent)) for t in terms],
                   Fraction(p), Fraction(q), tuple(t.name for t in terms))
    if best.t_star is None:
        raise UsageError("maxmin_exponent: the optimal allocation is not unique for these terms")
    return float(best.exponent), float(best.n_star), float(best.t_star), best.active



def fit_transient(t: np.ndarray, widths: np.ndarray, loss: np.ndarray, base: np.ndarray,
                  iterations: int = 60) -> tuple[float, float, float, float]:
    """Fit ``loss ~= base + B N^-m t^-q`` in ``log loss``; returns ``(B, m, q, rms)``.

    ``t``, ``widths``, ``loss``, ``base`` are flat arrays of the same length (``base`` =
    ``L_inf(t) + F(N)``, measured, not fitted). Levenberg-Marquardt on ``(log B, m, q)``
    started from a linear fit of ``log(loss - base)`` where it is positive.
    """
    lt, ln, ll = np.log(t), np.log(widths), np.log(loss)
    extra = loss - base
    pos = extra > 0.5 * loss
    if np.count_nonzero(pos) < 4:
        pos = extra > 0
    if np.count_nonzero(pos) < 4:
        raise NumericalError("the finite-width transient is not visible above L_inf + floor "
                             "on the fit window (theory §3 puts it at beta > 1): widen the window")
    design = np.column_stack([np.ones(np.count_nonzero(pos)), -ln[pos], -lt[pos]])
    theta = np.linalg.lstsq(design, np.log(extra[pos]), rcond=None)[0]

    def residual(th: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        term = np.exp(th[0] - th[1] * ln - th[2] * lt)
        model = base + term
        jac = (term / model)[:, None] * np.column_stack([np.ones_like(lt), -ln, -lt])
        return np.log(model) - ll, jac

    res, jac = residual(theta)
    cost, mu = float(res @ res), 1e-3
    for _ in range(iterations):
        jtj, grad = jac.T @ jac, jac.T @ res
        step = np.linalg.solve(jtj + mu * np.diag(np.diag(jtj) + 1e-12), -grad)
        trial = theta + step
        res_t, jac_t = residual(trial)
        cost_t = float(res_t @ res_t)
        if cost_t < cost:
            theta, res, jac, cost, mu = trial, res_t, jac_t, cost_t, mu / 3
            if np.max(np.abs(step)) < 1e-10:
                break
        else:
            mu *= 10
            if mu > 1e12:
                break
    return float(math.exp(theta[0])), float(theta[1]), float(theta[2]), \
        float(math.sqrt(cost / len(ll)))


def _interp(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``y(at)`` by linear interpolation in ``(log x, log y)``."""
    return np.exp(np.interp(np.log(at), np.log(x), np.log(y)))


def _surface(spec: Spectrum, training: str, dynamics: str, g0: Fraction, eta: Fraction,
             batch: int, times: np.ndarray) -> tuple[np.ndarray, float]:
    """``(L(times), floor)`` at one width and draw (theory §2, N-space form or SGD recursion)."""
    lam = spec.precision.to_float(spec.lam)
    w = spec.precision.to_float(spec.w)
    r = float(spec.r)
    if dynamics == "sgd":
        steps = int(math.ceil(float(times[-1]) / float(eta))) + 1
        curve = solve_sgd_spectrum(spec, eta, batch, steps, _POINTS_PER_DECADE, 1, {})
        floor = 0.5 * r / (1.0 - stability_sum(spec, eta, batch))
        return _interp(curve.x, curve.loss, times), floor
    if training == "lazy":
        power = lam * w * w
        rate = 2.0 * float(eta) * lam
        loss = np.array([0.5 * (r + float(np.sum(power * np.exp(-rate * tv)))) for tv in times])
        return loss, 0.5 * r
    ppd, sub = DEFAULT_STEPPING["float64"]
    curve = solve_spectrum(spec, g0, eta, Fraction(float(times[-1] * 1.001)),
                           Fraction(float(times[0] * 0.999)), ppd, sub, False, None, {})
    return _interp(curve.x, curve.loss, times), 0.5 * r


def _infinite(alpha: Fraction, beta: Fraction, training: str, dynamics: str, g0: Fraction,
              eta: Fraction, batch: int, t_end: float) -> tuple[np.ndarray, np.ndarray]:
    """The infinite-width curve ``(t, L_inf)`` up to ``t_end`` (theory §2)."""
    if dynamics == "sgd":
        curve = run_sgd(LazySgdRun(alpha, beta, eta, batch, int(math.ceil(t_end / float(eta))) + 1))
        return curve.x, curve.loss
    if training == "lazy":
        t = np.logspace(-1, math.log10(t_end), int(_POINTS_PER_DECADE * (math.log10(t_end) + 1)))
        return t, closed_form(FlowRun(alpha, beta, eta=eta), t)
    curve = run_infinite_flow(FlowRun(alpha, beta, g0, eta, Fraction(repr(t_end))))
    return curve.x, curve.loss


def _one_fit(times: np.ndarray, ns: list[int], mean_loss: np.ndarray, mean_floor: np.ndarray,
             inf_t: np.ndarray, inf_l: np.ndarray, alpha: float, t_min: float, cut: float,
             signal_exponent: float, p: float, q: float, dominance: float
             ) -> tuple[float, float, float, tuple[str, ...], dict[str, Term], float]:
    """Fit the floor and the transient on seed-averaged data, then solve the max-min."""
    width_fit = fit_slope(np.array(ns, dtype=float), mean_floor)
    linf = _interp(inf_t, inf_l, times)
    pts_t, pts_n, pts_l, pts_b = [], [], [], []
    for i, n in enumerate(ns):
        keep = (times >= t_min) & (times <= n ** alpha / cut)
        keep &= mean_loss[i] - linf - mean_floor[i] >= dominance * mean_loss[i]
        pts_t.append(times[keep])
        pts_n.append(np.full(np.count_nonzero(keep), float(n)))
        pts_l.append(mean_loss[i, keep])
        pts_b.append(linf[keep] + mean_floor[i])
    amp, m, qt, rms = fit_transient(np.concatenate(pts_t), np.concatenate(pts_n),
                                    np.concatenate(pts_l), np.concatenate(pts_b))
    terms = {"time": Term("time", signal_exponent, 0.0),
             "width": Term("width", 0.0, -width_fit.slope, math.exp(width_fit.intercept)),
             "transient": Term("transient", qt, m, amp)}
    e, a_n, a_t, binding = maxmin_exponent(list(terms.values()), p, q)
    return e, a_n, a_t, binding, terms, rms


def fit_frontier(alpha: Any, beta: Any, widths: Sequence[int] | None = None,
                 training: str = "lazy", dynamics: str = "gd", gamma0: Any = 1, eta: Any = 1,
                 batch: int = 1, seeds: Sequence[int] = (0, 1, 2), p: Any = 1, q: Any = 1,
                 t_min: Any = 10, cut: Any = 100, dominance: Any = Fraction(1, 2),
                 modes_factor: int = 16) -> FrontierFit:
    """Measure the compute exponent of an easy or super-easy task by a term fit (theory §3).

    The Python edge of :func:`run_frontier_fit` (checked once by :class:`~scalingtool.config.FrontierFitRun`).
    See the module docstring for the procedure. ``training`` is ``"lazy"`` or ``"rich"``
    (gradient flow; ``gamma0`` for rich), ``dynamics="sgd"`` (lazy only) uses the exact SGD
    recursion with ``eta`` and ``batch`` (theory §2). Each width is sampled with every seed of
    ``seeds`` (the same seeds give the same ``A`` as :func:`~scalingtool.reduced.
    finite_width.finite_width_spectrum`); the loss is averaged over seeds. The transient is
    fitted on ``t_min <= t <= N^alpha/cut``; ``drift`` repeats it with ``cut * 10``. The
    compute convention is ``C = N^p t^q`` (theory §3, paper's default ``p = q = 1``).
    ``widths=None`` takes :data:`DEFAULT_WIDTHS` (by ``alpha``). The fit uses only points where the transient carries at
    least ``dominance`` of the loss (``L - L_inf - F >= dominance L``).
    Meant for ``beta > 1``: for hard tasks the transient ties with the other terms (theory §3)
    and :func:`~scalingtool.reduced.frontier.compute_frontier` is the right tool.
    """
    config = FrontierFitRun.from_user(alpha=alpha, beta=beta, widths=widths, training=training, dynamics=dynamics,
                                      gamma0=gamma0, eta=eta, batch=batch, seeds=seeds, p=p, q=q, t_min=t_min,
                                      cut=cut, dominance=dominance, modes_factor=modes_factor)
    return run_frontier_fit(config)


def run_frontier_fit(config: FrontierFitRun) -> FrontierFit:
    """The term fit ``config`` describes (module docstring)."""
    alpha_q, beta_q, training, dynamics = config.alpha, config.beta, config.training, config.dynamics
    a = float(alpha_q)
    ns = list(config.grid)
    g0, eta_q, b, seed_list = config.g0, config.eta, config.batch, list(config.seeds)
    pe, qe = float(config.p), float(config.q)
    t_min, cut, dominance = float(config.t_min), float(config.cut), float(config.dominance)
    t_end = config.window_end
    times = np.logspace(math.log10(t_min), math.log10(t_end),
                        int(_POINTS_PER_DECADE * math.log10(t_end / t_min)) + 1)
    loss = np.full((len(seed_list), len(ns), len(times)), np.nan)
    floor = np.zeros((len(seed_list), len(ns)))
    for j, n in enumerate(ns):
        keep = times <= n ** a / cut * (1 + 1e-12)
        if np.count_nonzero(keep) < 2:
            raise UsageError(f"width {n} has no transient window: N^alpha/cut = "
                             f"{n ** a / cut:.3g} is below t_min = {t_min:g}")
        for i, seed in enumerate(seed_list):
            spec = projection_spectrum(ProjectedTask(alpha_q, beta_q, n, seed, config.modes_for(n)))
            loss[i, j, keep], floor[i, j] = _surface(spec, training, dynamics, g0, eta_q, b,
                                                     times[keep])
    t_inf = max(1e10, 1e3 * t_end)
    inf_t, inf_l = _infinite(alpha_q, beta_q, training, dynamics, g0, eta_q, b, t_inf)
    signal = local_exponent(inf_t, inf_l, decades=2.0, tolerance=1e-2)
    if signal.value is None:
        raise NumericalError(f"the infinite-width curve has not converged to a power law by "
                             f"t = {t_inf:.3g}: {signal.reason}")

    def solve(rows: list[int], cut_used: float
              ) -> tuple[float, float, float, tuple[str, ...], dict[str, Term], float]:
        ml = np.mean(loss[rows], axis=0)     # NaN past a width's window, same for all seeds
        mf = np.mean(floor[rows], axis=0)
        return _one_fit(times, ns, np.where(np.isnan(ml), 1.0, ml), mf, inf_t, inf_l, a,
                        t_min, cut_used, float(signal.value), pe, qe, dominance)

    every = list(range(len(seed_list)))
    e, a_n, a_t, binding, terms, rms = solve(every, cut)
    try:
        e_short = solve(every, cut * 10)[0]
    except NumericalError:
        e_short = math.nan                  # the shorter window holds no transient
    jack = [solve([k for k in every if k != i], cut)[0] for i in every] \
        if len(every) > 1 else []
    spread = max(abs(v - e) for v in jack) if jack else math.nan
    drift = abs(e_short - e) if math.isfinite(e_short) else math.inf
    meta = {"alpha": alpha_q, "beta": beta_q, "training": training, "dynamics": dynamics,
            "gamma0": g0, "eta": eta_q, "batch": b, "widths": ns, "seeds": seed_list,
            "p": pe, "q": qe, "t_min": t_min, "cut": cut, "window_end": t_end,
            "signal_window": signal.window}
    return FrontierFit(e, a_n, a_t, binding, terms, spread, drift, rms, jack, meta)
