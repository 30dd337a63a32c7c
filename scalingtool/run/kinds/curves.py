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
from typing import Annotated, Any, Callable, Literal

import numpy as np
from pydantic import StringConstraints, conlist, model_validator

from . import Kind, Outcome
from ...config import DataCurveRun, FlowRun, LazySgdRun, WidthCurveRun
from ...errors import UsageError
from ...measure import local_exponent
from ...params import LIMITS
from ...reduced import run_data_curve, run_infinite_flow, run_sgd, run_width_curve
from ...theory import exponents
from ...verify.checks import judge
from ...work import Part
from ..schema.fields import (Exact, Float64End, Positive, Tolerance, Values, limited, positive, same_length,
                             unique, whole)
from ..schema.models import KindParams, StoredData

__all__ = ["KINDS"]


# ---------------------------------------------------------------- parameters and data

def _variants(*labels: str) -> Any:
    return unique(Literal[labels], len(labels))  # type: ignore[valid-type]


TimeVariants = _variants("lazy", "rich")
LazyVariants = _variants("lazy")
SgdVariants = _variants("sgd", "flow")

Tasks = conlist(tuple[limited("alpha", "alpha"), limited("beta", "beta")], min_length=1, max_length=12)


class CurveParams(KindParams):
    """Shared by the curve kinds (theory §2-§4): tasks ``[[alpha, beta], ...]``, the measured
    window in decades and the tolerance on the measured exponent."""

    tasks: Tasks  # type: ignore[valid-type]
    decades: limited("decades") = "2"  # type: ignore[valid-type]
    tolerance: Tolerance = "5e-3"  # type: ignore[valid-type]


class TimeCurvesParams(CurveParams):
    """``time-curves``: infinite-width gradient flow up to ``end`` (float64: ``t <= 1e12``)."""

    variants: TimeVariants = ["lazy", "rich"]  # type: ignore[valid-type]
    gamma0: limited("gamma0") = "1"  # type: ignore[valid-type]
    end: Float64End = "1e10"  # type: ignore[valid-type]


class SizeCurveParams(CurveParams):
    """A curve over sizes ``start..end`` (``per_decade`` points a decade, at most 1e8)."""

    variants: LazyVariants = ["lazy"]  # type: ignore[valid-type]
    start: positive(10**8) = "1e3"  # type: ignore[valid-type]
    end: positive(10**8) = "1e6"  # type: ignore[valid-type]
    per_decade: whole(1, 50) = 4  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        if not 1 <= self.start < self.end:
            raise UsageError(f"expected 1 <= start < end, got start = {self.start}, end = {self.end}")
        return self


class WidthCurveParams(SizeCurveParams):
    """``width-curve``: lazy ``t -> inf`` loss versus width."""


class DataCurveParams(SizeCurveParams):
    """``data-curve``: lazy ridgeless loss versus data size."""


class SgdNoiseParams(CurveParams):
    """``sgd-noise``: online SGD (step ``lr``, ``batch``) against flow, to ``t = end``,
    that is ``end / lr`` steps (within ``LIMITS["sgd_steps"]``)."""

    variants: SgdVariants = ["sgd", "flow"]  # type: ignore[valid-type]
    lr: limited("lr") = "3/10"  # type: ignore[valid-type]
    batch: limited("batch") = 1  # type: ignore[valid-type]
    end: Float64End = "1e7"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        steps, limit = self.end / self.lr, LIMITS["sgd_steps"]
        if not limit.low <= steps <= limit.high:
            raise UsageError(f"end / lr = {float(steps):.3g} steps is out of range: expected "
                             f"{limit.describe('steps')}")
        return self


Text = Annotated[str, StringConstraints(max_length=2000)]


class CurveData(StoredData):
    x: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    measured: float | None
    estimate: float
    drift: float
    window: tuple[Positive, Positive]
    reason: Text
    predicted: Exact

    @model_validator(mode="after")
    def _check(self) -> Any:
        same_length(self, "x", "loss")
        return self


# ---------------------------------------------------------------- the families

@dataclass(frozen=True)
class Family:
    """How one curve kind validates, solves, labels and predicts its curves."""

    name: str
    x_label: str
    quantity: str                                    # time | width | data
    variants: dict[str, tuple[str, str]]             # label -> (training, dynamics)
    schema: type[CurveParams]
    solve: Callable[[Any, CurveSpec], Any]           # (params, curve) -> solved curve


@dataclass(frozen=True)
class CurveSpec:
    """One curve of a family: a task, a variant and its (training, dynamics)."""

    alpha: Fraction
    beta: Fraction
    variant: str
    training: str
    dynamics: str


