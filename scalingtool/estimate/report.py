"""What ``scalingtool estimate`` prints: rows for the table and CSV, the ``scalingtool/estimate/v1`` JSON."""

from __future__ import annotations

from typing import Any

from .. import schemas
from ..formats import Report
from .estimator import QUANTITIES, Estimate
from .loss_curve import CurveFit, LossCurve, implied_beta

__all__ = ["estimate_report", "estimate_payload", "loss_curve_report", "SCHEMA"]

SCHEMA = schemas.ESTIMATE
_COLUMNS = ["quantity", "training", "value", "ci_low", "ci_high", "window"]


def _vc(value: Any, ci: Any) -> dict[str, Any]:
    return {"value": value, "ci": list(ci) if ci is not None else None}


def estimate_payload(e: Estimate) -> dict[str, Any]:
    """The JSON document (schema ``scalingtool/estimate/v1``, documented in the README)."""
    return {
        "schema": SCHEMA,
        "source": e.source,
        "samples": e.samples,
        "alpha": _vc(*e.alpha),
        "beta": _vc(*e.beta) if e.beta is not None else None,
        "window": {"alpha": list(e.windows.alpha), "beta": list(e.windows.beta) if e.windows.beta else None,
                   "rule": e.windows.rule},
        "regime": e.regime,
        "regime_probability": e.regime_probability,
        "dynamics": e.dynamics,
        "predicted": {tr: {q: _vc(*e.predicted[tr][q]) for q in QUANTITIES} for tr in e.predicted},
        "bootstrap": int(next(iter(e.draws.values())).shape[0]) if e.draws else 0,
        "summary": e.sentence,
        "notes": e.notes,
    }


def _rows(e: Estimate) -> list[dict[str, Any]]:
    def row(q: str, tr: str, value: Any, ci: Any, window: Any = None) -> dict[str, Any]:
        lo, hi = ci if ci is not None else (None, None)
        return {"quantity": q, "training": tr, "value": value, "ci_low": lo, "ci_high": hi,
                "window": f"k = {window[0]}..{window[1]}" if window else None}

    rows = [row("alpha", "-", e.alpha[0], e.alpha[1], e.windows.alpha)]
    if e.beta is not None:
        rows.append(row("beta", "-", e.beta[0], e.beta[1], e.windows.beta))
    for tr in e.predicted:
        for q in QUANTITIES:
            rows.append(row(q, tr, *e.predicted[tr][q]))
    return rows


def estimate_report(e: Estimate) -> Report:
    """The report: alpha, beta, predicted exponents (with intervals), regime line and notes."""
    probs = ", ".join(f"{k} {v:.0%}" for k, v in e.regime_probability.items())
    notes = [e.sentence]
    if e.regime is not None:
        notes.append(f"regime: {e.regime} (bootstrap probability: {probs}); predictions for {e.dynamics} "
                     "(theory §3), intervals from the same bootstrap draws")
    notes += e.notes
    return Report(f"Estimate: {e.source}, P = {e.samples}", _COLUMNS, _rows(e), estimate_payload(e), notes)


def loss_curve_report(path: str, curve: LossCurve, fit: CurveFit, est: Estimate | None) -> Report:
    """The time exponent of a loss curve, the beta it implies per law, and (with a spectrum)
    which law the curve is consistent with."""
    betas = implied_beta(fit.chi)
    beta_ci = {"lazy": list(fit.ci) if betas["lazy"] is not None else None,
               "rich": [c / (2.0 - c) for c in fit.ci] if fit.ci[1] < 1 and fit.ci[0] > 0 else None}
    rows = [{"quantity": "chi (time exponent)", "value": fit.chi, "ci_low": fit.ci[0], "ci_high": fit.ci[1]},
            {"quantity": "beta if lazy (chi = beta)", "value": betas["lazy"],
             "ci_low": beta_ci["lazy"][0] if beta_ci["lazy"] else None,
             "ci_high": beta_ci["lazy"][1] if beta_ci["lazy"] else None},
            {"quantity": "beta if rich (chi = 2 beta/(1+beta))", "value": betas["rich"],
             "ci_low": beta_ci["rich"][0] if beta_ci["rich"] else None,
             "ci_high": beta_ci["rich"][1] if beta_ci["rich"] else None}]
    notes = [f"fit over t in [{fit.window[0]:.4g}, {fit.window[1]:.4g}] ({fit.curves} curve(s){', ' + curve.group if curve.group else ''}); interval: {fit.method}"]
    if betas["lazy"] is None:
        notes.append(f"the loss does not fall over the window (chi = {fit.chi:.3g} <= 0): no power-law decay, "
                     "so no beta; outside the model's range (theory §6)")
    elif betas["rich"] is None:
        notes.append("the rich law chi = 2 beta/(1+beta) holds for hard tasks (chi < 1) only")
    consistent = None
    if est is not None and est.predicted:
        consistent = {}
        for tr in ("lazy", "rich"):
            value, ci = est.predicted[tr]["time"]
            if ci is None:
                ci = (value, value)
            overlap = ci is not None and value is not None and fit.ci[0] <= ci[1] and ci[0] <= fit.ci[1]
            consistent[tr] = bool(overlap)
            rows.append({"quantity": f"predicted {tr} time exponent (spectrum)", "value": value,
                         "ci_low": ci[0] if ci else None, "ci_high": ci[1] if ci else None})
        laws = [tr for tr, ok in consistent.items() if ok]
        notes.append("the curve is consistent with " + (" and ".join(laws) + " training" if laws else
                                                        "neither law's predicted time exponent"))
    payload = {"schema": SCHEMA, "source": f"loss-curve {path}", "samples": None,
               "time_exponent": {"value": fit.chi, "ci": list(fit.ci), "window": list(fit.window),
                                 "curves": fit.curves, "method": fit.method},
               "implied_beta": {"lazy": {"value": betas["lazy"], "ci": beta_ci["lazy"]},
                                "rich": {"value": betas["rich"], "ci": beta_ci["rich"]}},
               "consistent_with": consistent,
               "spectrum": estimate_payload(est) if est is not None else None,
               "notes": notes}
    return Report(f"Loss curve: {path}", ["quantity", "value", "ci_low", "ci_high"], rows, payload, notes)
