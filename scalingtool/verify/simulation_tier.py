"""The simulation tier: the real network against the theory and the reduced dynamics.

* feature learning improves a hard task's time exponent by the predicted margin
  (``2 beta/(1+beta) - beta``) and leaves an easy task's unchanged (theory §3);
* the network under small-step gradient descent on the population loss follows the exact
  reduced dynamics (theory §2) of the *same* projection ``A`` within 1%, lazy and rich;
* the lazy online-SGD loss, averaged over seeds on one ``A``, matches the exact
  finite-width SGD recursion of theory §2 within its statistical error;
* (full tier) a ReLU network with four hidden layers on the circle, trained by online SGD on
  a hard target, gains the predicted margin in its time exponent from feature learning
  (theory §5; the measured study is on the results pages of the documentation); skipped
  without PyTorch.
"""

from __future__ import annotations

import importlib.util
from fractions import Fraction as F
from functools import partial

import numpy as np

from ..reduced.finite_width import spectrum_from_projection
from ..reduced.infinite_width import solve_spectrum
from ..reduced.sgd import solve_sgd_spectrum
from ..simulate import simulate_linear
from ..simulate.projection import build_projection
from ..simulate.relu_mlp import simulate_relu_mlp
from ..simulate.slope import late_exponents, paired_difference
from ..simulate.task import choose_modes
from ..theory import exponents
from ..work import Part
from .plan import TierPlan
from .checks import SKIP, Check, judge

__all__ = ["simulation_plan"]

_RICH = 2.0  # gamma0 of the rich runs (simulate.RICH_GAMMA0: rich slope from tau ~ 1)


#: the two margin tasks: (alpha, beta), width (quick, full), tolerance and its reason
_MARGIN_TASKS = (
    # quick: the hard task at N = 256 (its many feature modes make N = 512 too slow for the quick tier);
    # the easy task keeps N = 512, where its finite-width shift (0.08) is well inside 0.15
    ((F(2), F(1, 2)), (256, 1024), 0.05,
     "population GD: margin 0.135 at N = 256 (quick, 2 seeds), 0.161 at N = 512; apart from no "
     "gain (0), not from the 1/8 of a first-order time change (seed spread ~0.04): the reduced "
     "tier checks the rich law to 5e-3"),
    ((F(3), F(5, 4)), (512, 1024), 0.15,
     "equal asymptotically; at finite N the transient and the O(1) kernel growth "
     "s ~ gamma0^2 |w*|^2 shift the window (0.08 at N = 512)"),
)


def _margin_settings(quick: bool) -> tuple[int, int]:
    return (1500, 2) if quick else (3000, 3)


def _exponent(alpha: F, beta: F, gamma0: float, width: int, quick: bool) -> tuple[float, float]:
    """Mean and spread over seeds of one network's measured time exponent."""
    steps, seeds = _margin_settings(quick)
    run = simulate_linear(alpha, beta, gamma0, width=width, steps=steps, seeds=seeds).completed()
    return float(run.exponent_mean), float(run.exponent_spread)


def _margin_parts(quick: bool) -> list[Part]:
    """One part per task and training (the rich runs are the tier's longest; each part's
    ``cost`` is its rough duration, docs results page 'Implementation measurements')."""
    parts = []
    for (a, b), widths, _, _ in _MARGIN_TASKS:
        width = widths[0] if quick else widths[1]
        for training, gamma0, cost in (("rich", _RICH, 60.0), ("lazy", 0.0, 22.0 if b < 1 else 8.0)):
            parts.append(Part.of(f"alpha={a} beta={b} N={width} {training}",
                                 partial(_exponent, a, b, gamma0, width, quick), cost))
    return parts


