"""The symbolic results of theory §3 as formulas, for ``scalingtool derive``.

Each entry is derived by the same functions that give the numbers of
:func:`~scalingtool.theory.summary.exponents`, with SymPy symbols ``alpha``, ``beta`` in
place of rationals. Results whose form changes between regimes are derived regime by
regime (:func:`regime_values`: every ``Min``/``Max`` resolved and checked inside the
regime) and shown as a ``Piecewise`` over the regimes; the data exponent, whose kink at
``beta = 2`` is not a regime boundary, is shown as its own ``Piecewise``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .compute import regime_optimum
from .crossover import noise_takeover_power, rich_onset_power, width_plateau_power
from .regimes import (easy_supereasy_boundary, hard_easy_boundary, observed_time_decay,
                      regimes_for, resolve_branches)
from .symbols import beta as BETA
from .terms import (data_decay, kappa_decay, learned_norm_growth, noise_decay, signal_decay,
                    transient_decay, width_decay)
from .timechange import TRAININGS, signal_time_decay, time_change

__all__ = ["Derived", "derive", "as_piecewise", "regime_values", "global_values", "DESCRIPTIONS"]

#: What each key means; the order is the order of ``scalingtool derive``.
DESCRIPTIONS: dict[str, str] = {
    "signal": "signal term ~ tau^-(this)",
    "kappa": "kappa ~ N^-(this), from sum_k lambda_k/(lambda_k+kappa) = N",
    "learned_norm": "|beta_vec|^2 ~ tau^(this)",
    "width": "width term ~ N^-(this), lazy and rich",
    "data": "data term ~ P^-(this), lazy",
    "transient": "finite-width transient ~ N^-1 tau^-(this)",
    "noise": "SGD noise ~ (eta/Bsz) t^-(this)",
    **{f"{tr}.{key}": f"{tr}: {text}" for tr in TRAININGS for key, text in (
        ("time_change", "tau ~ t^(this)"),
        ("signal", "signal term ~ t^-(this)"),
        ("time", "L ~ t^-(this)"),
        ("compute", "L* ~ C^-(this), C = N t"),
        ("n_star", "N* ~ C^(this)"),
        ("t_star", "t* ~ C^(this)"),
        ("noise_takeover", "SGD noise dominates after t ~ (eta/Bsz)^(this) (oo: never)"),
    )},
    "rich_onset": "rich behaviour starts at tau ~ gamma0^(this) (oo: never)",
    "width_plateau": "loss reaches the width floor at tau ~ N^(this)",
}


@dataclass(frozen=True)
class Derived:
    """One symbolic result: a stable ``key``, what it is, and the expression."""

    key: str
    description: str
    expr: sp.Expr

    @property
    def text(self) -> str:
        return sp.sstr(self.expr)

    @property
    def latex(self) -> str:
        return sp.latex(self.expr)


def as_piecewise(expr: sp.Expr) -> sp.Expr:
    """``Min``/``Max`` rewritten as a folded ``Piecewise`` (unchanged if there are none)."""
    if not expr.has(sp.Min, sp.Max):
        return expr
    folded = sp.piecewise_fold(expr.rewrite(sp.Piecewise))
    if isinstance(folded, sp.Piecewise):
        return sp.Piecewise(*[(sp.cancel(e), c) for e, c in folded.args])
    return folded


@lru_cache(maxsize=None)
def global_values() -> dict[str, sp.Expr]:
    """Results with one form for all regimes (``data`` keeps its ``Min``)."""
    return {"signal": signal_decay(), "kappa": kappa_decay(), "noise": noise_decay(),
            "data": data_decay()}


@lru_cache(maxsize=None)
def regime_values(dynamics: str = "sgd") -> dict[str, dict[str, object]]:
    """``{regime: {key: formula | None | balance names}}``, every branch resolved.

    ``None`` means "never" (a crossover that does not happen in that regime); the
    ``<training>.balance`` entries name the terms balancing at the compute optimum.
    """
    out: dict[str, dict[str, object]] = {}
    for regime in regimes_for(dynamics):
        def resolved(expr: sp.Expr | None) -> sp.Expr | None:
            return None if expr is None else sp.cancel(resolve_branches(expr, regime, dynamics))

        values: dict[str, object] = {
            "learned_norm": resolved(learned_norm_growth()),
            "width": resolved(width_decay()),
            "transient": resolved(transient_decay()),
        }
        for training in TRAININGS:
            chi = signal_time_decay(training)
            e, t_star, n_star, balance = regime_optimum(training, dynamics, regime)
            values.update({
                f"{training}.time_change": resolved(time_change(training)),
                f"{training}.signal": resolved(chi),
                f"{training}.time": resolved(observed_time_decay(dynamics, chi)),
                f"{training}.compute": e, f"{training}.n_star": n_star,
                f"{training}.t_star": t_star, f"{training}.balance": balance,
            })
            if dynamics == "sgd":
                values[f"{training}.noise_takeover"] = resolved(
                    noise_takeover_power(training, regime=regime))
        values["rich_onset"] = resolved(rich_onset_power(regime=regime))
        values["width_plateau"] = resolved(width_plateau_power(regime=regime))
        out[regime] = values
    return out


def _conditions(dynamics: str) -> list:
    conditions = [BETA < hard_easy_boundary()]
    if dynamics == "sgd":
        conditions.append(BETA < easy_supereasy_boundary())
    return conditions + [sp.true]


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    if a is sp.oo or b is sp.oo:
        return a == b
    return sp.cancel(a - b) == 0


def _merge(values: list[sp.Expr | None], dynamics: str) -> sp.Expr:
    """A ``Piecewise`` over the regimes; equal neighbours merged, ``None`` shown as ``oo``."""
    pieces: list[tuple[sp.Expr, sp.Basic]] = []
    for value, condition in zip(values, _conditions(dynamics)):
        value = sp.oo if value is None else value
        if pieces and _same(pieces[-1][0], value):
            pieces[-1] = (value, condition)
        else:
            pieces.append((value, condition))
    return pieces[0][0] if len(pieces) == 1 else sp.Piecewise(*pieces)


def derive(dynamics: str = "sgd") -> list[Derived]:
    """Every theory §3 result as a formula in ``alpha``, ``beta``, in :data:`DESCRIPTIONS` order."""
    out = [Derived("boundary_hard_easy", "beta at the hard|easy boundary", hard_easy_boundary())]
    if dynamics == "sgd":
        out.append(Derived("boundary_easy_supereasy", "beta at the easy|super-easy boundary",
                           easy_supereasy_boundary()))
    per_regime = regime_values(dynamics)
    regimes = regimes_for(dynamics)
    for key, description in DESCRIPTIONS.items():
        if key in global_values():
            out.append(Derived(key, description, as_piecewise(global_values()[key])))
        elif key in per_regime[regimes[0]]:
            out.append(Derived(key, description,
                               _merge([per_regime[r][key] for r in regimes], dynamics)))
    return out
