"""The task of the ReLU networks on the circle (theory §5): target amplitudes and the measured task.

Target ``y(theta) = sum_{k=1}^K c_k cos(k theta + phi_k)`` with ``c_k^2 = k^-(alpha0 beta + 1)``
(``alpha0 = 2``, the capacity theory §5 expects of the ReLU tangent kernel with a bias) and
phases ``phi_k`` uniform per seed. ``c_k^2 / 2`` is the target's power in Fourier mode k, the
``lambda_k w_k^2`` of the linear model (theory §1), so the source exponent follows from
``c_k^2 ~ k^-(alpha beta + 1)`` once ``alpha`` is measured from the network's initial kernel.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .result import SimulationResult
from .slope import decay_exponents

__all__ = ["ALPHA_NOMINAL", "target_amplitudes", "fit_alpha", "measured_task"]

#: the capacity theory §5 expects of the ReLU NTK with a bias (used to set the target's decay)
ALPHA_NOMINAL = 2.0


def target_amplitudes(beta: float, modes: int) -> np.ndarray:
    """``c_k = k^-(alpha0 beta + 1)/2`` for ``k = 1..K`` (theory §5: the power of mode k is ``c_k^2/2``)."""
    k = np.arange(1, modes + 1, dtype=float)
    return k ** (-(ALPHA_NOMINAL * beta + 1.0) / 2.0)


def fit_alpha(spectrum: np.ndarray, k_range: tuple[int, int]) -> np.ndarray:
    """``alpha`` per member: minus the log-log slope of ``P_k`` (``spectrum[:, k]``) over ``k_range``."""
    k = np.arange(spectrum.shape[1], dtype=float)
    slopes, _ = decay_exponents(k, spectrum, float(k_range[0]), float(k_range[1]))
    return slopes


def measured_task(result: SimulationResult) -> tuple[Fraction, Fraction]:
    """``(alpha, beta)`` of a run as measured (theory §5): ``alpha`` from the initial kernel's
    spectrum (mean over seeds), ``beta`` derived from the target and that ``alpha``; as
    rationals (3 digits) for the theory layer."""
    meta = result.metadata
    alpha = Fraction(float(np.mean(meta["alpha_measured"]))).limit_denominator(1000)
    beta = Fraction(float(meta["beta_derived_mean"])).limit_denominator(1000)
    return alpha, beta
