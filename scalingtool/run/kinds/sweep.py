"""Simulation sweep: the linear network over widths x ``gamma0`` x seeds (theory §1, §3, §4).

Each part trains one network (one width, one feature-learning strength ``gamma0``, one
seed) with :func:`~scalingtool.simulate.simulate_linear` and measures its time exponent
``p`` (``L - L_inf(N) ~ t^-p``, theory §4). A part depends only on its own parameters and
seed, never on the rest of the grid, so sweeps distribute over a Dask cluster and grow:
adding widths, ``gamma0`` values or seeds reuses every run already stored.

The outcome is the rich-minus-lazy map ``p(N, gamma0) - p(N, 0)`` (seed means) against the
theory's margin ``p_rich - p_lazy`` (theory §3: ``2 beta/(1 + beta) - beta`` for a hard task,
0 for an easy one). Checks at the widest network: the lazy exponent, and the margin at the
``gamma0`` nearest the recommended rich strength (:data:`~scalingtool.simulate.RICH_GAMMA0`).

``device = "cuda"`` trains with torch on a GPU; on a Dask cluster such parts run only on
workers started with ``--resources GPU=1``.
"""

from __future__ import annotations

from fractions import Fraction
import math
from typing import Any, Literal

import numpy as np
from pydantic import model_validator

from . import Kind, Outcome
from ...config import LinearRun
from ...errors import UsageError
from ...simulate.linear import run_linear
from ...theory import exponents
from ...verify.checks import judge
from ...work import Part
from ..schema.fields import Alpha, Beta, Tolerance, Values, limited, numbers, unique
from ..schema.models import KindParams, StoredData

_RICH_GAMMA0 = 2.0  # simulate.RICH_GAMMA0, not imported here: planning must stay light
Width = limited("width")


class SweepParams(KindParams):
    """``simulate-sweep``: one part per (width, gamma0, seed); gamma0 must include 0 (lazy)."""

    alpha: Alpha = "2"  # type: ignore[assignment]
    beta: Beta = "1/2"  # type: ignore[assignment]
    widths: unique(Width, 16)  # type: ignore[valid-type]
    gamma0: numbers("gamma0", 16)  # type: ignore[valid-type]
    seeds: limited("seeds") = 2  # type: ignore[valid-type]
    steps: limited("steps") = 1000  # type: ignore[valid-type]
    device: Literal["cpu", "cuda"] = "cpu"
    tolerance: Tolerance = "0.05"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        if 0 not in self.gamma0:
            raise UsageError("gamma0: include 0: the lazy runs are the reference of the rich-minus-lazy map")
        if len(self.gamma0) < 2:
            raise UsageError("gamma0: add at least one value > 0 (rich training)")
        return self


class SweepData(StoredData):
    width: int
    gamma0: str
    seed: int
    exponent: float | None
    stderr: float | None
    lr: float
    steps: Values  # type: ignore[valid-type]
    excess: Values  # type: ignore[valid-type]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _name(value: Fraction) -> str:
    return str(value).replace("/", "_")


def _config(params: SweepParams) -> dict[str, Any]:
    """What finish and draw read: the grid sorted, numbers as text."""
    return {"alpha": str(params.alpha), "beta": str(params.beta), "widths": sorted(params.widths),
            "gamma0": [str(g) for g in sorted(params.gamma0)], "seeds": params.seeds, "steps": params.steps,
            "device": params.device, "tolerance": float(params.tolerance)}


def _plan(params: SweepParams) -> list[Part]:
    config = _config(params)
    alpha, beta, device = params.alpha, params.beta, params.device

    def part(width: int, gamma0: Fraction, seed: int) -> Part:
        net = LinearRun(alpha=alpha, beta=beta, gamma0=gamma0, width=width, steps=config["steps"], seeds=(seed,),
                        backend="torch" if device == "cuda" else "numpy", device=device, rng="numpy")

        def compute(progress: Any) -> dict[str, Any]:
            r = run_linear(net, progress).completed()
            return {"width": width, "gamma0": str(gamma0), "seed": seed,
                    "exponent": _finite(float(r.exponents[0])),
                    "stderr": _finite(float(r.exponent_stderrs[0])), "lr": r.lr,
                    "steps": r.steps, "excess": r.excess[0]}

        run = {"alpha": config["alpha"], "beta": config["beta"], "width": width, "gamma0": str(gamma0),
               "seed": seed, "steps": config["steps"], "device": device}
        return Part(f"N={width}_gamma0={_name(gamma0)}_seed={seed}", run, compute,
                    resources={"GPU": 1} if device == "cuda" else None)

    return [part(w, g, s) for w in config["widths"] for g in sorted(params.gamma0)
            for s in range(params.seeds)]


