"""Lazy ``t -> inf`` width curve from the deterministic equivalent (theory §2, §3 "width").

At finite width ``N`` and ``t -> inf`` the lazy loss is ``L_inf(N) = 1/2 (w*^T Lambda w* -
b^T Sigma^-1 b)``; its deterministic equivalent (theory §2) is

    L_inf(N) ~= 1/2 kappa sum_k lambda_k w_k^2 / (lambda_k + kappa),
    sum_k lambda_k / (lambda_k + kappa) = N,

with the sums taken on a :class:`~scalingtool.reduced.modes.Spectrum` (the modes above the
grid, ``lambda_k << kappa``, add ``lam_tail/kappa`` to the second sum and ``r`` to ``2 L``).
:func:`solve_kappa` is shared with the data curve (:mod:`~scalingtool.reduced.data`).
The width exponent is ``alpha min(beta, 1)`` (theory §3).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import NumericalError, UsageError
from .backend import Backend, get_backend
from .curve import Curve, Progress, report
from .inputs import task, widths_list
from .modes import K_EXACT_DEFAULT, Spectrum, power_law_spectrum

__all__ = ["solve_kappa", "width_loss", "deterministic_width_curve", "grid_top_for"]

_NEWTON_MAX = 200


def grid_top_for(alpha: Any, largest: float, backend: Backend) -> float:
    """A grid top ``k_max`` with ``lambda_kmax/kappa <= eps`` for ``kappa ~ largest^-alpha``.

    Then the tail approximations ``lambda_k/(lambda_k + kappa) ~ lambda_k/kappa`` above the grid
    are exact to the working precision.
    """
    return max(1e30, float(largest) * (backend.eps ** (-1.0 / float(alpha))) * 10)


def solve_kappa(spec: Spectrum, n: Any) -> Any:
    """``kappa > 0`` solving ``sum_k lambda_k/(lambda_k + kappa) + lam_tail/kappa = n``.

    Newton in ``log kappa`` with a bisection bracket (the left side decreases in ``kappa``).
    Must be called inside ``spec.backend.context()``.
    """
    be = spec.backend
    n = be.scalar(n)
    capacity = spec.msum(spec.lam * 0 + 1)
    if spec.lam_tail == 0 and n >= capacity:
        raise UsageError(f"width/size = {float(n):g} is out of range: expected fewer than the "
                         f"{float(capacity):g} modes of the spectrum")

    def excess(u: Any) -> tuple[Any, Any]:
        kappa = be.exp(u)
        frac = spec.lam / (spec.lam + kappa)
        value = spec.msum(frac) + spec.lam_tail / kappa - n
        slope = -spec.msum(frac * (1 - frac)) - spec.lam_tail / kappa
        return value, slope

    # bracket: kappa far below every lambda counts every mode (> n); kappa = 2 trace/n gives < n
    lo = be.log(spec.lam[-1]) - 40
    hi = be.log((spec.msum(spec.lam) + spec.lam_tail) * 2 / n)
    # start at the eigenvalue where the cumulative mode count reaches n
    counts = np.cumsum(be.to_float(spec.weight))
    u = be.log(spec.lam[min(int(np.searchsorted(counts, float(n))), spec.size - 1)])
    tol = 16 * be.eps
    for _ in range(_NEWTON_MAX):
        value, slope = excess(u)
        if value > 0:
            lo = u
        else:
            hi = u
        u_new = u - value / slope
        if not lo < u_new < hi:
            u_new = (lo + hi) / 2
        if abs(u_new - u) <= tol * (1 + abs(u_new)):
            return be.exp(u_new)
        u = u_new
    raise NumericalError(f"kappa did not converge for n = {float(n):g}")


def width_loss(spec: Spectrum, width: Any) -> Any:
    """``1/2 (kappa sum_k lambda_k w_k^2/(lambda_k + kappa) + r)`` at ``kappa(width)``."""
    kappa = solve_kappa(spec, width)
    power = spec.lam * spec.w * spec.w
    return (spec.msum(power / (spec.lam + kappa)) * kappa + spec.r) / 2


def deterministic_width_curve(alpha: Any, beta: Any, widths: Sequence[Any],
                              precision: str | Backend = "float64",
                              k_exact: int = K_EXACT_DEFAULT,
                              progress: Progress = None) -> Curve:
    """``L_inf(N)`` of lazy training at each width (theory §2), on the power-law grid.

    Widths up to ``10^12`` (use ``precision="mp:30"`` beyond ``10^8``, where float64 keeps
    only a few digits of the small ``kappa`` sums). Columns: ``kappa``.
    """
    be = get_backend(precision)
    alpha, beta = task(alpha, beta)
    ns = widths_list(widths, "widths")
    top = grid_top_for(alpha, ns[-1], be)
    spec = power_law_spectrum(alpha, beta, be, k_exact=k_exact, k_max=top)
    losses, kappas = [], []
    with be.context():
        for i, n in enumerate(ns):
            kappa = solve_kappa(spec, n)
            power = spec.lam * spec.w * spec.w
            losses.append((spec.msum(power / (spec.lam + kappa)) * kappa + spec.r) / 2)
            kappas.append(kappa)
            report(progress, i + 1, len(ns))
        exact = {"N": np.array([be.scalar(n) for n in ns], dtype=object),
                 "loss": np.array(losses, dtype=object)} if be.is_mp else {}
        loss = be.to_float(np.array(losses, dtype=object))
        kap = be.to_float(np.array(kappas, dtype=object))
    meta = {"solver": "deterministic_equivalent", "alpha": alpha, "beta": beta,
            "precision": be.name, "grid": dict(spec.info)}
    return Curve("N", np.array(ns, dtype=float), loss, {"kappa": kap}, meta, exact)