def _margin_rows(quick: bool, measured: list[tuple[float, float]]) -> list[Check]:
    """Rich minus lazy against the theory, from the (rich, lazy) pairs of :func:`_margin_parts`."""
    _, seeds = _margin_settings(quick)
    checks = []
    for k, ((a, b), widths, tolerance, reason) in enumerate(_MARGIN_TASKS):
        width = widths[0] if quick else widths[1]
        (rich, rich_sd), (lazy, lazy_sd) = measured[2 * k], measured[2 * k + 1]
        theory = exponents(a, b, "gd")
        checks.append(judge("simulation", f"alpha={a} beta={b} N={width} seeds={seeds}",
                            "rich - lazy time exponent", theory.rich.time - theory.lazy.time, rich - lazy,
                            tolerance, f"lazy {lazy:.3f}+-{lazy_sd:.3f}, rich {rich:.3f}+-{rich_sd:.3f}; "
                            f"{reason}"))
    return checks


def _reduced_of(proj, i: int, width: int):
    return spectrum_from_projection(proj.sigma[i], proj.b[i], float(2 * proj.floor[i]), width)


def _follow_checks() -> list[Check]:
    alpha, beta, width, modes, seeds, steps, lr = 2.0, 0.5, 24, 200, (11,), 6000, 1e-3
    checks = []
    for gamma0 in (0.0, 1.5):
        result = simulate_linear(alpha, beta, gamma0, width=width, steps=steps, seeds=seeds, M=modes,
                                 tail="truncated", lr=lr, rng="numpy").completed()
        proj = build_projection(choose_modes(alpha, beta, width, modes, "truncated"), width, seeds)
        spec = _reduced_of(proj, 0, width)
        t = result.time
        curve = solve_spectrum(spec, F(gamma0).limit_denominator(1000), 1, F(6), F(1, 100), 40, 8,
                               False, None, {})
        keep = t >= 0.05
        ref = np.exp(np.interp(np.log(t[keep]), np.log(curve.x), np.log(curve.loss)))
        worst = float(np.max(np.abs(result.loss[0, keep] / ref - 1)))
        training = "rich" if gamma0 else "lazy"
        checks.append(judge("simulation", f"alpha=2 beta=1/2 N={width} {training}",
                            "max |L_net/L_reduced - 1|", 0.0, worst, 0.01,
                            "GD step eta = 1e-3 to t = 6 against the exact reduced ODE of the same A; "
                            "first-order GD error ~ eta d_max/2 per unit time, a 1% bound"))
    return checks


def _sgd_check(quick: bool) -> Check:
    alpha, beta, width, modes, batch, lr = 2.0, 3.0, 32, 256, 4, 0.2
    steps, seeds = (2000, 64) if quick else (5000, 200)
    result = simulate_linear(alpha, beta, 0, width=width, steps=steps, batch=batch, seeds=seeds,
                             M=modes, tail="truncated", lr=lr, rng="numpy", share_projection=True).completed()
    proj = build_projection(choose_modes(alpha, beta, width, modes, "truncated"), width, (0,), share=True)
    spec = _reduced_of(proj, 0, width)
    curve = solve_sgd_spectrum(spec, F(lr).limit_denominator(1000), batch, steps, 20, 1, {})
    late = result.steps >= steps / 10
    ref = np.interp(result.steps[late], curve.columns["steps"], curve.loss)
    mean = result.loss[:, late].mean(axis=0)
    err = result.loss[:, late].std(axis=0, ddof=1) / np.sqrt(seeds)
    z = float(np.max(np.abs(mean - ref) / err))
    # The bound is the largest of ~20 correlated |z| over the late steps, each from a skewed
    # (chi-square-like) loss averaged over 64-200 seeds: over 20 disjoint sets of 64 seeds the
    # statistic reached 4.2-4.7 three times and never 5, so 4 failed a correct run about one
    # time in seven. Against the same 64 seeds a recursion with half the noise (batch 8) gives
    # 6.5 and one without noise 12.7: 5 still tells the right recursion from those.
    return judge("simulation", f"alpha=2 beta=3 N={width} B={batch} seeds={seeds}",
                 "max |mean - recursion| / stderr", 0.0, z, 5.0,
                 "lazy online SGD on one A against the exact finite-width recursion (theory §2); "
                 "5 standard errors over the late steps")