def _plan_for(family: Family) -> Callable[[CurveParams], list[Part]]:
    def plan(params: CurveParams) -> list[Part]:
        config = params.config()
        parts = []
        for alpha, beta in params.tasks:
            for variant in params.variants:
                curve = CurveSpec(alpha, beta, variant, *family.variants[variant])
                spec = {"alpha": str(alpha), "beta": str(beta), "variant": variant,
                        "training": curve.training, "dynamics": curve.dynamics, **config}
                parts.append(Part(f"{family.name}_a{alpha}_b{beta}_{variant}".replace("/", "_"),
                                  spec, _compute_for(family, params, curve)))
        return parts
    return plan


def _compute_for(family: Family, params: CurveParams, curve: CurveSpec) -> Callable[..., dict[str, Any]]:
    def compute(progress: Any) -> dict[str, Any]:
        solved = family.solve(params, curve)
        m = local_exponent(solved.x, solved.loss, decades=float(params.decades),
                           tolerance=float(params.tolerance))
        theory = exponents(curve.alpha, curve.beta, curve.dynamics).training(curve.training)
        return {"x": solved.x, "loss": solved.loss, "measured": m.value, "estimate": m.estimate,
                "drift": m.drift, "window": list(m.window), "reason": m.reason,
                "predicted": str(getattr(theory, family.quantity))}
    return compute


def _finish_for(family: Family) -> Callable[[CurveParams, dict[str, dict[str, Any]]], Outcome]:
    def finish(params: CurveParams, data: dict[str, dict[str, Any]]) -> Outcome:
        rows, checks = [], []
        for part_id, d in data.items():
            predicted = Fraction(d["predicted"])
            case = part_id.split("_", 1)[1]
            rows.append({"curve": case, "predicted": predicted, "measured": d["measured"],
                         "estimate": d["estimate"], "drift": d["drift"],
                         "window": f"[{d['window'][0]:.3g}, {d['window'][1]:.3g}]"})
            checks.append(judge(family.name, case, family.quantity, predicted, d["measured"],
                                float(params.tolerance), d["reason"]))
        return Outcome(["curve", "predicted", "measured", "estimate", "drift", "window"], rows, checks)
    return finish


def _draw_for(family: Family) -> Callable[..., Any]:
    def draw(params: CurveParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
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


def _infinite_width(params: TimeCurvesParams, curve: CurveSpec) -> Any:
    gamma0 = params.gamma0 if curve.training == "rich" else 0
    return run_infinite_flow(FlowRun.from_user(alpha=curve.alpha, beta=curve.beta, gamma0=gamma0, t_max=params.end))


def _grid(params: SizeCurveParams) -> list[int]:
    lo, hi = np.log10(float(params.start)), np.log10(float(params.end))
    count = max(3, int(round((hi - lo) * params.per_decade)) + 1)
    return sorted({int(round(v)) for v in np.logspace(lo, hi, count)})


def _width(params: SizeCurveParams, curve: CurveSpec) -> Any:
    return run_width_curve(WidthCurveRun.from_user(alpha=curve.alpha, beta=curve.beta, widths=_grid(params)))


def _data(params: SizeCurveParams, curve: CurveSpec) -> Any:
    return run_data_curve(DataCurveRun.from_user(alpha=curve.alpha, beta=curve.beta, sizes=_grid(params)))


def _sgd_or_flow(params: SgdNoiseParams, curve: CurveSpec) -> Any:
    """Lazy online SGD (exact second-moment recursion, ``t = eta n``) or lazy gradient flow."""
    if curve.dynamics == "sgd":
        return run_sgd(LazySgdRun.from_user(alpha=curve.alpha, beta=curve.beta, eta=params.lr, batch=params.batch,
                                            steps=int(params.end / params.lr)))
    return run_infinite_flow(FlowRun.from_user(alpha=curve.alpha, beta=curve.beta, t_max=params.end))


_FLOW = {"lazy": ("lazy", "gd"), "rich": ("rich", "gd")}
_LAZY = {"lazy": ("lazy", "gd")}
_FAMILIES = [
    Family("time-curves", "time t", "time", _FLOW, TimeCurvesParams, _infinite_width),
    Family("width-curve", "width N", "width", _LAZY, WidthCurveParams, _width),
    Family("data-curve", "data size P", "data", _LAZY, DataCurveParams, _data),
    Family("sgd-noise", "time t = eta n", "time", {"sgd": ("lazy", "sgd"), "flow": ("lazy", "gd")},
           SgdNoiseParams, _sgd_or_flow),
]

KINDS = {f.name: Kind(f.name, "reduced", f"{f.quantity} curves with measured slopes",
                      _plan_for(f), _finish_for(f), _draw_for(f), f.schema, CurveData) for f in _FAMILIES}
