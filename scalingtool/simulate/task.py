"""The power-law task in feature space, truncated at M modes (theory §1).

``lambda_k = k^-alpha`` and ``lambda_k (w*_k)^2 = k^-(alpha beta + 1)`` for ``k = 1..M``
(:func:`scalingtool.spectral.power_law_modes`). The modes ``k > M`` are the *tail*, of trace
and power given by Hurwitz zeta values (:func:`scalingtool.spectral.hurwitz_tail`); theory §1
allows two treatments:

* ``"truncated"``: drop them (the model has exactly M features); fine when the tail power
  ``sum_{k>M} lambda_k w*_k^2`` is far below the smallest loss the run can reach;
* ``"gaussian"``: keep them as an extra independent Gaussian, ``Cov(h) += (sum_{k>M} lambda_k) I``
  and ``Var(y) +=`` tail power (approximate: the tail's ``Cov(h, y)`` and the spread of
  ``A_tail Lambda_tail A_tail^T`` around its mean are dropped).

The smallest reachable loss is bounded below by the width floor, whose deterministic
equivalent (theory §2, lazy limit) is ``L_inf(N) ~= 1/2 kappa sum_k lambda_k w_k^2 / (lambda_k + kappa)``
with ``sum_k lambda_k / (lambda_k + kappa) = N`` (:func:`scalingtool.reduced.equivalent.width_loss`).
:func:`choose_modes` picks M (or checks the user's M) against it and says which treatment the
run uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import TAIL_MODES
from ..errors import UsageError
from ..reduced.equivalent import width_loss
from ..reduced.modes import Spectrum
from ..reduced.precision import get_precision
from ..spectral import hurwitz_tail, power_law_modes, power_law_tails

__all__ = ["PowerLawTask", "TAIL_TOLERANCE", "M_MAX_AUTO", "choose_modes",
           "width_floor_estimate"]

#: "far below": the tail power must be under this fraction of the width floor (else add it as a Gaussian)
TAIL_TOLERANCE = 1e-2
#: largest M chosen automatically (memory of the explicit path and the cost N^2 M of building Sigma)
M_MAX_AUTO = 65536


def width_floor_estimate(alpha: float, beta: float, width: int) -> float:
    """Deterministic equivalent of the width floor ``L_inf(N)`` (theory §2, lazy limit).

    On the modes ``k <= 64 N`` exactly, plus the Hurwitz tails beyond them: their trace
    enters the equation for ``kappa`` as ``sum_{k > 64N} lambda_k / kappa`` (there
    ``lambda_k << kappa``) and their power ``sum_{k > 64N} lambda_k w_k^2`` cannot be learned.
    """
    kmax = 64 * width
    lam, w = power_law_modes(alpha, beta, kmax)
    lam_tail, power_tail = power_law_tails(alpha, beta, kmax)
    spec = Spectrum(lam, w, np.ones(kmax), power_tail, lam_tail, get_precision("float64"))
    return float(width_loss(spec, width))


@dataclass(frozen=True)
class PowerLawTask:
    """``lambda_k``, ``w*_k`` for ``k <= M`` and the tail that is kept or dropped (theory §1)."""

    alpha: float
    beta: float
    modes: int
    tail: str  # "truncated" or "gaussian"
    tail_lambda: float  # sum_{k>M} lambda_k
    tail_power: float  # sum_{k>M} lambda_k w_k^2
    floor_estimate: float  # deterministic-equivalent width floor used to judge the tail

    @property
    def lam(self) -> np.ndarray:
        """``lambda_k = k^-alpha``, ``k = 1..M``."""
        return power_law_modes(self.alpha, self.beta, self.modes)[0]

    @property
    def w(self) -> np.ndarray:
        """``w*_k = sqrt(k^-(alpha beta + 1) / lambda_k)``, ``k = 1..M``."""
        return power_law_modes(self.alpha, self.beta, self.modes)[1]

    @property
    def extra_h_var(self) -> float:
        """Variance added to every coordinate of ``h`` by the Gaussian tail (0 when truncated)."""
        return self.tail_lambda if self.tail == "gaussian" else 0.0

    @property
    def extra_y_var(self) -> float:
        """Variance added to ``y`` by the Gaussian tail (0 when truncated)."""
        return self.tail_power if self.tail == "gaussian" else 0.0

    def metadata(self) -> dict[str, Any]:
        """What the result records about the features (theory §1, last paragraph)."""
        return {"M": self.modes, "tail": self.tail, "tail_power": self.tail_power,
                "tail_lambda": self.tail_lambda, "width_floor_estimate": self.floor_estimate,
                "tail_to_floor": self.tail_power / self.floor_estimate}


def choose_modes(alpha: float, beta: float, width: int, modes: int | None = None,
                 tail: str = "auto", m_max: int = M_MAX_AUTO) -> PowerLawTask:
    """Build the task, choosing M if ``modes`` is None and the tail treatment if ``tail="auto"``.

    Automatic M: the smallest power of two ``>= max(4 N, 1024)`` whose tail power is below
    ``TAIL_TOLERANCE`` times the width-floor estimate, capped at ``m_max``. ``tail="auto"``
    keeps the tail as a Gaussian exactly when it is not that far below the floor.
    """
    if tail not in TAIL_MODES:
        raise UsageError(f"tail = {tail!r} is not supported: expected one of {', '.join(TAIL_MODES)}")
    floor = width_floor_estimate(alpha, beta, width)
    q = alpha * beta + 1.0
    limit = TAIL_TOLERANCE * floor
    if modes is None:
        modes = 1 << max(10, math.ceil(math.log2(4 * width)))
        while modes < m_max and hurwitz_tail(q, modes) > limit:
            modes *= 2
        modes = min(modes, max(m_max, 1))
    lam_tail, power = power_law_tails(alpha, beta, modes)
    chosen = tail if tail != "auto" else ("truncated" if power <= limit else "gaussian")
    return PowerLawTask(alpha, beta, int(modes), chosen, lam_tail, power, floor)
