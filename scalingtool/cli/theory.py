"""``exponents``, ``phase`` and ``derive``: the SymPy theory layer (theory §3) on the command line."""

from __future__ import annotations

import json
from enum import Enum
from fractions import Fraction
from typing import Any, Optional

import typer

from .. import schemas
from ..errors import UsageError
from ..formats import Report, exact
from ..params import check, parse_alpha, parse_beta, parse_int
from ..theory.scales import crossover_scales
from .common import Format, as_options, emit, format_option, progress_bar, write_stdout


class TrainingChoice(str, Enum):
    lazy = "lazy"
    rich = "rich"
    both = "both"


class DynamicsChoice(str, Enum):
    sgd = "sgd"
    gd = "gd"


class DeriveFormat(str, Enum):
    text = "text"
    latex = "latex"
    json = "json"


ALPHA_HELP = "Capacity alpha > 1 (lambda_k = k^-alpha): 2, 1.5 or 3/2."
BETA_HELP = "Source beta > 0 (lambda_k w_k^2 = k^(-alpha beta - 1)): 0.5 or 1/2."
DYNAMICS_HELP = "sgd: the paper's table, with the SGD-noise term; gd: gradient flow (no super-easy regime)."
NPOW_HELP = "Compute convention C = N^p t^q: the power p of the width (paper: 1)."
TPOW_HELP = "Compute convention C = N^p t^q: the power q of the time (paper: 1)."

_QUANTITIES = [
    ("time", "L ~ t^-x", "time"),
    ("time_change", "tau ~ t^x", "time_change"),
    ("width", "L ~ N^-x (t -> inf)", "width"),
    ("data", "L ~ P^-x (lazy, ridgeless)", "data"),
    ("compute", "L* ~ C^-x", "compute"),
    ("n_star", "N* ~ C^x", "n_star"),
    ("t_star", "t* ~ C^x", "t_star"),
    ("transient", "L ~ N^-1 t^-x (finite width)", "transient"),
]


def _training_json(tr: Any) -> dict[str, Any]:
    return {
        "time": exact(tr.time), "signal": exact(tr.signal), "time_change": exact(tr.time_change),
        "width": exact(tr.width), "data": exact(tr.data), "compute": exact(tr.compute),
        "n_star": exact(tr.n_star), "t_star": exact(tr.t_star), "balance": list(tr.balance),
        "transient": exact(tr.transient),
    }


def exponents_report(result: Any, trainings: tuple[str, ...], gamma0: Fraction | None = None,
                     width: int | None = None, noise: Fraction | None = None) -> Report:
    """The report of ``scalingtool exponents`` for a :class:`~scalingtool.theory.TaskExponents`."""
    rows = []
    for key, meaning, attr in _QUANTITIES:
        row: dict[str, Any] = {"quantity": key, "meaning": meaning}
        for tr in trainings:
            row[tr] = getattr(result.training(tr), attr)
        rows.append(row)
    if len(trainings) == 2:
        for row in rows:
            if row["quantity"] in ("time", "compute"):
                row["rich/lazy"] = result.gain[row["quantity"]]
    cross = result.crossovers
    crossovers: dict[str, Any] = {
        "rich_onset_gamma0_power": exact(cross.rich_onset),
        "width_plateau_n_power": exact(cross.width_plateau),
        "noise_takeover_power": {tr: exact(cross.noise_takeover[tr]) for tr in trainings},
    }
    at = crossover_scales(result, trainings, gamma0, width, noise)
    notes = []
    regime = result.regime if result.boundary is None else f"{result.regime} (on the {result.boundary} boundary; exponents are continuous there)"
    notes.append(f"regime: {regime}; dynamics: {result.dynamics}; compute C = N^{result.p} t^{result.q}")
    onset = cross.rich_onset
    if onset is not None:
        text = f"rich behaviour from tau ~ gamma0^({onset})"
        if "rich_onset" in at:
            crossovers["rich_onset_tau"] = at["rich_onset"].value
            crossovers["rich_onset_tau_log10"] = at["rich_onset"].log10
            text += f" = {at['rich_onset'].text()} at gamma0 = {gamma0}"
        notes.append(text)
    else:
        notes.append("rich behaviour: no onset (beta >= 1: |beta_vec| stays bounded, exponents unchanged)")
    text = f"width floor reached at tau ~ N^({cross.width_plateau})"
    if "width_plateau" in at:
        crossovers["width_plateau_tau"] = at["width_plateau"].value
        crossovers["width_plateau_tau_log10"] = at["width_plateau"].log10
        text += f" = {at['width_plateau'].text()} at N = {width}"
    notes.append(text)
    for tr in trainings:
        power = cross.noise_takeover[tr]
        if power is not None:
            text = f"{tr}: SGD noise dominates after t ~ (eta/Bsz)^({power})"
            value = at.get("noise_takeover", {}).get(tr)
            if value is not None:
                crossovers.setdefault("noise_takeover_t", {})[tr] = value.value
                crossovers.setdefault("noise_takeover_t_log10", {})[tr] = value.log10
                text += f" = {value.text()} at eta/Bsz = {noise}"
            notes.append(text)
    payload = {
        "schema": schemas.EXPONENTS,
        "alpha": exact(result.alpha), "beta": exact(result.beta), "dynamics": result.dynamics,
        "compute_convention": {"n_power": exact(result.p), "t_power": exact(result.q)},
        "regime": result.regime, "boundary": result.boundary,
        "trainings": {tr: _training_json(result.training(tr)) for tr in trainings},
        "crossovers": crossovers,
    }
    if len(trainings) == 2:
        payload["gain"] = {k: exact(v) for k, v in result.gain.items()}
    columns = ["quantity", *trainings] + (["rich/lazy"] if len(trainings) == 2 else []) + ["meaning"]
    title = f"Scaling exponents, alpha = {result.alpha}, beta = {result.beta} ({result.regime})"
    return Report(title, columns, rows, payload, notes, csv_rows=_crossover_rows(cross, at, trainings))


