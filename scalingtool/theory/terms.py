"""Exponent of each loss term from its mode sum (theory §3, "Where each term comes from").

Conventions: ``lambda_k = k^-alpha`` and ``lambda_k w_k^2 = k^(-alpha beta - 1)`` (theory §1).
Mode scales: in time, modes with ``lambda_k tau > 1`` are learned, so ``X = tau^(1/alpha)``;
in width (and data), ``kappa`` from ``sum_k lambda_k/(lambda_k + kappa) = N`` sets
``X = kappa^(-1/alpha)``. Every exponent below is :meth:`ModeSum.growth` of a sum, nothing
is typed in. All functions accept SymPy symbols (symbolic derivation) or exact rationals
(numbers for one task); with numbers every ``Min`` evaluates at once.

Each function returns a *decay* exponent: the term falls like ``var^(-exponent)``.
"""

from __future__ import annotations

import sympy as sp

from .powercount import ModeSum
from .symbols import exact_inputs, alpha as ALPHA, beta as BETA

__all__ = [
    "target_sum_q",
    "signal_sum",
    "signal_decay",
    "mode_count_sum",
    "kappa_decay",
    "width_sum",
    "width_decay",
    "data_sum",
    "data_decay",
    "data_gamma_growth",
    "learned_norm_sum",
    "learned_norm_growth",
    "transient_kernel_sum",
    "transient_decay",
    "noise_kernel_sum",
    "noise_decay",
]


@exact_inputs
def target_sum_q(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """``q`` of the target power ``lambda_k w_k^2 = k^-q``: ``q = alpha beta + 1``."""
    return alpha * beta + 1


# --- signal (time) ------------------------------------------------------------------

@exact_inputs
def signal_sum(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> ModeSum:
    """``sum_k lambda_k w_k^2 exp(-2 lambda_k tau)``: window ``exp(-2 u^-alpha)``, ``m = oo``."""
    return ModeSum(target_sum_q(alpha, beta), sp.oo,
                   "sum_k lambda_k w_k^2 exp(-2 lambda_k tau)")


@exact_inputs
def signal_decay(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """Signal term ``~ tau^-beta``: growth of :func:`signal_sum` at ``X = tau^(1/alpha)``."""
    return -signal_sum(alpha, beta).growth(per=alpha)


# --- width (t -> inf) ------------------------------------------------------------------

@exact_inputs
def mode_count_sum(alpha: sp.Expr = ALPHA) -> ModeSum:
    """``sum_k lambda_k/(lambda_k + kappa) = sum_k 1/(1 + (k/X)^alpha)``: ``q = 0``, ``m = 0``."""
    return ModeSum(sp.Integer(0), sp.Integer(0), "sum_k lambda_k/(lambda_k + kappa)")


@exact_inputs
def kappa_decay(alpha: sp.Expr = ALPHA) -> sp.Expr:
    """``kappa ~ N^-a``: the mode count grows as ``X^g`` and equals ``N``; ``kappa = X^-alpha``.

    So ``X ~ N^(1/g)`` and ``kappa ~ N^(-alpha/g)`` (``g = 1``: ``kappa ~ N^-alpha``).
    """
    return alpha / mode_count_sum(alpha).growth()


@exact_inputs
def width_sum(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> ModeSum:
    """``kappa sum_k lambda_k w_k^2/(lambda_k + kappa)``: window ``u^alpha/(1+u^alpha)``, ``m = alpha``."""
    return ModeSum(target_sum_q(alpha, beta), alpha,
                   "kappa sum_k lambda_k w_k^2/(lambda_k + kappa)")


@exact_inputs
def width_decay(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """Width bottleneck ``~ N^(-alpha min(beta, 1))`` (theory §3).

    ``S ~ X^g = kappa^(-g/alpha)`` and ``kappa ~ N^-kappa_decay``.
    """
    return -width_sum(alpha, beta).growth(per=alpha) * kappa_decay(alpha)


# --- data (lazy, ridgeless kernel regression) -----------------------------------------

@exact_inputs
def data_sum(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> ModeSum:
    """``kappa^2 sum_k lambda_k w_k^2/(lambda_k + kappa)^2``: window ``u^2alpha/(1+u^alpha)^2``."""
    return ModeSum(target_sum_q(alpha, beta), 2 * alpha,
                   "kappa^2 sum_k lambda_k w_k^2/(lambda_k + kappa)^2")


@exact_inputs
def data_gamma_growth(alpha: sp.Expr = ALPHA) -> sp.Expr:
    """``gamma_P = (1/P) sum_k lambda_k^2/(lambda_k+kappa)^2``: the sum grows like ``P^g``,
    ``g = 1``, so ``gamma_P ~ P^0`` and ``1/(1 - gamma_P)`` changes no exponent."""
    window = ModeSum(sp.Integer(0), sp.Integer(0), "sum_k lambda_k^2/(lambda_k + kappa)^2")
    return window.growth() - 1


@exact_inputs
def data_decay(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """Lazy data curve ``E(P) ~ P^(-alpha min(beta, 2))`` (theory §3), ``kappa ~ P^-alpha``.

    The ``1/(1 - gamma_P)`` factor contributes ``P^(-data_gamma_growth) = P^0``.
    """
    return (-data_sum(alpha, beta).growth(per=alpha) * kappa_decay(alpha)
            - data_gamma_growth(alpha))


# --- finite-width transient -------------------------------------------------------------

@exact_inputs
def learned_norm_sum(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> ModeSum:
    """``|beta_vec|^2 ~ sum_{lambda_k tau > 1} w_k^2``: ``w_k^2 = k^(alpha - alpha beta - 1)``,
    window ``1[u < 1]`` (``m = 0``)."""
    return ModeSum(target_sum_q(alpha, beta) - alpha, sp.Integer(0),
                   "sum_{lambda_k tau > 1} w_k^2")


@exact_inputs
def learned_norm_growth(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """``|beta_vec|^2 ~ tau^g`` with ``g = max(0, 1 - beta)``: it diverges only for hard tasks."""
    return learned_norm_sum(alpha, beta).growth(per=alpha)


@exact_inputs
def transient_kernel_sum(alpha: sp.Expr = ALPHA) -> ModeSum:
    """``sum_j lambda_j exp(-2 lambda_j tau)``: ``q = alpha``, ``m = oo``."""
    return ModeSum(alpha, sp.oo, "sum_j lambda_j exp(-2 lambda_j tau)")


@exact_inputs
def transient_decay(alpha: sp.Expr = ALPHA, beta: sp.Expr = BETA) -> sp.Expr:
    """Finite-width transient ``N^-1 tau^(-d)``: ``d = (1 - 1/alpha) - max(0, 1 - beta)``.

    It is the product of the learned norm and the kernel sum (theory §3); the ``1/N`` is the
    finite-width fluctuation prefactor.
    """
    return -(learned_norm_growth(alpha, beta) + transient_kernel_sum(alpha).growth(per=alpha))


# --- SGD noise --------------------------------------------------------------------------

@exact_inputs
def noise_kernel_sum(alpha: sp.Expr = ALPHA) -> ModeSum:
    """``sum_k lambda_k^2 exp(-2 lambda_k t)``: ``q = 2 alpha``, ``m = oo``."""
    return ModeSum(2 * alpha, sp.oo, "sum_k lambda_k^2 exp(-2 lambda_k t)")


@exact_inputs
def noise_decay(alpha: sp.Expr = ALPHA) -> sp.Expr:
    """SGD noise ``(eta/Bsz) t^-(2 - 1/alpha)`` (theory §3)."""
    return -noise_kernel_sum(alpha).growth(per=alpha)
