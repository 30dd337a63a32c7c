"""Reduced-dynamics recipe: the compute frontier, lazy vs rich (theory §2-§3).

For each training, finite-width gradient flow on one draw of ``A`` (theory §2, N-space form
in ``Sigma``'s eigenbasis) gives ``L(t, N)`` for a family of widths; the envelope
``min_N L(C/N, N)`` over ``C = N t`` and the argmin width are fitted as power laws and
compared with the compute-optimal row of theory §3 (``e`` and ``N* ~ C^a``). One part per
training and width (the curves are independent; the widest dominate the cost), so a cluster
shares them out; the envelope is formed from the stored curves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import model_validator

from . import Kind, Outcome
from ...config import FrontierRun
from ...params import Training
from ...reduced.curve import Curve
from ...reduced.frontier import frontier_curve, frontier_from_curves
from ...theory import exponents
from ...verify.checks import judge
from ...work import Part
from ..schema.fields import Alpha, Beta, Tolerance, Values, limited, same_length, unique
from ..schema.models import KindParams, StoredData

ProjectionWidth = limited("projection_width")


class FrontierParams(KindParams):
    """``frontier`` (theory §2-§3): finite-width flow over 3 to 12 distinct widths (``LIMITS["projection_width"]``)."""

    alpha: Alpha
    beta: Beta
    widths: unique(ProjectionWidth, 12, 3)  # type: ignore[valid-type]
    trainings: unique(Training, 2) = ["lazy", "rich"]  # type: ignore[valid-type]
    tolerance: Tolerance = "0.03"  # type: ignore[valid-type]
    allocation_tolerance: Tolerance = "0.06"  # type: ignore[valid-type]


class FrontierData(StoredData):
    """One width's loss curve of a frontier (``t`` increasing, ``loss`` positive)."""

    training: Training
    width: ProjectionWidth  # type: ignore[valid-type]
    t: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        same_length(self, "t", "loss")
        if not all(0 < a < b for a, b in zip(self.t, self.t[1:])) or not self.t[0] > 0:
            raise ValueError("t must be positive and increasing")
        if not all(v > 0 for v in self.loss):
            raise ValueError("loss must be positive")
        return self


def _plan(params: FrontierParams) -> list[Part]:
    config = params.config()
    alpha, beta, widths = params.alpha, params.beta, sorted(params.widths)

    def part(training: str, width: int) -> Part:
        def compute(progress: Any) -> dict[str, Any]:
            curve = frontier_curve(FrontierRun.from_user(alpha=alpha, beta=beta, widths=widths, training=training),
                                   width)
            return {"training": training, "width": width, "t": curve.x.tolist(), "loss": curve.loss.tolist()}
        return Part(f"frontier_{training}_N{width}", {"training": training, "width": width, **config}, compute)

    # the widest first: a cluster starts the longest parts first
    return [part(t, n) for n in reversed(widths) for t in params.trainings]


def _frontiers(params: FrontierParams, data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per training, the frontier of its stored curves (:func:`~scalingtool.reduced.frontier.frontier_from_curves`)."""
    out = {}
    for training in params.trainings:
        curves = {d["width"]: Curve("t", np.asarray(d["t"], float), np.asarray(d["loss"], float))
                  for d in data.values() if d["training"] == training}
        out[training] = frontier_from_curves(curves)
    return out


def _finish(params: FrontierParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows, checks = [], []
    for training, f in _frontiers(params, data).items():
        theory = exponents(params.alpha, params.beta, "gd").training(training)
        measured = {"compute": None if f.exponent is None else -f.exponent.slope,
                    "n_star": None if f.allocation is None else f.allocation.slope}
        for quantity, predicted, tol in (("compute", theory.compute, float(params.tolerance)),
                                         ("n_star", theory.n_star, float(params.allocation_tolerance))):
            rows.append({"training": training, "quantity": quantity, "predicted": predicted,
                         "measured": measured[quantity]})
            checks.append(judge("frontier", training, quantity, predicted, measured[quantity], tol,
                                f"widths {min(params.widths)}..{max(params.widths)}, one draw of A"))
    return Outcome(["training", "quantity", "predicted", "measured"], rows, checks)


def _draw(params: FrontierParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    frontiers = _frontiers(params, data)
    figure, axes = plt.subplots(1, len(frontiers), figsize=(6.5 * len(frontiers), 5), squeeze=False)
    for ax, (training, f) in zip(axes[0], frontiers.items()):
        for n, curve in sorted(f.curves.items()):
            ax.loglog(n * curve.x, curve.loss, lw=0.8, alpha=0.6, color="grey")
        c, env = f.compute, f.loss
        ax.loglog(c, env, "k", lw=2.2, label="envelope min_N L(C/N, N)")
        if f.exponent is not None:
            predicted = exponents(params.alpha, params.beta, "gd").training(training).compute
            e = float(predicted)
            mid = len(c) // 2
            ax.loglog(c, 3 * env[mid] * (c / c[mid]) ** (-e), "r--", lw=1.2,
                      label=f"theory C^-{predicted} (fit {-f.exponent.slope:.3f})")
        ax.set_title(f"{training}: alpha = {params.alpha}, beta = {params.beta}")
        ax.set_xlabel("compute C = N t")
        ax.set_ylabel("loss")
        ax.legend(fontsize=8)
    return figure


KIND = Kind("frontier", "reduced", "compute frontier over a family of widths, lazy vs rich",
            _plan, _finish, _draw, FrontierParams, FrontierData)
