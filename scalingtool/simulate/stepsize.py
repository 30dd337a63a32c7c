"""Default learning rate from the predicted feature growth ``s`` (theory §1, "Step size").

The function-space kernel is ``(1+s) P Lambda + gamma0^2/(1+s) Lambda beta beta^T`` (theory §2).
With the balance ``B B^T = I + gamma0^2 a a^T / N`` the tangent kernel of the network in
N-space is ``(B^T B + s I) Sigma / N``, whose top eigenvalue is at most ``(1 + 2 s) d_max``
(``d_max`` = top eigenvalue of ``Sigma/N``): the largest stable step shrinks like
``1/(1 + 2 s)``. So

    eta = safety * eta_lazy / (1 + 2 s_end),

with ``eta_lazy`` the largest stable lazy step of the training mode (population GD:
``2/d_max``; online SGD: the theory §2 condition ``eta d_1 (1 + 1/Bsz) < 2`` and
``sum_i (eta d_i/Bsz)/(2 - eta d_i (1 + 1/Bsz)) < 1``, bisected; full-batch GD on P points:
``2/`` top eigenvalue of the empirical kernel) and ``s_end`` the value of ``s`` predicted at
the end of the run from the invariant ``s (1 + s) = gamma0^2 |beta_vec|^2``:

* ``rule="bound"``: ``|beta_vec|^2 <= sum_{k <= min(N, M)} w*_k^2`` (theory §1's bound, safe
  for any run length, slow for long rich runs on hard tasks, where ``s`` would grow as
  ``gamma0 sqrt(N)``);
* ``rule="predicted"`` (default): ``|beta_vec(tau)|^2 ~= sum_{k <= min(N, M)} w*_k^2
  (1 - exp(-lambda_k tau))^2`` (the lazy mode solution), with the effective time ``tau``
  of the run from ``d tau / d step = eta (1 + s(tau))`` (theory §3's time change) integrated
  to the last step. This never exceeds the bound; the ``safety`` factor (default 1/2)
  leaves room for ``1 + 2 s`` to double.

A run that outgrows its step anyway is caught by the blow-up check of the training loop,
which reports ``s`` at the blow-up (theory §1).
"""

from __future__ import annotations

import math

import numpy as np

from ..config import LR_RULES
from ..errors import UsageError
from ..reduced.sgd import bisect_stable_step

__all__ = ["lazy_stable_lr", "sgd_stable_lr", "s_from_norm", "learned_norm", "predict_s_end",
           "default_lr", "DEFAULT_SAFETY"]

DEFAULT_SAFETY = 0.5  # the default of LinearRun.safety and ReluMLPRun.safety


def s_from_norm(gamma0: float, norm2: np.ndarray | float) -> np.ndarray | float:
    """``s`` solving ``s (1 + s) = gamma0^2 |beta|^2`` (theory §2 invariant)."""
    return (np.sqrt(1.0 + 4.0 * gamma0**2 * np.asarray(norm2)) - 1.0) / 2.0


def sgd_stable_lr(eigs: np.ndarray, batch: int) -> float:
    """Largest stable lazy online-SGD step for kernel eigenvalues ``eigs`` (theory §2), by bisection."""
    d = np.asarray(eigs, dtype=float)
    d = d[d > 0]
    grow = 1.0 + 1.0 / batch

    def stability(eta: float) -> float:
        if eta * d.max() * grow >= 2.0:
            return math.inf
        return float(np.sum((eta * d / batch) / (2.0 - eta * d * grow)))

    return bisect_stable_step(stability, float(d.max()), batch)


def lazy_stable_lr(eigs: np.ndarray, batch: int | None) -> float:
    """Largest stable lazy step: ``2/d_max`` for GD (``batch=None``), theory §2's SGD condition otherwise."""
    eigs = np.asarray(eigs, dtype=float)
    if batch is None:
        return 2.0 / float(eigs.max())
    return sgd_stable_lr(eigs, batch)


def learned_norm(lam: np.ndarray, w: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """``|beta(tau)|^2 ~= sum_k w_k^2 (1 - exp(-lambda_k tau))^2`` for every ``tau`` (lazy mode solution)."""
    tau = np.asarray(tau, dtype=float)
    return np.sum(w**2 * (-np.expm1(-np.outer(tau, lam))) ** 2, axis=1)


def _s_profile(lam: np.ndarray, w: np.ndarray, gamma0: float) -> tuple[np.ndarray, np.ndarray]:
    """``(eta * steps, s)`` along the run on a log grid of ``tau``.

    ``d tau / d step = eta (1 + s(tau))`` gives ``eta * steps(tau) = int dtau / (1 + s(tau))``,
    independent of ``eta``: computed once, then rescaled for any ``eta``.
    """
    log_tau = np.linspace(math.log(1e-8 / lam[0]), math.log(1e3 / lam[-1]), 1200)
    tau = np.exp(log_tau)
    s = s_from_norm(gamma0, learned_norm(lam, w, tau))
    integrand = tau / (1.0 + s)  # eta * d step / d log tau
    eta_steps = tau[0] + np.concatenate(
        [[0.0], np.cumsum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(log_tau))])
    return eta_steps, np.asarray(s)


def predict_s_end(lam: np.ndarray, w: np.ndarray, gamma0: float, eta: float, steps: int) -> float:
    """``s`` predicted after ``steps`` steps of size ``eta`` (module docstring; theory §3)."""
    if gamma0 == 0:
        return 0.0
    eta_steps, s = _s_profile(lam, w, gamma0)
    return float(np.interp(eta * steps, eta_steps, s))


def default_lr(lam: np.ndarray, w: np.ndarray, width: int, gamma0: float, steps: int,
               eta_lazy: float, rule: str = "predicted",
               safety: float = DEFAULT_SAFETY) -> tuple[float, float]:
    """``(eta, s_end)``: the step with ``eta (1 + 2 s_end(eta)) = safety * eta_lazy`` (module docstring).

    ``lam``, ``w`` are the task's modes; only ``k <= width`` can be learned (rank-N bottleneck).
    """
    if rule not in LR_RULES:
        raise UsageError(f"lr_rule = {rule!r} is not supported: expected one of {', '.join(LR_RULES)}")
    lam, w = lam[:width], w[:width]
    target = safety * eta_lazy
    s_bound = float(s_from_norm(gamma0, float(np.sum(w**2))))
    if gamma0 == 0:
        return target, 0.0
    if rule == "bound":
        return target / (1.0 + 2.0 * s_bound), s_bound
    eta_steps, s_path = _s_profile(lam, w, gamma0)

    def s_end(eta: float) -> float:
        return float(np.interp(eta * steps, eta_steps, s_path))

    lo, hi = math.log(target / (1.0 + 2.0 * s_bound)), math.log(target)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        excess = math.exp(mid) * (1.0 + 2.0 * s_end(math.exp(mid))) - target
        lo, hi = (mid, hi) if excess < 0 else (lo, mid)
    eta = math.exp(lo)
    return eta, s_end(eta)
