"""Reduced-dynamics recipe: the compute frontier, lazy vs rich (theory §2-§3).

For each training, finite-width gradient flow on one draw of ``A`` (theory §2, N-space form
in ``Sigma``'s eigenbasis) gives ``L(t, N)`` for a family of widths; the envelope
``min_N L(C/N, N)`` over ``C = N t`` and the argmin width are fitted as power laws and
compared with the compute-optimal row of theory §3 (``e`` and ``N* ~ C^a``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ...verify.checks import judge
from ..schema import FrontierData, FrontierParams
from . import Kind, Outcome, Part, Plan


def _plan(params: FrontierParams) -> Plan:
    config = params.config()
    alpha, beta, widths = params.alpha, params.beta, list(params.widths)

    def part(training: str) -> Part:
        def compute(progress: Any) -> dict[str, Any]:
            from ...reduced import compute_frontier
            from ...theory import exponents

            f = compute_frontier(alpha, beta, widths, training=training, gamma0=1, progress=progress)
            theory = exponents(alpha, beta, "gd").training(training)
            curves = {str(n): {"C": (n * c.x).tolist(), "loss": c.loss.tolist()} for n, c in f.curves.items()}
            return {"C": f.compute, "envelope": f.loss, "N_opt": f.width, "interior": f.interior,
                    "exponent": None if f.exponent is None else -f.exponent.slope,
                    "allocation": None if f.allocation is None else f.allocation.slope,
                    "predicted_exponent": str(theory.compute), "predicted_allocation": str(theory.n_star),
                    "curves": curves}
        return Part(f"frontier_{training}", {"training": training, **config}, compute)

    return Plan([part(t) for t in params.trainings])


def _finish(params: FrontierParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows, checks = [], []
    for part_id, d in data.items():
        training = part_id.split("_", 1)[1]
        for quantity, key, tol in (("compute", "exponent", float(params.tolerance)),
                                   ("n_star", "allocation", float(params.allocation_tolerance))):
            predicted = Fraction(d[f"predicted_{key}"])
            rows.append({"training": training, "quantity": quantity, "predicted": predicted,
                         "measured": d[key]})
            checks.append(judge("frontier", training, quantity, predicted, d[key], tol,
                                f"widths {min(params.widths)}..{max(params.widths)}, one draw of A"))
    return Outcome(["training", "quantity", "predicted", "measured"], rows, checks)


def _draw(params: FrontierParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    panels = len(data)
    figure, axes = plt.subplots(1, panels, figsize=(6.5 * panels, 5), squeeze=False)
    for ax, (part_id, d) in zip(axes[0], data.items()):
        for n, curve in d["curves"].items():
            ax.loglog(curve["C"], curve["loss"], lw=0.8, alpha=0.6, color="grey")
        c, env = np.asarray(d["C"], float), np.asarray(d["envelope"], float)
        ax.loglog(c, env, "k", lw=2.2, label="envelope min_N L(C/N, N)")
        if d["exponent"] is not None:
            e = float(Fraction(d["predicted_exponent"]))
            mid = len(c) // 2
            ax.loglog(c, 3 * env[mid] * (c / c[mid]) ** (-e), "r--", lw=1.2,
                      label=f"theory C^-{d['predicted_exponent']} (fit {d['exponent']:.3f})")
        ax.set_title(f"{part_id.split('_', 1)[1]}: alpha = {params.alpha}, beta = {params.beta}")
        ax.set_xlabel("compute C = N t")
        ax.set_ylabel("loss")
        ax.legend(fontsize=8)
    return figure


KIND = Kind("frontier", "reduced", "compute frontier over a family of widths, lazy vs rich",
            _plan, _finish, _draw, FrontierParams, FrontierData)
