"""The automatic fit window and the power-law checks (theory §6).

Rule (``P`` samples, eigenvalues ``lambda_k``, target powers ``p_k``, modes counted from 1):

* lower end ``k_lo = 5``: the first few modes (the kernel's mean, the largest scales of the
  data) are not yet on the asymptotic law;
* capacity upper end ``k_hi = floor(P / 10)``: the finite-sample distortion of ``lambda_k``
  and ``u_k`` grows like ``k / P``; at ``P / 10`` it is a few per cent and the remaining bias of lambda_k
  is corrected in the fit (:func:`~.fit.fit_capacity`); the window also stops before the
  round-off floor, where ``lambda_k < 10 sqrt(P) eps lambda_1`` (``eps`` of the input's float
  type; round-off errors of size ``eps |K|`` in each entry of a P x P matrix have a norm of
  about ``2 sqrt(P) eps |K|``);
* target-power upper end: at most ``k_hi``, and below the noise floor: ``p_k`` of pure label
  noise (or round-off) is flat at ``f = (|y|^2 / P - sum_{k <= r} p_k) / (P - r)``, the mean
  power per mode of the ``P - r`` modes beyond the ``r`` kept; a first end is the start of the
  first octave ``[k, 2k)`` whose mean power is under ``10 f`` (there noise would add more
  than 10 % to the mean power and flatten the slope); the window ends where the same rule
  applied to the power law fitted up to that first end says (a smooth end: stopping at the
  data's own first low octave picks windows that end on an upward fluctuation and biased
  beta by -0.011 at P = 1000, theory §6);
* a window must span at least one decade (``k_hi >= 10 k_lo``), otherwise there is no power
  law to measure in this data (:class:`NoPowerLaw`, exit 1).

Curvature: the slopes fitted on the lower and upper halves (in ``log k``) of a window must
agree: a difference larger than ``CURVATURE_TOL`` times the slope and larger than
``CURVATURE_Z`` bootstrap standard deviations of the difference means the residuals curve and
the data show no single power law. (The scatter of ``p_k`` makes half-window slopes noisy: a
95% test would reject about one straight power law in ten with two fits, hence 4 SD.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..echo import shown
from ..errors import ScalingToolError, UsageError
from .fit import fit_power_slope

__all__ = ["NoPowerLaw", "Windows", "K_LO", "P_FRACTION", "NOISE_FACTOR", "CURVATURE_TOL", "CURVATURE_Z", "MIN_DECADES",
           "auto_windows", "parse_window", "noise_floor", "check_decade", "curvature"]

K_LO = 5
P_FRACTION = 10
NOISE_FACTOR = 10.0
CURVATURE_TOL = 0.2
CURVATURE_Z = 4.0
MIN_DECADES = 1.0
ROUNDOFF_FACTOR = 10.0


class NoPowerLaw(ScalingToolError):
    """The data show no power law to fit (exit 1): the message gives the reason."""

    exit_code = 1

    PREFIX = "no power law in this data: "

    def __init__(self, reason: str) -> None:
        super().__init__(reason if reason.startswith(self.PREFIX) else self.PREFIX + reason)


@dataclass(frozen=True)
class Windows:
    """Fit windows ``(k_lo, k_hi)`` (modes from 1, inclusive) and how they were chosen."""

    alpha: tuple[int, int]
    beta: tuple[int, int] | None
    rule: str


def parse_window(text: str, size: int) -> tuple[int, int]:
    """``"K1:K2"`` -> ``(K1, K2)`` with ``1 <= K1 < K2 <= size``."""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        raise UsageError(f"window: expected auto or K1:K2 with whole numbers, e.g. 5:100, got {shown(text, 40)}")
    lo, hi = int(parts[0]), int(parts[1])
    if not 1 <= lo < hi <= size:
        raise UsageError(f"window: expected 1 <= K1 < K2 <= {size} (the modes available), got {lo}:{hi}")
    return lo, hi


def noise_floor(powers: np.ndarray, total: float | None, samples: int) -> float:
    """Mean power per mode beyond the kept modes (module docstring); with all modes kept,
    the mean over the bottom half ``k > P / 2``."""
    kept = powers.shape[0]
    if total is not None and kept < samples:
        return max(total - float(np.sum(powers)), 0.0) / (samples - kept)
    return float(np.mean(powers[kept // 2:]))


def _roundoff_end(eigenvalues: np.ndarray, samples: int, eps: float) -> int:
    floor = ROUNDOFF_FACTOR * math.sqrt(samples) * eps * float(eigenvalues[0])
    above = np.nonzero(eigenvalues <= floor)[0]
    return int(above[0]) if above.size else int(eigenvalues.shape[0])


def _noise_end(powers: np.ndarray, floor: float, lo: int, hi: int) -> int:
    k = lo
    while k <= hi:
        octave = powers[k - 1: min(2 * k - 1, hi)]
        if octave.size and float(np.mean(octave)) < NOISE_FACTOR * floor:
            return max(k - 1, lo)
        k += 1
    return hi


def _model_end(powers: np.ndarray, floor: float, lo: int, end: int, hi: int) -> int:
    """The octave rule of :func:`_noise_end` applied to the power law fitted over ``lo..end``
    instead of the data (at most ``hi``): a smooth end. Ending at the data's own first low
    octave selects windows that stop on an upward fluctuation of ``p_k`` (theory §6)."""
    if floor <= 0 or end < lo + 2:
        return end
    slope = fit_power_slope(powers, (lo, end))
    if not (math.isfinite(slope) and slope > 0):
        return end
    k = np.arange(lo, end + 1, dtype=float)
    centre = float(np.exp(np.mean(np.log(k))))
    level = float(np.mean(powers[lo - 1: end] * (k / centre) ** slope))  # p_k ~ level (k / centre)^-slope
    if not level > 0:
        return end
    law = level * (np.arange(1, 2 * hi + 1, dtype=float) / centre) ** -slope
    return _noise_end(law, floor, lo, hi)


def check_decade(window: tuple[int, int], what: str) -> None:
    """Refuse a window shorter than one decade (:class:`NoPowerLaw`)."""
    lo, hi = window
    if hi < lo:
        raise NoPowerLaw(f"the {what} window would end at k = {hi}, before it starts at k = {lo} (the spectrum "
                         "drops to its floor at once: a low-rank kernel, or too few samples)")
    if hi < lo * 10 ** MIN_DECADES:
        raise NoPowerLaw(f"the {what} window k = {lo}..{hi} spans {math.log10(max(hi, 1) / lo):.2f} decades, "
                         "less than one (too few samples, or the spectrum drops to its floor too soon)")


def auto_windows(eigenvalues: np.ndarray, powers: np.ndarray | None, samples: int,
                 total_power: float | None = None, eps: float = np.finfo(np.float64).eps) -> Windows:
    """The windows of the module docstring's rule; :class:`NoPowerLaw` when one is under a decade."""
    hi = min(samples // P_FRACTION, eigenvalues.shape[0], _roundoff_end(eigenvalues, samples, eps))
    alpha = (K_LO, hi)
    check_decade(alpha, "capacity")
    beta = None
    if powers is not None:
        floor = noise_floor(powers, total_power, samples)
        beta = (K_LO, _model_end(powers, floor, K_LO, _noise_end(powers, floor, K_LO, hi), hi))
        check_decade(beta, "target-power")
    rule = (f"k from {K_LO} to min(P/{P_FRACTION}, round-off floor); target power also ends before the "
            f"first octave whose mean is under {NOISE_FACTOR:g} x the noise floor, judged on the power law "
            "fitted up to the data's first such octave")
    return Windows(alpha, beta, rule)


def curvature(value: float, halves: tuple[float, float], draws: np.ndarray | None,
              what: str) -> str | None:
    """The reason the residuals curve, or ``None`` (module docstring).

    ``halves``: (lower, upper) half-window slopes of the data; ``draws``: bootstrap replicates
    of the same, shape (R, 2), or ``None`` (then only the size test applies).
    """
    lower, upper = halves
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return None
    diff = upper - lower
    if abs(diff) <= CURVATURE_TOL * max(abs(value), 1e-12):
        return None
    if draws is not None:
        d = draws[:, 1] - draws[:, 0]
        d = d[np.isfinite(d)]
        if d.size > 2 and abs(diff) <= CURVATURE_Z * float(np.std(d)):
            return None
    return (f"the {what} residuals curve: the slope is {lower:.3g} on the lower half of the window and "
            f"{upper:.3g} on the upper half (more than {CURVATURE_TOL:.0%} apart)")
