"""The rich effective time from self-consistency (theory §3).

Feature learning multiplies the kernel by ``1 + s`` (theory §2), and the balance invariant
``s (1 + s) = gamma0^2 |beta_vec|^2`` (infinite width) gives ``s ~ gamma0 |beta_vec|`` once
``s >> 1``. The learned norm grows as ``|beta_vec|^2 ~ tau^g`` with
``g = max(0, 1 - beta)`` (:func:`~scalingtool.theory.terms.learned_norm_growth`), so

    d tau / d t = 1 + s ~ tau^(g/2).

With the ansatz ``tau = t^r`` the exponents of both sides must match:
``r - 1 = r g / 2``; SymPy solves this for ``r``. Lazy training (``gamma0 -> 0``) has
``s = 0`` and ``r = 1``.
"""

from __future__ import annotations

import sympy as sp

from .symbols import exact_inputs, alpha as ALPHA, beta as BETA, linear_root
from .terms import learned_norm_growth, signal_decay

__all__ = ["TRAININGS", "time_change", "kernel_growth", "signal_time_decay"]

TRAININGS = ("lazy", "rich")
_r = sp.Symbol("r", positive=True)


@exact_inputs
def kernel_growth(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """``1 + s ~ tau^h`` with ``h = g/2``: ``s ~ gamma0 |beta_vec|`` and ``|beta_vec|^2 ~ tau^g``."""
    return learned_norm_growth(alpha, beta) / 2


@exact_inputs
def time_change(training: str, alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """Exponent ``r`` of the effective time ``tau ~ t^r``.

    ``rich``: solve ``r - 1 = r h`` (from ``d tau/dt ~ tau^h``) for ``r``; ``lazy``: ``r = 1``.
    The rich result is ``2/(1 + beta)`` for ``beta < 1`` and ``1`` otherwise.
    """
    if training == "lazy":
        return sp.Integer(1)
    if training != "rich":
        raise ValueError(f"training must be 'lazy' or 'rich', not {training!r}")
    h = kernel_growth(alpha, beta)
    return linear_root(_r - 1, _r * h, _r)


@exact_inputs
def signal_time_decay(training: str, alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """``chi``: the signal term ``tau^-beta`` in training time, ``t^(-beta r)`` (paper, Eq. 10)."""
    return signal_decay(alpha, beta) * time_change(training, alpha, beta)
