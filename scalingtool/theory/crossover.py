"""Crossover scales: when a user will see each law (theory §3, "Crossover scales").

All three come from equating two derived terms; constants are dropped, so each is an
order of magnitude, returned as the exponent of a power law.

* rich onset: feature learning matters once ``s ~ 1``, i.e. ``gamma0^2 |beta_vec|^2 ~ 1``
  with ``|beta_vec|^2 ~ tau^g``: ``tau_x ~ gamma0^(-2/g)`` (hard tasks; for ``g = 0`` the
  learned norm stays bounded and ``s`` never grows: no onset).
* width plateau: the time-dependent terms (signal ``tau^-beta``, transient ``N^-1 tau^-d``)
  fall to the width floor ``N^-W``; the last of those crossings, ``tau_N ~ N^w``.
For symbolic ``(alpha, beta)`` pass ``regime``: the conditions are then decided for the
whole regime (:func:`~scalingtool.theory.regimes.holds`).

* SGD-noise takeover: ``(eta/Bsz) t^-n`` exceeds the signal ``t^-chi`` (only when
  ``chi > n``, super-easy tasks) at ``t ~ (eta/Bsz)^(-1/(chi - n))``.
"""

from __future__ import annotations

import sympy as sp

from .regimes import hard_easy_boundary, holds
from .symbols import exact_inputs, alpha as ALPHA, beta as BETA, linear_root
from .terms import learned_norm_growth, noise_decay, signal_decay, transient_decay, width_decay
from .timechange import signal_time_decay

__all__ = ["rich_onset_power", "width_plateau_power", "noise_takeover_power"]

_e = sp.Symbol("e")


@exact_inputs
def rich_onset_power(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA,
                     regime: str | None = None) -> sp.Expr | None:
    """``e`` in ``tau_x ~ gamma0^e``: solve ``gamma0^2 (gamma0^e)^g = 1``, i.e. ``2 + g e = 0``.

    ``None`` when ``g = 0`` (``beta >= 1``): the rich kernel change stays O(gamma0^2).
    """
    g = learned_norm_growth(alpha, beta)
    if holds(sp.Eq(g, 0), regime):
        return None
    return linear_root(2 + g * _e, sp.Integer(0), _e)


@exact_inputs
def width_plateau_power(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA,
                        regime: str | None = None) -> sp.Expr:
    """``w`` in ``tau_N ~ N^w``, the effective time at which the loss reaches its width floor.

    Each time-dependent term ``tau^-a N^-b`` meets the floor ``N^-W`` at ``tau = N^((W-b)/a)``;
    the transient is present for ``beta > 1`` (theory §3). The latest crossing wins.
    """
    floor = width_decay(alpha, beta)
    crossings = [floor / signal_decay(alpha, beta)]
    if holds(beta > hard_easy_boundary().subs(ALPHA, alpha), regime):
        crossings.append((floor - 1) / transient_decay(alpha, beta))
    return sp.Max(*(sp.cancel(c) for c in crossings))


@exact_inputs
def noise_takeover_power(training: str, alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA,
                         regime: str | None = None) -> sp.Expr | None:
    """``e`` in ``t_noise ~ (eta/Bsz)^e`` (SGD), or ``None`` when the signal decays slower
    than the noise kernel and the noise never takes over."""
    chi = signal_time_decay(training, alpha, beta)
    n = noise_decay(alpha)
    if not holds(chi > n, regime):
        return None
    return linear_root(-chi * _e, 1 - n * _e, _e)
