"""Lazy finite-data curve: ridgeless kernel regression on P samples (theory §3, "data").

    E(P) = kappa^2 sum_k lambda_k w_k^2 / (lambda_k + kappa)^2 / (1 - gamma_P),
    sum_k lambda_k/(lambda_k + kappa) = P,   gamma_P = (1/P) sum_k lambda_k^2/(lambda_k + kappa)^2.

``E`` is the generalisation error ``E[(y - f)^2] = (w - beta)^T Lambda (w - beta)`` (no 1/2;
twice the loss ``L`` of theory §1), as checked against sampled ridgeless regression in the
tests. Modes above the grid (``lambda_k << kappa``) add ``r`` to the first sum and nothing
measurable to ``gamma_P``. The data exponent is ``alpha min(beta, 2)`` (theory §3).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..config.reduced import DataCurveRun
from .curve import Curve, Progress, report
from .equivalent import grid_top_for
from .modes import K_EXACT_DEFAULT, Spectrum, power_law_spectrum
from .precision import named_precision

__all__ = ["data_error", "data_curve", "run_data_curve"]


def data_error(spec: Spectrum, size: Any) -> tuple[Any, Any, Any]:
    """``(E(P), kappa, gamma_P)`` for ``P = size`` on ``spec`` (inside its precision context)."""
    be = spec.precision
    p = be.scalar(size)
    kappa = spec.kappa(p)
    frac = spec.lam / (spec.lam + kappa)
    gamma_p = spec.msum(frac * frac) / p
    bias = spec.msum(spec.w * spec.w * (1 - frac) * (1 - frac) * spec.lam)
    return (bias + spec.r) / (1 - gamma_p), kappa, gamma_p


def data_curve(alpha: Any, beta: Any, sizes: Sequence[Any], precision: str = "float64",
               k_exact: int = K_EXACT_DEFAULT, progress: Progress = None) -> Curve:
    """``E(P)`` at each data size ``P`` (theory §3) on the power-law grid; columns ``kappa``, ``gamma``.

    The Python edge of :func:`run_data_curve` (checked once by :class:`~scalingtool.config.DataCurveRun`).
    """
    config = DataCurveRun.from_user(alpha=alpha, beta=beta, sizes=sizes, precision=precision)
    return run_data_curve(config, progress, k_exact=k_exact)


def run_data_curve(config: DataCurveRun, progress: Progress = None, k_exact: int = K_EXACT_DEFAULT) -> Curve:
    """The data curve ``config`` describes. Uses ``kappa^2 lambda/(lambda + kappa)^2 =
    lambda (1 - lambda/(lambda + kappa))^2``, so no small differences are formed."""
    be = named_precision(config.precision)
    alpha, beta, ps = config.alpha, config.beta, config.sizes
    spec = power_law_spectrum(alpha, beta, be, k_exact=k_exact,
                              k_max=grid_top_for(alpha, ps[-1], be))
    errors, kappas, gammas = [], [], []
    with be.context():
        for i, p in enumerate(ps):
            err, kappa, gamma_p = data_error(spec, p)
            errors.append(err)
            kappas.append(kappa)
            gammas.append(gamma_p)
            report(progress, i + 1, len(ps))
        exact = {"P": np.array([be.scalar(p) for p in ps], dtype=object),
                 "loss": np.array(errors, dtype=object)} if be.is_mp else {}
        cols = {"kappa": be.to_float(np.array(kappas, dtype=object)),
                "gamma": be.to_float(np.array(gammas, dtype=object))}
        loss = be.to_float(np.array(errors, dtype=object))
    meta = {"solver": "data_equivalent", "alpha": alpha, "beta": beta, "precision": be.name,
            "grid": dict(spec.info), "quantity": "E = (w - beta)^T Lambda (w - beta), = 2L"}
    return Curve("P", np.array(ps, dtype=float), loss, cols, meta, exact)
