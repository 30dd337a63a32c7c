"""The mode ODE of theory §2, solved once for infinite and finite width.

theory §2 (infinite width, and the N-space form after the rescaling ``y = sqrt(N) x``):

    d beta_k/dt = eta (1+s) lambda_k (w_k - beta_k) + eta gamma0^2/(1+s) c(t) beta_k,
    c = sum_k lambda_k beta_k (w_k - beta_k),     s (1+s) = gamma0^2 |beta|^2.

Exact change of variables used here. With ``ds/dt = 2 eta gamma0^2 c`` the feedback term
is ``(1/2) (d/dt) log(1+s) beta_k``, so ``z_k = beta_k/sqrt(1+s)`` removes it, and in the
effective time ``tau`` (``d tau = (1+s) dt``):

    dz_k/dtau = eta lambda_k (w_k m(tau) - z_k),    m = (1+s)^(-1/2),    s = gamma0^2 |z|^2

(the last from the invariant: ``s(1+s) = gamma0^2 (1+s) |z|^2``). Every mode is driven by
the one scalar ``m(tau)``. We carry both ``z_k`` and the error variable ``e_k = w_k m - z_k``
(so that ``w_k - beta_k = e_k/m``): ``e`` is small for learned modes, ``z`` for unlearned ones,
and each is updated by its own exact formula, so neither is ever formed by cancellation (the
mode sums weight unlearned modes by up to ``k ~ 10^30``, where a cancellation error of one
rounding unit per mode would add up to O(1) in ``|z|^2``). ``e`` obeys
``de_k/dtau = -eta lambda_k e_k + w_k m'(tau)``. Over a step on which ``m`` is linear in
``tau`` (from ``m0`` to ``m1``, length ``h``) both are solved exactly per mode
(``x_k = eta lambda_k h``, ``E = exp(-x)``):

    e_k(h) = E e_k(0) + w_k (m1 - m0) phi1(x_k),
    z_k(h) = E z_k(0) + w_k x_k (m0 phi1(x_k) + (m1 - m0) phi2(x_k)) = P_k + Q_k m1,

with ``P = E z(0) + w m0 x (phi1 - phi2)`` and ``Q = w x phi2`` (``phi1 >= phi2 >= 0``; the
difference is formed without harm: it matters only for unlearned modes, where it is ~1/2).
The end value ``s1`` then solves the scalar equation ``s1 = gamma0^2 |P + Q m(s1)|^2`` (three mode
sums, then Newton on one number). The step in ``tau`` comes from the trapezoidal rule
``h = dt (2 + s0 + s1)/2``, iterated (predictor ``s1 = s0``, then correctors): the scheme is
second order in ``dt`` and exact for ``gamma0 = 0``. The loss is
``2L = r + (1+s) sum_k lambda_k e_k^2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..errors import NumericalError
from .curve import Progress, report
from .modes import Spectrum

__all__ = ["ModeSolution", "integrate_modes", "log_grid"]

_NEWTON_MAX = 80


@dataclass
class ModeSolution:
    """Values at the requested times, at the working precision (lists of scalars)."""

    t: list[Any]
    loss: list[Any]
    s: list[Any]
    tau: list[Any]
    final_e: np.ndarray


def log_grid(precision: Any, start: Any, stop: Any, per_decade: int) -> list[Any]:
    """``start * 10^(j/per_decade)`` up to and including ``stop`` (last point exactly ``stop``)."""
    be = precision
    start, stop = be.scalar(start), be.scalar(stop)
    ratio = be.exp(be.log(be.scalar(10)) / per_decade)
    decades = float(be.log(stop / start) / be.log(be.scalar(10)))
    n = max(1, int(np.ceil(decades * per_decade - 1e-9)))
    points = [start * ratio**j for j in range(n)]
    return points + [stop]


def _m_of(be: Any, s: Any) -> Any:
    return 1 / be.sqrt(1 + s)


def _m_difference(be: Any, s0: Any, s1: Any) -> Any:
    """``m(s1) - m(s0)`` without cancellation (``m = (1+s)^(-1/2)``)."""
    a, b = be.sqrt(1 + s0), be.sqrt(1 + s1)
    return -(s1 - s0) / (a * b * (a + b))


def _solve_s(be: Any, g2: Any, pp: Any, pq: Any, qq: Any, guess: Any) -> Any:
    """Root of ``F(s) = s - g2 (pp + 2 pq m + qq m^2)``, ``m = (1+s)^(-1/2)``, by safeguarded Newton.

    ``F(0) <= 0`` and ``F(hi) >= 0`` for ``hi = g2 (pp + 2|pq| + qq)`` since ``0 < m <= 1``.
    """
    lo, hi = be.scalar(0), g2 * (pp + 2 * abs(pq) + qq)
    s = min(max(guess, lo), hi)
    tol = 8 * be.eps
    for _ in range(_NEWTON_MAX):
        m = _m_of(be, s)
        f = s - g2 * (pp + 2 * pq * m + qq * m * m)
        if f > 0:
            hi = s
        else:
            lo = s
        dfds = 1 + g2 * (pq + qq * m) * m**3
        step = f / dfds
        s_new = s - step
        if not lo <= s_new <= hi:
            s_new = (lo + hi) / 2
        if abs(s_new - s) <= tol * (1 + abs(s_new)):
            return s_new
        s = s_new
    raise NumericalError(f"the order parameter s did not converge in a step (s ~ {float(s):.6g})")


def _step(be: Any, lam: np.ndarray, w: np.ndarray, g2: Any, eta: Any, e0: np.ndarray,
          z0: np.ndarray, s0: Any, dt: Any, iterations: int
          ) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """One step of length ``dt`` from ``(e0, z0, s0)``; returns ``(e1, z1, s1, dtau)``.

    ``w``, ``e`` and ``z`` are scaled by ``sqrt(weight)`` so that mode sums are dot products.
    """
    m0 = _m_of(be, s0)
    s1 = s0
    for _ in range(iterations if g2 != 0 else 1):
        dtau = dt * (2 + s0 + s1) / 2
        x = lam * (eta * dtau)
        decay, p1, p2 = be.exp_phi(x)
        if g2 == 0:
            break
        p_vec = decay * z0 + w * x * (p1 - p2) * m0
        q_vec = w * x * p2
        pp = be.dot(p_vec, p_vec)
        pq = be.dot(p_vec, q_vec)
        qq = be.dot(q_vec, q_vec)
        s1 = _solve_s(be, g2, pp, pq, qq, s1)
    dm = _m_difference(be, s0, s1)
    e1 = decay * e0 + w * p1 * dm
    z1 = decay * z0 + w * x * (p1 * m0 + p2 * dm)
    return e1, z1, s1, dtau


def integrate_modes(spec: Spectrum, gamma0: Any, eta: Any, times: Sequence[Any],
                    substeps: int = 1, iterations: int = 2,
                    progress: Progress = None) -> ModeSolution:
    """Integrate the mode ODE from ``beta = 0, s = 0`` at ``t = 0`` through ``times``.

    Each interval between consecutive output times is cut into ``substeps`` equal steps
    (halving the step = doubling ``substeps``); the first interval starts at ``t = 0``.
    ``iterations`` is the number of passes of the predictor-corrector on ``s1``: 1 is the
    frozen-``s`` predictor alone (first order), 2 is predict-evaluate-correct (second order,
    and measured to be as accurate as further corrector passes). Must be called
    inside ``spec.precision.context()``.
    """
    be = spec.precision
    g2 = be.scalar(gamma0) ** 2
    eta = be.scalar(eta)
    root_weight = be.sqrt(spec.weight)
    w = spec.w * root_weight
    e, z = w, w * 0
    s, tau, t = be.scalar(0), be.scalar(0), be.scalar(0)
    out = ModeSolution([], [], [], [], e)
    total = len(times)
    for i, t_next in enumerate(times):
        dt = (t_next - t) / substeps
        for _ in range(substeps):
            e, z, s, dtau = _step(be, spec.lam, w, g2, eta, e, z, s, dt, iterations)
            tau = tau + dtau
        t = t_next
        loss = (spec.r + (1 + s) * be.dot(spec.lam * e, e)) / 2
        if not be.isfinite(loss) or not be.isfinite(s):
            raise NumericalError(f"the mode ODE diverged at t = {float(t):.6g} (s = {float(s):.6g})")
        out.t.append(t)
        out.loss.append(loss)
        out.s.append(s)
        out.tau.append(tau)
        report(progress, i + 1, total)
    out.final_e = e / root_weight
    return out
