"""Lazy online SGD: exact second-moment recursions (theory §2, "Online SGD").

Both recursions of theory §2 are one recursion for the per-mode loss contributions ``c_i``
on a :class:`~scalingtool.reduced.modes.Spectrum` with rates ``d_i = lam_i``:

    c_i <- a_i c_i + u_i F,    F = sum_j weight_j c_j + r,    L = F/2,
    a_i = (1 - eta d_i)^2 + eta^2 d_i^2/B,    u_i = eta^2 d_i^2 / B,    c_i(0) = d_i w_i^2.

At infinite width (``d = lambda``, ``c_k = lambda_k C_k``) this is
``C_k <- (1 - eta lambda_k)^2 C_k + (eta^2/B)(lambda_k^2 C_k + lambda_k sum_j lambda_j C_j)``;
at finite width (``d_i`` the eigenvalues of ``Sigma/N``, ``r`` the part outside the span,
from :mod:`~scalingtool.reduced.finite_width`) it is the ``c_i`` recursion of theory §2.

Stability (diagonal plus rank one, theory §2): ``eta d_max (1 + 1/B) < 2`` and
``sum_i weight_i (eta d_i/B) / (2 - eta d_i (1 + 1/B)) < 1``; :func:`largest_stable_step`
bisects on it.

Long runs (``t ~ 1e8`` steps and beyond) use *block steps*: over a block of
``D`` steps in which ``F`` is taken linear in the step index (from ``F0`` to ``F1``), the
recursion is summed exactly per mode with the geometric sums
``S0 = sum_{j<D} a^j = (1 - a^D)/(1 - a)`` and ``T1 = sum_{j<D} (D-1-j) a^j``, so
``c(D) = a^D c(0) + u (F0 S0 + (F1 - F0) T1/D)``, which is affine in ``F1``; ``F1`` then
follows exactly from ``F1 = sum_j weight_j c_j(D) + r`` (one division, no iteration). The only
approximation is the linear shape of ``F`` inside a block; blocks are log-spaced (a fixed
number per decade), so its relative effect is the same in every decade and the measured
exponent is untouched. The first ``exact_steps`` steps are taken one by one. The tests
compare with the plain step-by-step recursion and halve the blocks.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..config.reduced import LazySgdRun
from ..errors import NumericalError
from .curve import Curve, Progress, report
from .finite_width import projection_spectrum
from .modes import K_EXACT_DEFAULT, Spectrum, power_law_spectrum
from .precision import named_precision

__all__ = ["stability_sum", "largest_stable_step", "check_stable", "sgd_recursion",
           "sgd_plain", "solve_sgd_spectrum", "solve_sgd", "run_sgd", "EXACT_STEPS"]

EXACT_STEPS = 100
_BISECTIONS = 60


def _rates(spec: Spectrum, eta: Any, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """``(delta, u)`` with ``delta = 1 - a = 2 eta d - eta^2 d^2 (1 + 1/B)``, ``u = eta^2 d^2/B``."""
    be = spec.precision
    ed = spec.lam * be.scalar(eta)
    inv_b = be.scalar(Fraction(1, batch))
    delta = ed * 2 - ed * ed * (1 + inv_b)
    return delta, ed * ed * inv_b


def stability_sum(spec: Spectrum, eta: Any, batch: int) -> float:
    """``sum_i weight_i (eta d_i/B)/(2 - eta d_i (1+1/B))`` plus the tail ``eta lam_tail/(2B)``.

    Returns ``inf`` when ``eta d_max (1 + 1/B) >= 2``. Stable iff the result is ``< 1``.
    """
    be = spec.precision
    with be.context():
        eta = be.scalar(eta)
        inv_b = be.scalar(Fraction(1, batch))
        ed = spec.lam * eta
        denom = 2 - ed * (1 + inv_b)
        if float(min(denom)) <= 0:
            return float("inf")
        total = spec.msum(ed * inv_b / denom) + spec.lam_tail * eta * inv_b / 2
        return float(total)


def bisect_stable_step(stability: Callable[[float], float], d_max: float, batch: int) -> float:
    """The largest ``eta`` with ``stability(eta) < 1`` below ``2/(d_max (1 + 1/batch))``,
    by bisection (theory §2: stability is monotone in ``eta``)."""
    lo, hi = 0.0, 2.0 / (d_max * (1 + 1 / batch))
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        if stability(mid) < 1:
            lo = mid
        else:
            hi = mid
    return lo


def largest_stable_step(spec: Spectrum, batch: int) -> float:
    """The largest ``eta`` with a stable recursion, by bisection (relative accuracy 1e-12)."""
    d_max = float(max(spec.precision.to_float(spec.lam)))
    return bisect_stable_step(lambda eta: stability_sum(spec, eta, batch), d_max, batch)


def check_stable(spec: Spectrum, eta: Any, batch: int) -> None:
    """Raise :class:`NumericalError` naming the largest stable step if ``eta`` is unstable."""
    if stability_sum(spec, eta, batch) >= 1:
        best = largest_stable_step(spec, batch)
        raise NumericalError(f"SGD step eta = {float(eta):.6g} is unstable for batch size {batch}: "
                             f"the largest stable step is {best:.6g} (theory §2 stability condition)")


def sgd_plain(spec: Spectrum, eta: Any, batch: int, steps: int) -> list[Any]:
    """``L_n`` for ``n = 0..steps`` by the step-by-step recursion (the reference; O(steps))."""
    be = spec.precision
    with be.context():
        delta, u = _rates(spec, eta, batch)
        a = 1 - delta
        c = spec.lam * spec.w * spec.w
        out = []
        f = spec.msum(c) + spec.r
        out.append(f / 2)
        for _ in range(steps):
            c = a * c + u * f
            f = spec.msum(c) + spec.r
            out.append(f / 2)
        return out


def _block(be: Any, spec: Spectrum, delta: np.ndarray, h: np.ndarray, u: np.ndarray,
           c0: np.ndarray, f0: Any, length: int) -> tuple[np.ndarray, Any]:
    """``length`` steps at once with ``F`` linear in the step index (module docstring)."""
    n = be.scalar(length)
    xr = (delta * h + 1) * n                  # x/delta, x = -length log(1 - delta)
    x = delta * xr
    decay, p1, p2 = be.exp_phi(x)
    s0 = xr * p1                              # sum_{j<D} a^j
    t1_over = (xr * xr * p2 - h * n) / n      # sum_{j<D} (D-1-j) a^j / D
    p_vec = decay * c0 + u * (s0 - t1_over) * f0
    q_vec = u * t1_over
    f1 = (spec.msum(p_vec) + spec.r) / (1 - spec.msum(q_vec))
    return p_vec + q_vec * f1, f1


def sgd_recursion(spec: Spectrum, eta: Any, batch: int, outputs: list[int],
                  exact_steps: int = EXACT_STEPS, substeps: int = 1,
                  progress: Progress = None) -> list[Any]:
    """``L_n`` at the increasing step counts ``outputs`` (block steps after ``exact_steps``).

    Between consecutive outputs beyond ``exact_steps`` the steps are cut into ``substeps``
    blocks of near-equal length. Must be called inside ``spec.precision.context()``.
    """
    be = spec.precision
    delta, u = _rates(spec, eta, batch)
    a = 1 - delta
    h = be.log1p_tail(delta)
    c = spec.lam * spec.w * spec.w
    f = spec.msum(c) + spec.r
    n, out = 0, []
    for i, target in enumerate(outputs):
        while n < min(target, exact_steps):
            c = a * c + u * f
            f = spec.msum(c) + spec.r
            n += 1
        if n < target:
            cuts = np.unique(np.linspace(n, target, substeps + 1).round().astype(int))
            for lo_n, hi_n in zip(cuts[:-1], cuts[1:]):
                c, f = _block(be, spec, delta, h, u, c, f, int(hi_n - lo_n))
            n = target
        if not be.isfinite(f) or f < 0:
            raise NumericalError(f"the SGD recursion diverged at step {n} (eta = {float(eta):.6g})")
        out.append(f / 2)
        report(progress, i + 1, len(outputs))
    return out


def _step_grid(steps: int, per_decade: int) -> list[int]:
    """Integers ``1..steps``, all of them up to ``per_decade``, then log-spaced."""
    grid = np.unique(np.round(np.logspace(0, np.log10(steps), max(2, int(
        np.ceil(np.log10(steps) * per_decade)) + 1))).astype(np.int64))
    return [int(v) for v in grid if 1 <= v <= steps]


def solve_sgd_spectrum(spec: Spectrum, eta: Any, batch: int, steps: int,
                       points_per_decade: int, substeps: int, meta: dict[str, Any],
                       progress: Progress = None) -> Curve:
    """Check stability, run :func:`sgd_recursion` and build a curve with ``t = eta n``."""
    check_stable(spec, eta, batch)
    be = spec.precision
    outputs = _step_grid(steps, points_per_decade)
    with be.context():
        losses = sgd_recursion(spec, eta, batch, outputs, substeps=substeps, progress=progress)
        loss = be.to_float(np.array(losses, dtype=object))
        exact = {"loss": np.array(losses, dtype=object)} if be.is_mp else {}
    n = np.array(outputs, dtype=float)
    meta = dict(meta, eta=eta, batch=batch, precision=be.name, substeps=substeps,
                largest_stable_step=largest_stable_step(spec, batch))
    return Curve("t", n * float(eta), loss, {"steps": n}, meta, exact)


def solve_sgd(alpha: Any, beta: Any, eta: Any, batch: int = 1, steps: int = 10**8,
              width: int | None = None, seed: int = 0, modes: int | None = None,
              precision: str = "float64", points_per_decade: int = 20,
              substeps: int = 1, k_exact: int = K_EXACT_DEFAULT,
              progress: Progress = None) -> Curve:
    """Expected loss of lazy online SGD with batch ``batch`` and step ``eta`` (theory §2).

    The Python edge of :func:`run_sgd` (checked once by :class:`~scalingtool.config.LazySgdRun`).
    ``width=None`` is infinite width (power-law grid); a whole ``width`` uses the finite-width
    recursion on a seeded random ``A`` (see :func:`~scalingtool.reduced.finite_width.
    finite_width_spectrum`; ``modes`` is its ``M``). ``x`` of the curve is ``t = eta n``;
    column ``steps`` is ``n``. An unstable ``eta`` raises :class:`NumericalError` naming the
    largest stable step.
    """
    config = LazySgdRun.from_user(alpha=alpha, beta=beta, eta=eta, batch=batch, steps=steps, width=width, seed=seed,
                                  modes=modes, precision=precision, points_per_decade=points_per_decade,
                                  substeps=substeps)
    return run_sgd(config, progress, k_exact=k_exact)


def run_sgd(config: LazySgdRun, progress: Progress = None, k_exact: int = K_EXACT_DEFAULT) -> Curve:
    """The lazy SGD run ``config`` describes, on the power-law grid (``k_exact``) or its projection."""
    meta: dict[str, Any] = {"solver": "sgd", "alpha": config.alpha, "beta": config.beta, "training": "lazy"}
    if config.width is None:
        spec = power_law_spectrum(config.alpha, config.beta, named_precision(config.precision), k_exact=k_exact)
        meta["width"] = "infinite"
    else:
        spec = projection_spectrum(config.projection())
        meta.update(width=config.width, seed=config.seed, modes=spec.info.get("modes"))
    return solve_sgd_spectrum(spec, config.eta, config.batch, config.steps, config.points_per_decade,
                              config.substeps, meta, progress)
