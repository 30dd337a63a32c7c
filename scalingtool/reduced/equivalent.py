"""Lazy ``t -> inf`` width curve from the deterministic equivalent (theory §2, §3 "width").

At finite width ``N`` and ``t -> inf`` the lazy loss is ``L_inf(N) = 1/2 (w*^T Lambda w* -
b^T Sigma^-1 b)``; its deterministic equivalent (theory §2) is

    L_inf(N) ~= 1/2 kappa sum_k lambda_k w_k^2 / (lambda_k + kappa),
    sum_k lambda_k / (lambda_k + kappa) = N,

with the sums taken on a :class:`~scalingtool.reduced.modes.Spectrum` (the modes above the
grid, ``lambda_k << kappa``, add ``lam_tail/kappa`` to the second sum and ``r`` to ``2 L``).
``kappa`` comes from :meth:`Spectrum.kappa` (one solver, :func:`scalingtool.spectral.solve_kappa`,
shared with the data curve of :mod:`~scalingtool.reduced.data` and the simulator's width floor).
The width exponent is ``alpha min(beta, 1)`` (theory §3).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..config.reduced import WidthCurveRun
from .curve import Curve, Progress, report
from .modes import K_EXACT_DEFAULT, Spectrum, power_law_spectrum
from .precision import Precision, named_precision

__all__ = ["width_loss", "width_point", "deterministic_width_curve", "run_width_curve", "grid_top_for"]


def grid_top_for(alpha: Any, largest: float, precision: Precision) -> float:
    """A grid top ``k_max`` with ``lambda_kmax/kappa <= eps`` for ``kappa ~ largest^-alpha``.

    Then the tail approximations ``lambda_k/(lambda_k + kappa) ~ lambda_k/kappa`` above the grid
    are exact to the working precision.
    """
    return max(1e30, float(largest) * (precision.eps ** (-1.0 / float(alpha))) * 10)


def width_point(spec: Spectrum, width: Any) -> tuple[Any, Any]:
    """``(L_inf(N), kappa)``: ``1/2 (kappa sum_k lambda_k w_k^2/(lambda_k + kappa) + r)`` at ``kappa(N)``.

    Call inside ``spec.precision.context()``.
    """
    kappa = spec.kappa(width)
    power = spec.lam * spec.w * spec.w
    return (spec.msum(power / (spec.lam + kappa)) * kappa + spec.r) / 2, kappa


def width_loss(spec: Spectrum, width: Any) -> Any:
    """The deterministic-equivalent width floor ``L_inf(N)`` of :func:`width_point` alone."""
    return width_point(spec, width)[0]


def deterministic_width_curve(alpha: Any, beta: Any, widths: Sequence[Any],
                              precision: str = "float64",
                              k_exact: int = K_EXACT_DEFAULT,
                              progress: Progress = None) -> Curve:
    """``L_inf(N)`` of lazy training at each width (theory §2), on the power-law grid.

    The Python edge of :func:`run_width_curve` (checked once by :class:`~scalingtool.config.WidthCurveRun`).
    Widths up to ``10^12`` (use ``precision="mp:30"`` beyond ``10^8``, where float64 keeps
    only a few digits of the small ``kappa`` sums). Columns: ``kappa``.
    """
    config = WidthCurveRun.from_user(alpha=alpha, beta=beta, widths=widths, precision=precision)
    return run_width_curve(config, progress, k_exact=k_exact)


def run_width_curve(config: WidthCurveRun, progress: Progress = None, k_exact: int = K_EXACT_DEFAULT) -> Curve:
    """The width curve ``config`` describes, on the power-law grid (``k_exact`` exact terms)."""
    be = named_precision(config.precision)
    alpha, beta, ns = config.alpha, config.beta, config.widths
    top = grid_top_for(alpha, ns[-1], be)
    spec = power_law_spectrum(alpha, beta, be, k_exact=k_exact, k_max=top)
    losses, kappas = [], []
    with be.context():
        for i, n in enumerate(ns):
            loss, kappa = width_point(spec, n)
            losses.append(loss)
            kappas.append(kappa)
            report(progress, i + 1, len(ns))
        exact = {"N": np.array([be.scalar(n) for n in ns], dtype=object),
                 "loss": np.array(losses, dtype=object)} if be.is_mp else {}
        loss = be.to_float(np.array(losses, dtype=object))
        kap = be.to_float(np.array(kappas, dtype=object))
    meta = {"solver": "deterministic_equivalent", "alpha": alpha, "beta": beta,
            "precision": be.name, "grid": dict(spec.info)}
    return Curve("N", np.array(ns, dtype=float), loss, {"kappa": kap}, meta, exact)
