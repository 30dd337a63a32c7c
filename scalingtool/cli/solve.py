"""``scalingtool solve``: the exact reduced dynamics, measured exponents beside the theory."""

from __future__ import annotations

from typing import Optional

import typer

from .. import schemas
from ..files import check_output_path
from ..formats import Report, exact
from .common import TableFormat, as_options, emit, format_option, progress_bar


def _width(text: str) -> str | None:
    return None if text.strip().lower() in ("inf", "infinite") else text


def _batch(text: str) -> str | None:
    return None if text.strip().lower() == "gd" else text


def solve_cmd(
    alpha: str = typer.Option(..., "--alpha", "-a", help="Capacity alpha > 1."),
    beta: str = typer.Option(..., "--beta", "-b", help="Source beta > 0."),
    gamma0: str = typer.Option("0", "--gamma0", "-g", help="Feature-learning strength (0: lazy)."),
    width: str = typer.Option("inf", "--width", "-N", help="Width N, or inf."),
    batch: str = typer.Option("gd", "--batch", help="SGD batch size, or gd for gradient flow."),
    lr: Optional[str] = typer.Option(None, "--lr", help="Learning rate eta (default: 1 for gd, half the largest stable step for SGD)."),
    t_max: str = typer.Option("1e10", "--t-max", help="End time (float64: up to 1e12; mp: up to 1e30)."),
    precision: str = typer.Option("float64", "--precision", help="float64 or mp:DIGITS (mpmath)."),
    seed: str = typer.Option("0", "--seed", help="Seed of the random projection A (finite width)."),
    decades: str = typer.Option("2", "--decades", help="Fit window: the last this many decades."),
    tolerance: str = typer.Option("1e-3", "--tolerance", help="Largest drift between neighbouring windows for a converged measurement."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Write the curve as CSV here (atomically)."),
    fmt: TableFormat = format_option(),
) -> None:
    """Solve the exact reduced dynamics (theory §2) and measure the time exponent (theory §4).

    Example: scalingtool solve --alpha 2 --beta 0.5 --gamma0 1
    """
    # deferred: the config and the reduced dynamics (NumPy, mpmath); keeps start-up ('--help', 'exponents') from loading them
    from ..config import SolveRun
    from ..solve import solve_run, write_curve

    given = {"width": _width(width), "batch": _batch(batch), "lr": lr}
    with as_options():
        run = SolveRun.from_user(alpha=alpha, beta=beta, gamma0=gamma0, t_max=t_max, precision=precision, seed=seed,
                                 decades=decades, tolerance=tolerance,
                                 **{k: v for k, v in given.items() if v is not None})
    if out is not None:
        check_output_path(out, "--out")
    with as_options(), progress_bar("solve") as update:
        solution = solve_run(run, progress=update)
    m = solution.measurement
    status = "no measurement" if m is None else ("converged" if m.converged else "not converged")
    if out is not None:
        write_curve(solution, out)
        solution.notes.append(f"curve written to {out} ({len(solution.curve)} points)")
    rows = [
        {"quantity": "predicted time exponent (SymPy)", "value": solution.predicted},
        {"quantity": "measured time exponent", "value": m.value if m else None},
        {"quantity": "local slope in the window", "value": m.estimate if m else None},
        {"quantity": "fit window (t)", "value": f"[{m.window[0]:.3g}, {m.window[1]:.3g}]" if m else None},
        {"quantity": "drift between windows", "value": m.drift if m else None},
        {"quantity": "status", "value": status},
    ]
    if m is not None and m.extrapolated is not None:
        rows.append({"quantity": "1/log t extrapolation", "value": m.extrapolated})
    payload = {
        "schema": schemas.SOLVE,
        "inputs": {k: (exact(v) if v is not None and not isinstance(v, (str, int)) else v)
                   for k, v in solution.inputs.items()},
        "training": solution.training, "dynamics": solution.dynamics,
        "predicted": exact(solution.predicted),
        "measurement": m.as_dict() if m else None,
        "points": len(solution.curve), "out": out, "notes": solution.notes,
    }
    notes = [*solution.notes] + ([m.reason] if m else [])
    width = "inf" if solution.inputs["width"] is None else solution.inputs["width"]
    title = (f"{solution.training} {solution.dynamics}, alpha = {solution.inputs['alpha']}, "
             f"beta = {solution.inputs['beta']}, width {width}: L ~ t^-x")
    emit(Report(title, ["quantity", "value"], rows, payload, notes), fmt)


def register(app: typer.Typer) -> None:
    app.command("solve")(solve_cmd)
