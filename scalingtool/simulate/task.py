"""The power-law task in feature space, truncated at M modes (theory §1).

``lambda_k = k^-alpha`` and ``lambda_k (w*_k)^2 = k^-(alpha beta + 1)`` for ``k = 1..M``
(all ``w*_k > 0``: the frozen matrix ``A`` is sign-symmetric, so signs do not matter in
distribution). The modes ``k > M`` are the *tail*; theory §1 allows two treatments:

* ``"truncated"``: drop them (the model has exactly M features); fine when the tail power
  ``sum_{k>M} lambda_k w*_k^2`` is far below the smallest loss the run can reach;
* ``"gaussian"``: keep them as an extra independent Gaussian, ``Cov(h) += (sum_{k>M} lambda_k) I``
  and ``Var(y) +=`` tail power (approximate: the tail's ``Cov(h, y)`` and the spread of
  ``A_tail Lambda_tail A_tail^T`` around its mean are dropped).

The smallest reachable loss is bounded below by the width floor, whose deterministic
equivalent (theory §2, lazy limit) is ``L_inf(N) ~= 1/2 kappa sum_k lambda_k w_k^2 / (lambda_k + kappa)``
with ``sum_k lambda_k / (lambda_k + kappa) = N``. :func:`choose_modes` picks M (or checks the
user's M) against it and says which treatment the run uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from ..errors import UsageError

__all__ = ["PowerLawTask", "TAIL_MODES", "TAIL_TOLERANCE", "M_MAX_AUTO", "choose_modes",
           "tail_sum", "width_floor_estimate"]

TAIL_MODES = ("auto", "truncated", "gaussian")
#: "far below": the tail power must be under this fraction of the width floor (else add it as a Gaussian)
TAIL_TOLERANCE = 1e-2
#: largest M chosen automatically (memory of the explicit path and the cost N^2 M of building Sigma)
M_MAX_AUTO = 65536


def tail_sum(p: float, m: int) -> float:
    """``sum_{k > m} k^-p`` (Hurwitz zeta ``zeta(p, m + 1)``), ``p > 1``."""
    return float(mpmath.zeta(p, m + 1))


def width_floor_estimate(alpha: float, beta: float, width: int) -> float:
    """Deterministic equivalent of the width floor ``L_inf(N)`` (theory §2, lazy limit).

    Solves ``sum_k lambda_k/(lambda_k + kappa) = N`` by bisection in ``log kappa`` over
    ``k <= 64 N`` exactly plus the tail ``sum_{k > 64N} lambda_k / kappa`` (there
    ``lambda_k << kappa``), then returns ``1/2 kappa sum_k lambda_k w_k^2/(lambda_k + kappa)``.
    """
    kmax = 64 * width
    k = np.arange(1, kmax + 1, dtype=float)
    lam = k ** -alpha
    power = k ** -(alpha * beta + 1)
    lam_tail = tail_sum(alpha, kmax)
    pow_tail = tail_sum(alpha * beta + 1, kmax)
    lo, hi = math.log(1e-300), math.log(float(lam.sum() + lam_tail))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        kappa = math.exp(mid)
        count = float(np.sum(lam / (lam + kappa))) + lam_tail / kappa
        lo, hi = (mid, hi) if count > width else (lo, mid)
    kappa = math.exp(0.5 * (lo + hi))
    return 0.5 * kappa * (float(np.sum(power / (lam + kappa))) + pow_tail / kappa)


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
        return np.arange(1, self.modes + 1, dtype=float) ** -self.alpha

    @property
    def w(self) -> np.ndarray:
        """``w*_k = sqrt(k^-(alpha beta + 1) / lambda_k)``, ``k = 1..M``."""
        k = np.arange(1, self.modes + 1, dtype=float)
        return np.sqrt(k ** (self.alpha - self.alpha * self.beta - 1.0))

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
        while modes < m_max and tail_sum(q, modes) > limit:
            modes *= 2
        modes = min(modes, max(m_max, 1))
    power = tail_sum(q, modes)
    chosen = tail if tail != "auto" else ("truncated" if power <= limit else "gaussian")
    return PowerLawTask(alpha, beta, int(modes), chosen, tail_sum(alpha, modes), power, floor)
