"""Simulation recipe: the two-layer ReLU network on the circle, lazy vs rich (theory §5).

Each part trains one feature-learning strength over several seeds (the depth-1, full-batch
configuration of the ReLU MLP); the capacity ``alpha`` is measured from the initial NTK
spectrum and ``beta`` derived from the target (the nominal task), and, with the theory §6
methods, both are estimated from each seed's initial NTK Gram matrix on 8 k_hi angles and its
target (bootstrap intervals). The measured time exponents are set beside the SymPy predictions
of both; the lazy check uses the estimated line when there is one.
This is an approximate check (the network is not the linear model): the lazy exponent is
checked against the lazy theory line; the rich - lazy difference (the best rich part against
the lazy one, paired over seeds) is checked against the recipe's reference run
(:mod:`scalingtool.run.reference`), so a run exits 0 when the network behaves as recorded and
1 when a change breaks that. The theory's predicted difference stays beside it in the check's
note and as dashed reference slopes in the figure (theory §5). With ``margin_check`` (the
default) the difference is also checked against the theory: an improvement between 0 and
twice the margin.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from pydantic import Field, StrictBool, model_validator

from . import Kind, Measured, Outcome
from ...errors import UsageError
from ...estimate.circle import circle_task_summary, estimate_text, predicted_gain
from ...params import Training
from ...simulate.circle_task import measured_task
from ...simulate.mlp_circle import simulate_mlp_circle
from ...simulate.slope import paired_difference
from ...theory import exponents
from ...verify.checks import judge
from ...work import Part
from ..schema.fields import Beta, Exact, Tolerance, Values, limited, numbers, same_length
from ..schema.models import KindParams, StoredData

#: bootstrap resamplings of the estimate of alpha and beta from the initial NTK (theory §6)
BRIDGE_REPLICATES = 50


class MlpParams(KindParams):
    """``mlp-circle`` (theory §5): the ReLU network, one part per ``gamma0`` (at most 6)."""

    beta: Beta
    gamma0: numbers("gamma0", 6)  # type: ignore[valid-type]
    width: limited("width") = 256  # type: ignore[valid-type]
    steps: limited("steps") = 2000  # type: ignore[valid-type]
    seeds: limited("seeds") = 2  # type: ignore[valid-type]
    modes: limited("modes") = 128  # type: ignore[valid-type]
    grid: limited("points") = 512  # type: ignore[valid-type]
    tolerance: Tolerance = "0.1"  # type: ignore[valid-type]
    #: check the rich - lazy difference against the theory's margin (between 0 and twice it)
    margin_check: StrictBool = True

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.grid < 4 * self.modes:
            raise UsageError(f"grid = {self.grid} must be at least 4 x modes = {4 * self.modes}")
        return self


class MlpData(StoredData):
    steps: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    mean: float
    spread: float
    alpha: Exact
    beta: Exact
    training: Training
    predicted: Exact
    #: each seed's time exponent (empty: stored before they were kept)
    exponents: list[float] = Field(default_factory=list)
    #: alpha, beta and the theory lines estimated from the initial kernel (theory §6; None: not measured)
    bridge: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> Any:
        same_length(self, "steps", "loss")
        return self


def _plan(params: MlpParams) -> list[Part]:
    # the checks' keys are not the runs': changing them must not recompute a part
    config = {k: v for k, v in params.config().items() if k not in ("tolerance", "margin_check")}
    beta = params.beta
    gammas = [float(g) for g in params.gamma0]

    def part(g: float) -> Part:
        def compute(progress: Any) -> dict[str, Any]:
            r = simulate_mlp_circle(beta, g, width=params.width, steps=params.steps,
                                    seeds=params.seeds, modes=params.modes, grid=params.grid,
                                    progress=progress)
            r = r.completed()  # Ctrl-C: never store a partial run as a finished part
            a_m, b_m = measured_task(r)
            training = "rich" if g > 0 else "lazy"
            meta = r.metadata
            bridge = circle_task_summary(float(beta), r.seeds, depth=1, width=params.width, modes=params.modes,
                                         k_range=tuple(meta["alpha_range"]), dynamics="gd",
                                         samples=meta["kernel_points"], replicates=BRIDGE_REPLICATES)
            return {"steps": r.steps, "loss": r.loss.mean(axis=0), "exponents": r.exponents,
                    "mean": r.exponent_mean, "spread": r.exponent_spread, "alpha": str(a_m),
                    "beta": str(b_m), "training": training,
                    "predicted": str(exponents(a_m, b_m, "gd").training(training).time), "bridge": bridge}
        # "network" names the simulator, so parts stored by an earlier implementation are recomputed
        return Part(f"mlp_gamma0={g:g}", {"gamma0_run": g, "network": "relu_mlp depth 1 grid", **config}, compute)

    return [part(g) for g in gammas]


def _finish(params: MlpParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows, checks = [], []
    for part_id, d in data.items():
        bridge = d.get("bridge") if d.get("bridge") and d["bridge"].get("lazy") is not None else None
        rows.append({"run": part_id, "alpha": Fraction(d["alpha"]), "beta": Fraction(d["beta"]),
                     "predicted": Fraction(d["predicted"]), "alpha_est": estimate_text(bridge, "alpha"),
                     "beta_est": estimate_text(bridge, "beta"), "predicted_est": estimate_text(bridge, d["training"]),
                     "measured": d["mean"], "spread": d["spread"]})
        if d["training"] == "lazy":
            line = Fraction(d["predicted"]) if bridge is None else bridge["lazy"]
            how = ("the nominal task" if bridge is None else
                   f"the task estimated from the initial NTK (theory §6; nominal {float(Fraction(d['predicted'])):.3f})")
            checks.append(judge("mlp", part_id, "time", line, d["mean"], float(params.tolerance),
                                f"approximate check (theory §5): finite width and steps; line from {how}"))
    lazy = [d for d in data.values() if d["training"] == "lazy"]
    rich = [d for d in data.values() if d["training"] == "rich"]
    measured = {}
    if lazy and rich and Fraction(lazy[0]["beta"]) < 1:
        best = max(rich, key=lambda d: d["mean"])
        nominal = Fraction(rich[0]["predicted"]) - Fraction(lazy[0]["predicted"])
        margin, said = predicted_gain(lazy[0].get("bridge"), nominal)
        se = (paired_difference(best["exponents"], lazy[0]["exponents"])[1]
              if best["exponents"] and len(best["exponents"]) == len(lazy[0]["exponents"]) else None)
        measured["hard target"] = Measured("rich - lazy exponent", best["mean"] - lazy[0]["mean"], se, said)
        if params.margin_check:
            checks.append(judge("mlp", "hard target", "rich - lazy exponent (> 0 expected)", margin,
                                best["mean"] - lazy[0]["mean"], float(margin),
                                f"pass when the improvement is between 0 and twice the predicted margin; {said}"))
    return Outcome(["run", "alpha", "beta", "predicted", "alpha_est", "beta_est", "predicted_est", "measured",
                    "spread"], rows, checks, measured=measured)


def _draw(params: MlpParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    figure, ax = plt.subplots(figsize=(7, 5))
    for part_id, d in data.items():
        steps, loss = np.asarray(d["steps"], float), np.asarray(d["loss"], float)
        keep = steps > 0
        (line,) = ax.loglog(steps[keep], loss[keep], lw=1.8,
                            label=f"{part_id}: {d['mean']:.3f} +- {d['spread']:.3f} "
                                  f"(theory {float(Fraction(d['predicted'])):.3f})")
        # the theory's slope as a reference line through the curve's end, a factor 2 above it
        p, end = float(Fraction(d["predicted"])), steps[keep][-1]
        xs = np.geomspace(end / 30, end, 10)
        ax.loglog(xs, 2 * loss[keep][-1] * (xs / end) ** -p, "--", color=line.get_color(), lw=1,
                  label=f"theory slope -{p:.3f}")
    ax.set_xlabel("step")
    ax.set_ylabel("test loss (mean over seeds)")
    ax.set_title(f"ReLU MLP on the circle, target beta = {params.beta}")
    ax.legend(fontsize=8)
    return figure


KIND = Kind("mlp-circle", "simulation", "ReLU network on the circle, lazy vs rich (theory §5)",
            _plan, _finish, _draw, MlpParams, MlpData)
