"""Reduced-dynamics recipes: families of loss curves with measured slopes (theory §2-§4).

One shape serves every curve kind: a part is one curve (a task and a training), its
stored data are the curve and the measured exponent (theory §4 local slope over the last
decades), the summary puts each measurement beside the SymPy prediction, and the figure
draws the curves on log-log axes with the predicted power law overlaid as a dashed line.

Kinds: ``time-curves`` (loss vs time, lazy vs rich, infinite width), ``width-curve``
(lazy ``t -> inf`` loss vs width), ``data-curve`` (lazy loss vs data size), ``sgd-noise``
(lazy online SGD against gradient flow on a super-easy task).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ...params import parse_alpha, parse_beta, parse_nonnegative, parse_positive
from ...verify.checks import judge
from ..recipe import Params
from . import Kind, Outcome, Part, Plan

__all__ = ["KINDS"]


@dataclass(frozen=True)
class Family:
    """How one curve kind solves, labels and predicts its curves."""

    name: str
    x_label: str
    quantity: str                                    # time | width | data
    variants: dict[str, tuple[str, str]]             # label -> (training, dynamics)
    solve: Callable[[dict[str, Any]], Any]           # spec -> Curve


def _tasks(params: Params) -> list[tuple[Fraction, Fraction]]:
    raw = params.raw("tasks")
    if not isinstance(raw, list) or not raw or len(raw) > 12 or \
            not all(isinstance(t, list) and len(t) == 2 for t in raw):
        raise params.error("tasks", 'expected a list of [alpha, beta] pairs, e.g. [["2", "1/2"], ["3", "5/4"]]')
    try:
        return [(parse_alpha(a), parse_beta(b)) for a, b in raw]
    except Exception as exc:  # UsageError from the parsers
        raise params.error("tasks", str(exc)) from None


def _plan_for(family: Family) -> Callable[[Params, dict[str, Any]], Plan]:
    def plan(params: Params, expect: dict[str, Any]) -> Plan:
        tasks = _tasks(params)
        variants = params.raw("variants", list(family.variants))
        if not isinstance(variants, list) or not variants or not set(variants) <= set(family.variants):
            raise params.error("variants", f"expected a list drawn from {', '.join(family.variants)}")
        config = {
            "family": family.name,
            "gamma0": str(params.number("gamma0", "1", lambda v, n: parse_nonnegative(v, n, Fraction(100)))),
            "end": str(params.number("end", "1e10", lambda v, n: parse_positive(v, n))),
            "start": str(params.number("start", "1e3", lambda v, n: parse_positive(v, n))),
            "per_decade": params.integer("per_decade", 4, 1, 50),
            "batch": params.integer("batch", 1, 1, 10**6),
            "lr": str(params.number("lr", "3/10", lambda v, n: parse_positive(v, n, Fraction(10)))),
            "decades": float(params.number("decades", "2", lambda v, n: parse_positive(v, n, Fraction(20)))),
            "tolerance": float(params.number("tolerance", "5e-3", lambda v, n: parse_positive(v, n, Fraction(1)))),
        }
        parts = []
        for alpha, beta in tasks:
            for variant in variants:
                training, dynamics = family.variants[variant]
                spec = {"alpha": str(alpha), "beta": str(beta), "variant": variant,
                        "training": training, "dynamics": dynamics, **config}
                parts.append(Part(f"{family.name}_a{alpha}_b{beta}_{variant}".replace("/", "_"),
                                  spec, _compute_for(family, spec)))
        return Plan(config, parts)
    return plan


def _compute_for(family: Family, spec: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def compute(progress: Any) -> dict[str, Any]:
        from ...measure import local_exponent
        from ...theory import exponents

        curve = family.solve(spec)
        m = local_exponent(curve.x, curve.loss, decades=spec["decades"], tolerance=spec["tolerance"])
        theory = exponents(spec["alpha"], spec["beta"], spec["dynamics"]).training(spec["training"])
        return {"x": curve.x, "loss": curve.loss, "measured": m.value, "estimate": m.estimate,
                "drift": m.drift, "window": list(m.window), "reason": m.reason,
                "predicted": str(getattr(theory, family.quantity))}
    return compute


def _finish_for(family: Family) -> Callable[[dict[str, Any], dict[str, dict[str, Any]]], Outcome]:
    def finish(config: dict[str, Any], data: dict[str, dict[str, Any]]) -> Outcome:
        rows, checks = [], []
        for part_id, d in data.items():
            predicted = Fraction(d["predicted"])
            case = part_id.split("_", 1)[1]
            rows.append({"curve": case, "predicted": predicted, "measured": d["measured"],
                         "estimate": d["estimate"], "drift": d["drift"],
                         "window": f"[{d['window'][0]:.3g}, {d['window'][1]:.3g}]"})
            checks.append(judge(family.name, case, family.quantity, predicted, d["measured"],
                                config["tolerance"], d["reason"]))
        return Outcome(["curve", "predicted", "measured", "estimate", "drift", "window"], rows, checks)
    return finish


def _draw_for(family: Family) -> Callable[..., Any]:
    def draw(config: dict[str, Any], data: dict[str, dict[str, Any]], plt: Any) -> Any:
        figure, ax = plt.subplots(figsize=(7, 5))
        for part_id, d in data.items():
            x, y = np.asarray(d["x"], float), np.asarray(d["loss"], float)
            (line,) = ax.loglog(x, y, lw=1.8, label=part_id.split("_", 1)[1])
            # the predicted power law through the end of the measured window, drawn a
            # factor 4 above the curve so that both stay visible
            p = float(Fraction(d["predicted"]))
            x0, x1 = d["window"]
            y1 = float(np.interp(np.log(x1), np.log(x), np.log(y)))
            xs = np.geomspace(x0 / 100, x1, 20)
            ax.loglog(xs, 4 * np.exp(y1) * (xs / x1) ** (-p), "--", color=line.get_color(), lw=1,
                      label=f"theory slope -{d['predicted']}")
        ax.set_xlabel(family.x_label)
        ax.set_ylabel("loss")
        ax.legend(fontsize=7, ncol=2)
        ax.set_title(family.name)
        return figure
    return draw


def _infinite_width(spec: dict[str, Any]) -> Any:
    from ...reduced import solve_infinite_width

    gamma0 = spec["gamma0"] if spec["training"] == "rich" else 0
    return solve_infinite_width(spec["alpha"], spec["beta"], gamma0, t_max=spec["end"])


def _grid(spec: dict[str, Any]) -> list[int]:
    lo, hi = np.log10(float(Fraction(spec["start"]))), np.log10(float(Fraction(spec["end"])))
    count = max(3, int(round((hi - lo) * spec["per_decade"])) + 1)
    return sorted({int(round(v)) for v in np.logspace(lo, hi, count)})


def _width(spec: dict[str, Any]) -> Any:
    from ...reduced import deterministic_width_curve

    return deterministic_width_curve(spec["alpha"], spec["beta"], _grid(spec))


def _data(spec: dict[str, Any]) -> Any:
    from ...reduced import data_curve

    return data_curve(spec["alpha"], spec["beta"], _grid(spec))


def _sgd_or_flow(spec: dict[str, Any]) -> Any:
    """Lazy online SGD (exact second-moment recursion, ``t = eta n``) or lazy gradient flow."""
    from ...reduced import solve_infinite_width, solve_sgd

    if spec["dynamics"] == "sgd":
        eta = Fraction(spec["lr"])
        return solve_sgd(spec["alpha"], spec["beta"], eta, spec["batch"], int(Fraction(spec["end"]) / eta))
    return solve_infinite_width(spec["alpha"], spec["beta"], 0, t_max=spec["end"])


_FLOW = {"lazy": ("lazy", "gd"), "rich": ("rich", "gd")}
_FAMILIES = [
    Family("time-curves", "time t", "time", _FLOW, _infinite_width),
    Family("width-curve", "width N", "width", {"lazy": ("lazy", "gd")}, _width),
    Family("data-curve", "data size P", "data", {"lazy": ("lazy", "gd")}, _data),
    Family("sgd-noise", "time t = eta n", "time", {"sgd": ("lazy", "sgd"), "flow": ("lazy", "gd")},
           _sgd_or_flow),
]

KINDS = {f.name: Kind(f.name, "reduced", f"{f.quantity} curves with measured slopes",
                      _plan_for(f), _finish_for(f), _draw_for(f)) for f in _FAMILIES}