#: the ReLU network of the nonlinear row (theory §5; the depth at which the ReLU MLP study of the
#: results pages measured the predicted gain), kept small enough for the full tier: width 128, t up to ~1.3e2
_RELU = {"beta": "1/4", "depth": 4, "width": 128, "steps": 400, "modes": 128, "batch": 64,
         "kernel_points": 256, "alpha_range": (4, 32), "max_substeps": 4096}
_RELU_SEEDS = (0, 1, 2, 3, 4, 5)


def _relu_run(seed: int, gamma0: float) -> tuple[float, float, float] | None:
    """One seed's time exponent over the last decade of ``t``, with the capacity measured from
    its initial kernel and the source derived from it; None without PyTorch."""
    if importlib.util.find_spec("torch") is None:
        return None
    run = simulate_relu_mlp(_RELU["beta"], gamma0, seeds=[seed], **{k: v for k, v in _RELU.items() if k != "beta"})
    run = run.completed()
    time = np.asarray(run.time, float)
    exponent = float(late_exponents(time, run.loss, float(time[-1]))[0][0])
    return exponent, float(run.metadata["alpha_mean"]), float(run.metadata["beta_derived_mean"])


def _relu_parts() -> list[Part]:
    """One part per seed and training (the rich runs far longer than the lazy; each part's
    ``cost`` is its rough duration, docs results page 'Implementation measurements')."""
    return [Part.of(f"relu depth={_RELU['depth']} seed={seed} {training}", partial(_relu_run, seed, gamma0),
                    cost)
            for seed in _RELU_SEEDS for training, gamma0, cost in (("rich", 1.0, 50.0), ("lazy", 0.0, 2.0))]


def _relu_rows(measured: list[tuple[float, float, float] | None]) -> list[Check]:
    """Rich minus lazy of the ReLU network, paired over seeds, against the theory §3 margin of
    the task measured from its initial kernels (online SGD)."""
    case = (f"ReLU depth={_RELU['depth']} N={_RELU['width']} beta={_RELU['beta']} (target) "
            f"seeds={len(_RELU_SEEDS)}")
    if any(m is None for m in measured):
        return [Check("simulation", case, "rich - lazy time exponent", None, None, None, SKIP,
                      "needs PyTorch: pip install 'scalingtool[torch]'")]
    rich = np.array([m[0] for m in measured[0::2]])
    lazy = np.array([m[0] for m in measured[1::2]])
    alpha = F(float(np.mean([m[1] for m in measured[1::2]]))).limit_denominator(1000)
    beta = F(float(np.mean([m[2] for m in measured[1::2]]))).limit_denominator(1000)
    theory = exponents(alpha, beta, "sgd")
    margin = float(theory.rich.time - theory.lazy.time)  # of a measured task: a number, not exact
    gain, se = paired_difference(rich, lazy)
    return [judge("simulation", case, "rich - lazy time exponent", margin, gain, margin / 2,
                  f"online SGD, gamma0 = 1 against 0, exponents over the last decade of t = eta * steps "
                  f"(steps {_RELU['steps'] // 10} to {_RELU['steps']}); "
                  f"lazy {lazy.mean():.3f}, rich {rich.mean():.3f}, paired s.e. {se:.3f}; task alpha = "
                  f"{float(alpha):.3f} (initial kernel), beta = {float(beta):.3f} (derived); tolerance half the "
                  f"margin: passes when the gain is nearer the rich law than the lazy one (no gain)")]


def simulation_plan(quick: bool = False) -> TierPlan:
    """The simulation tier (module docstring); ``quick`` keeps it short (small widths, no ReLU row)."""
    margin = _margin_parts(quick)
    relu = [] if quick else _relu_parts()
    parts = margin + relu + [Part.of("follow", _follow_checks, 0.6),
                             Part.of("sgd", partial(_sgd_checks, quick), 6.0)]

    def assemble(results: list) -> list[Check]:
        n, r = len(margin), len(margin) + len(relu)
        rows = _margin_rows(quick, results[:n]) + (_relu_rows(results[n:r]) if relu else [])
        return rows + [row for rows_ in results[r:] for row in rows_]

    return TierPlan(parts, assemble)


def _sgd_checks(quick: bool) -> list[Check]:
    return [_sgd_check(quick)]