def _crossover_rows(cross: Any, at: dict[str, Any], trainings: tuple[str, ...]) -> list[dict[str, Any]]:
    """The crossover scales as CSV rows: each power (``x`` in ``scale ~ control^x``, "-" when the
    scale never appears) and, where the control was given, the scale itself."""
    rich = {"rich": cross.rich_onset} if "rich" in trainings else {}  # the onset is the rich network's
    rows = [{"quantity": "rich_onset", **rich, "meaning": "tau_rich ~ gamma0^x (rich behaviour from)"},
            {"quantity": "width_plateau", **{tr: cross.width_plateau for tr in trainings},
             "meaning": "tau_N ~ N^x (width floor reached)"},
            {"quantity": "noise_takeover", **{tr: cross.noise_takeover[tr] for tr in trainings},
             "meaning": "t_noise ~ (eta/Bsz)^x (SGD noise dominates after)"}]
    if "rich_onset" in at and rich:
        rows.append({"quantity": "rich_onset_tau", "rich": at["rich_onset"].value, "meaning": "tau at the given gamma0"})
    if "width_plateau" in at:
        rows.append({"quantity": "width_plateau_tau", **{tr: at["width_plateau"].value for tr in trainings},
                     "meaning": "tau at the given N"})
    if at.get("noise_takeover"):
        rows.append({"quantity": "noise_takeover_t", **{tr: v.value for tr, v in at["noise_takeover"].items()},
                     "meaning": "t at the given eta/Bsz"})
    return rows


def exponents_cmd(
    alpha: str = typer.Option(..., "--alpha", "-a", help=ALPHA_HELP),
    beta: str = typer.Option(..., "--beta", "-b", help=BETA_HELP),
    training: TrainingChoice = typer.Option(TrainingChoice.both, "--training", help="Which training to show."),
    dynamics: DynamicsChoice = typer.Option(DynamicsChoice.sgd, "--dynamics", help=DYNAMICS_HELP),
    n_power: str = typer.Option("1", "--n-power", help=NPOW_HELP),
    t_power: str = typer.Option("1", "--t-power", help=TPOW_HELP),
    gamma0: Optional[str] = typer.Option(None, "--gamma0", help="Evaluate the rich-onset time at this gamma0."),
    width: Optional[str] = typer.Option(None, "--width", "-N", help="Evaluate the width-floor time at this N."),
    noise: Optional[str] = typer.Option(None, "--lr-over-batch", help="Evaluate the SGD-noise takeover at this eta/Bsz."),
    fmt: Format = format_option(),
) -> None:
    """Regime and every scaling exponent of one task, derived exactly (theory §3).

    Example: scalingtool exponents --alpha 2 --beta 1/2
    """
    from ..theory import exponents  # deferred: the compiled formulas; '--help' and 'docs' never load them

    with as_options():
        result = exponents(check("alpha", alpha), check("beta", beta), dynamics.value,
                           check("n_power", n_power), check("t_power", t_power))
        at = {"gamma0": check("gamma0", gamma0) if gamma0 is not None else None,
              "width": check("width", width) if width is not None else None,
              "noise": check("lr_over_batch", noise) if noise is not None else None}
    trainings = ("lazy", "rich") if training is TrainingChoice.both else (training.value,)
    report = exponents_report(result, trainings, **at)
    emit(report, fmt)