def _means(config: dict[str, Any], data: dict[str, dict[str, Any]]) -> dict[tuple[int, str], list[float]]:
    """Measured exponents per (width, gamma0), over the seeds that gave one."""
    out: dict[tuple[int, str], list[float]] = {(w, g): [] for w in config["widths"] for g in config["gamma0"]}
    for d in data.values():
        if d["exponent"] is not None:
            out[(d["width"], d["gamma0"])].append(d["exponent"])
    return out


def _stats(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _theory(config: dict[str, Any]) -> Any:
    return exponents(Fraction(config["alpha"]), Fraction(config["beta"]), "gd")


def _rows(config: dict[str, Any], data: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    theory = _theory(config)
    per = _means(config, data)
    rows = []
    for w in config["widths"]:
        lazy, _ = _stats(per[(w, "0")])
        for g in config["gamma0"]:
            mean, spread = _stats(per[(w, g)])
            predicted = theory.lazy.time if g == "0" else theory.rich.time
            margin = None if mean is None or lazy is None or g == "0" else mean - lazy
            rows.append({"width": w, "gamma0": Fraction(g), "seeds": len(per[(w, g)]), "predicted": predicted,
                         "measured": mean, "spread": spread, "margin": margin,
                         "predicted_margin": None if g == "0" else theory.rich.time - theory.lazy.time})
    return rows


def _finish(params: SweepParams, data: dict[str, dict[str, Any]]) -> Outcome:
    config = _config(params)
    rows = _rows(config, data)
    widest = [r for r in rows if r["width"] == config["widths"][-1]]
    lazy = widest[0]
    rich = min(widest[1:], key=lambda r: abs(float(r["gamma0"]) - _RICH_GAMMA0))
    case = f"alpha={config['alpha']} beta={config['beta']} N={lazy['width']} seeds={config['seeds']}"
    tol = config["tolerance"]
    why = (f"population GD, {config['steps']} steps, fit window steps/30..steps on L - L_inf(N); "
           "seed spread and finite-N window bias ~0.01-0.03 at N >= 256")
    checks = [
        judge("sweep", case + " lazy", "time exponent", lazy["predicted"], lazy["measured"], tol,
              f"seed spread {_show(lazy['spread'])}; {why}"),
        judge("sweep", case + f" gamma0={rich['gamma0']}", "rich - lazy time exponent",
              rich["predicted_margin"], rich["margin"], tol, f"rich seed spread {_show(rich['spread'])}; {why}"),
    ]
    columns = ["width", "gamma0", "seeds", "predicted", "measured", "spread", "margin", "predicted_margin"]
    return Outcome(columns, rows, checks)


def _draw(params: SweepParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    config = _config(params)
    rows = [r for r in _rows(config, data) if r["gamma0"] > 0]
    widths, gammas = config["widths"], [g for g in config["gamma0"] if g != "0"]
    predicted = float(rows[0]["predicted_margin"])
    grid = np.full((len(gammas), len(widths)), np.nan)
    for r in rows:
        if r["margin"] is not None:
            grid[gammas.index(str(r["gamma0"])), widths.index(r["width"])] = r["margin"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.6))
    spread = max(0.02, float(np.nanmax(np.abs(grid - predicted))) if np.isfinite(grid).any() else 0.02)
    mesh = left.pcolormesh(np.arange(len(widths)), np.arange(len(gammas)), grid, shading="nearest",
                           cmap="RdBu_r", vmin=predicted - spread, vmax=predicted + spread)
    figure.colorbar(mesh, ax=left, label=f"measured rich - lazy (theory {predicted:.4g} = white)")
    for i in range(len(gammas)):
        for j in range(len(widths)):
            if np.isfinite(grid[i, j]):
                left.text(j, i, f"{grid[i, j]:.3f}", ha="center", va="center", fontsize=8)
    left.set_xticks(range(len(widths)), [str(w) for w in widths])
    left.set_yticks(range(len(gammas)), gammas)
    left.set_xlabel("width N")
    left.set_ylabel("gamma0")
    left.set_title("measured rich - lazy time exponent")
    for g in gammas:
        points = [(r["width"], r["margin"]) for r in rows if str(r["gamma0"]) == g and r["margin"] is not None]
        if points:
            right.semilogx(*zip(*points), "o-", label=f"gamma0 = {g}")
    right.axhline(predicted, color="k", ls="--", label=f"theory {rows[0]['predicted_margin']}")
    right.set_xlabel("width N")
    right.set_ylabel("rich - lazy time exponent")
    right.set_title(f"alpha = {config['alpha']}, beta = {config['beta']}, {config['seeds']} seeds")
    right.legend(fontsize=8)
    return figure


KIND = Kind("simulate-sweep", "simulation",
            "the linear network over widths x gamma0 x seeds: rich-minus-lazy time exponent map",
            _plan, _finish, _draw, SweepParams, SweepData)
