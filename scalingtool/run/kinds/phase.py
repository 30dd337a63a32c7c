"""Theory layer: the (alpha, beta) phase diagram of compute-optimal exponents (theory §3).

The paper's Figure 1 in spirit: the compute exponent lazy and rich, their ratio, and the
regime boundaries ``beta = 1`` and ``beta = 2 - 1/alpha`` (SGD) drawn on top. Expected
outcome (the checks): rich is never worse, and equal to lazy for ``beta >= 1``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

import numpy as np
from pydantic import StringConstraints, conlist

from . import Kind, Outcome
from ...params import Dynamics
from ...theory import exponents
from ...verify.checks import judge
from ...work import Part
from ..schema.fields import Alpha, Beta, numbers, positive
from ..schema.models import KindParams, StoredData


class PhaseParams(KindParams):
    """``phase`` (theory §3): an (alpha, beta) grid of compute-optimal exponents."""

    alpha: numbers("alpha", 60)  # type: ignore[valid-type]
    beta: numbers("beta", 60)  # type: ignore[valid-type]
    dynamics: Dynamics = "sgd"


#: an exponent as stored: exact and positive (the figures and the table divide by them)
Exponent = positive(1000)


class PhaseRow(StoredData):
    beta: Beta
    regime: Annotated[str, StringConstraints(max_length=40)]
    lazy: Exponent  # type: ignore[valid-type]
    rich: Exponent  # type: ignore[valid-type]
    lazy_time: Exponent  # type: ignore[valid-type]
    rich_time: Exponent  # type: ignore[valid-type]


class PhaseData(StoredData):
    alpha: Alpha
    rows: conlist(PhaseRow, min_length=1, max_length=60)  # type: ignore[valid-type]


def _plan(params: PhaseParams) -> list[Part]:
    config = params.config()

    def part(alpha: Fraction) -> Part:
        def compute(progress) -> dict[str, Any]:
            rows = []
            for beta in params.beta:
                e = exponents(alpha, beta, params.dynamics)
                rows.append({"beta": str(beta), "regime": e.regime, "lazy": str(e.lazy.compute),
                             "rich": str(e.rich.compute), "lazy_time": str(e.lazy.time),
                             "rich_time": str(e.rich.time)})
            return {"alpha": str(alpha), "rows": rows}

        return Part(f"alpha={alpha}".replace("/", "_"), {"point": str(alpha), **config}, compute)

    return [part(a) for a in params.alpha]


def _rows(data: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for part in data.values():
        for r in part["rows"]:
            lazy, rich = Fraction(r["lazy"]), Fraction(r["rich"])
            rows.append({"alpha": Fraction(part["alpha"]), "beta": Fraction(r["beta"]), "regime": r["regime"],
                         "lazy_compute": lazy, "rich_compute": rich, "gain": rich / lazy,
                         "lazy_time": Fraction(r["lazy_time"]), "rich_time": Fraction(r["rich_time"])})
    return rows


def _finish(params: PhaseParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows = _rows(data)
    worse = sum(r["rich_compute"] < r["lazy_compute"] for r in rows)
    changed = sum(r["rich_compute"] != r["lazy_compute"] for r in rows if r["beta"] >= 1)
    improved = sum(r["rich_compute"] > r["lazy_compute"] for r in rows if r["beta"] < 1)
    hard = sum(r["beta"] < 1 for r in rows)
    checks = [
        judge("phase", "all points", "points where rich < lazy", 0, worse, 0),
        judge("phase", "beta >= 1", "points where rich != lazy", 0, changed, 0),
        judge("phase", "beta < 1", "points where rich > lazy", hard, improved, 0),
    ]
    columns = ["alpha", "beta", "regime", "lazy_compute", "rich_compute", "gain", "lazy_time", "rich_time"]
    return Outcome(columns, rows, checks)


def _draw(params: PhaseParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    alphas = [float(a) for a in params.alpha]
    betas = [float(b) for b in params.beta]
    rows = _rows(data)
    grid = {key: np.full((len(betas), len(alphas)), np.nan) for key in ("lazy_compute", "rich_compute", "gain")}
    index_a = {a: i for i, a in enumerate(alphas)}
    index_b = {b: j for j, b in enumerate(betas)}
    for r in rows:
        i, j = index_b.get(float(r["beta"])), index_a.get(float(r["alpha"]))
        if i is not None and j is not None:  # stored points off the grid are not drawn
            for key in grid:
                grid[key][i, j] = float(r[key])
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.2), sharey=True)
    titles = {"lazy_compute": "lazy: L* ~ C^-e", "rich_compute": "rich: L* ~ C^-e", "gain": "rich / lazy"}
    a_line = np.linspace(min(alphas), max(alphas), 200)
    for ax, key in zip(axes, grid):
        mesh = ax.pcolormesh(alphas, betas, grid[key], shading="nearest", cmap="viridis")
        figure.colorbar(mesh, ax=ax)
        ax.plot(a_line, np.ones_like(a_line), "w--", lw=1.5, label="beta = 1")
        if params.dynamics == "sgd":
            ax.plot(a_line, 2 - 1 / a_line, "w:", lw=1.5, label="beta = 2 - 1/alpha")
        ax.set_title(titles[key])
        ax.set_xlabel("alpha")
    axes[0].set_ylabel("beta")
    axes[0].legend(loc="upper left", fontsize=8)
    figure.suptitle(f"Compute-optimal exponent ({params.dynamics})")
    return figure


KIND = Kind("phase", "theory", "compute-optimal exponents over an (alpha, beta) grid, lazy vs rich",
            _plan, _finish, _draw, PhaseParams, PhaseData)