def phase_cmd(
    alpha_min: str = typer.Option("3/2", "--alpha-min", help="Smallest alpha (> 1)."),
    alpha_max: str = typer.Option("4", "--alpha-max", help="Largest alpha."),
    beta_min: str = typer.Option("1/4", "--beta-min", help="Smallest beta (> 0)."),
    beta_max: str = typer.Option("3", "--beta-max", help="Largest beta."),
    steps: str = typer.Option("6", "--steps", help="Grid points per axis (1 to 40)."),
    dynamics: DynamicsChoice = typer.Option(DynamicsChoice.sgd, "--dynamics", help=DYNAMICS_HELP),
    fmt: Format = format_option(),
) -> None:
    """The (alpha, beta) phase grid: regime and compute exponents, lazy vs rich.

    Example: scalingtool phase --alpha-min 1.5 --alpha-max 3 --steps 4 --format csv
    """
    from ..theory.phase import linear_grid, phase_points  # deferred, as in exponents_cmd

    a0, a1 = parse_alpha(alpha_min, "alpha-min"), parse_alpha(alpha_max, "alpha-max")
    b0, b1 = parse_beta(beta_min, "beta-min"), parse_beta(beta_max, "beta-max")
    n = parse_int(steps, "steps", 1, 40)
    if a0 > a1 or b0 > b1:
        raise UsageError("phase: each --*-min must not exceed its --*-max")
    alphas, betas = linear_grid(a0, a1, n), linear_grid(b0, b1, n)
    with progress_bar("phase grid", n * n) as update:
        rows = [{"alpha": p.alpha, "beta": p.beta, "regime": p.regime, "lazy_time": p.lazy_time,
                 "rich_time": p.rich_time, "lazy_compute": p.lazy_compute,
                 "rich_compute": p.rich_compute, "compute_gain": p.compute_gain}
                for p in phase_points(alphas, betas, dynamics.value, update)]
    payload = {
        "schema": schemas.PHASE, "dynamics": dynamics.value,
        "points": [{k: (exact(v) if isinstance(v, Fraction) else v) for k, v in row.items()} for row in rows],
    }
    columns = ["alpha", "beta", "regime", "lazy_time", "rich_time", "lazy_compute",
               "rich_compute", "compute_gain"]
    emit(Report(f"Phase grid ({dynamics.value})", columns, rows, payload), fmt)


def derive_cmd(
    dynamics: DynamicsChoice = typer.Option(DynamicsChoice.sgd, "--dynamics", help=DYNAMICS_HELP),
    fmt: DeriveFormat = typer.Option(DeriveFormat.text, "--format", "-f", help="Output format.",
                                     case_sensitive=False),
) -> None:
    """The symbolic results as Piecewise formulas in alpha and beta, ready to paste.

    Example: scalingtool derive --format latex
    """
    from ..theory import derive  # deferred: SymPy; keeps start-up ('--help', 'exponents') from loading it

    results = derive(dynamics.value)
    if fmt is DeriveFormat.json:
        payload = {"schema": schemas.DERIVE, "dynamics": dynamics.value,
                   "results": [{"key": d.key, "description": d.description, "text": d.text,
                                "latex": d.latex} for d in results]}
        write_stdout(json.dumps(payload, indent=2) + "\n")
    elif fmt is DeriveFormat.latex:
        lines = [f"% scalingtool derive --dynamics {dynamics.value}"]
        for d in results:
            lines.append(f"% {d.key}: {d.description}")
            lines.append(f"{d.latex}\n")
        write_stdout("\n".join(lines))
    else:
        width = max(len(d.key) for d in results)
        write_stdout("".join(f"{d.key:<{width}}  {d.text}\n{'':<{width}}  # {d.description}\n" for d in results))


def register(app: typer.Typer) -> None:
    """Add the theory commands to ``app``."""
    app.command("exponents")(exponents_cmd)
    app.command("phase")(phase_cmd)
    app.command("derive")(derive_cmd)
