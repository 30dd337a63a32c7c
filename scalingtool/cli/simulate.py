"""``scalingtool simulate``: train the real networks, measured exponents beside the theory."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, Optional

import typer

from ..errors import UsageError
from ..files import atomic_open
from ..formats import Report, exact
from ..params import parse_nonnegative
from .common import TableFormat, emit, format_option, progress_bar


class Model(str, Enum):
    linear = "linear"
    mlp_circle = "mlp-circle"


class Backend(str, Enum):
    numpy = "numpy"
    torch = "torch"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class DataPath(str, Enum):
    fast = "fast"
    explicit = "explicit"


def _gammas(text: str) -> list[float]:
    parts = [p for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 6:
        raise UsageError("--gamma0: expected 1 to 6 comma-separated values, e.g. 0,2")
    return [float(parse_nonnegative(p.strip(), "gamma0", 1000)) for p in parts]


def _predicted_law(theory: Any, training: str, result: Any, model: Model) -> tuple[Any, str]:
    """The law the fit window sees: the signal, or -- for ``beta > 1`` at finite width, once
    ``t`` passes ``N^w`` (theory §3 crossover) -- the finite-width transient ``N^-1 t^-d``."""
    exps = theory.training(training)
    power = theory.transient_takeover(training)
    if model is Model.linear and power is not None:
        takeover = float(result.metadata["width"]) ** float(power)
        if result.lr * result.fit_window[0] > takeover:
            return exps.transient, f"transient (t > N^{power})"
    return exps.time, "signal"


def simulate_cmd(
    model: Model = typer.Option(Model.linear, "--model", help="linear: the projected linear network (theory §1); mlp-circle: the ReLU MLP on the circle (theory §5)."),
    alpha: str = typer.Option("2", "--alpha", "-a", help="Capacity alpha > 1 (linear model; the MLP measures its own)."),
    beta: str = typer.Option("1/2", "--beta", "-b", help="Source beta > 0."),
    gamma0: str = typer.Option("0,2", "--gamma0", "-g", help="Comma-separated feature-learning strengths (0: lazy); one run each."),
    width: Optional[int] = typer.Option(None, "--width", "-N", help="Width N (default: 1024 linear, 512 MLP)."),
    batch: Optional[int] = typer.Option(None, "--batch", help="Online SGD with this batch (default: GD on the population loss)."),
    data: Optional[int] = typer.Option(None, "--data", help="Full-batch GD on P fixed samples (linear model)."),
    steps: Optional[int] = typer.Option(None, "--steps", help="Training steps (default: 3000 linear, 4000 MLP)."),
    lr: Optional[float] = typer.Option(None, "--lr", help="Learning rate eta (default: stable for the predicted feature growth)."),
    seeds: int = typer.Option(2, "--seeds", help="Seeds, trained together as an ensemble."),
    backend: Backend = typer.Option(Backend.numpy, "--backend", help="numpy or torch (the torch extra)."),
    device: Device = typer.Option(Device.auto, "--device", help="auto, cpu or cuda (torch)."),
    path: DataPath = typer.Option(DataPath.fast, "--path", help="fast: sample (h, y) in R^N (exact, theory §1); explicit: psi in R^M."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Write the loss curves (CSV, or JSON if the name ends in .json) atomically."),
    fmt: TableFormat = format_option(),
) -> None:
    """Train the networks and measure their time exponents, lazy vs rich, with the seed spread.

    Example: scalingtool simulate --alpha 2 --beta 1/2 --gamma0 0,2 --seeds 3
    """
    from ..simulate import simulate_linear
    from ..simulate.mlp_circle import measured_task, simulate_mlp_circle
    from ..theory import exponents

    dynamics = "sgd" if batch is not None else "gd"
    results: list[tuple[float, Any]] = []
    for g in _gammas(gamma0):
        with progress_bar(f"{model.value} gamma0={g}") as update:
            if model is Model.linear:
                kwargs: dict[str, Any] = {k: v for k, v in (("width", width), ("steps", steps)) if v is not None}
                result = simulate_linear(alpha, beta, g, batch=batch, data=data, lr=lr, seeds=seeds,
                                         backend=backend.value, device=device.value, path=path.value,
                                         progress=update, **kwargs)
            else:
                if batch is not None or data is not None or backend is not Backend.numpy:
                    raise UsageError("--model mlp-circle trains full-batch on its grid with NumPy: "
                                     "drop --batch, --data and --backend")
                kwargs = {k: v for k, v in (("width", width), ("steps", steps)) if v is not None}
                result = simulate_mlp_circle(beta, g, lr=lr, seeds=seeds, progress=update, **kwargs)
        results.append((g, result))
        if result.interrupted:  # Ctrl-C: keep what was computed, start no further run
            break
    rows, runs = [], []
    for g, result in results:
        training = "rich" if g > 0 else "lazy"
        if model is Model.linear:
            theory = exponents(alpha, beta, dynamics)
        else:  # the MLP's capacity is measured from its NTK (theory §5); beta is derived from it
            theory = exponents(*measured_task(result), dynamics)
        predicted, law = _predicted_law(theory, training, result, model)
        row = {"gamma0": g, "training": training, "predicted": predicted, "law": law,
               "measured": result.exponent_mean, "spread": result.exponent_spread,
               "seeds": len(result.seeds), "lr": result.lr,
               "window": f"[{result.fit_window[0]:.3g}, {result.fit_window[1]:.3g}] steps",
               "interrupted": result.interrupted}
        rows.append(row)
        runs.append({"gamma0": g, "training": training, "predicted": exact(predicted), "law": law,
                     "summary": result.to_dict()["summary"], "metadata": result.metadata})
    if out:
        with atomic_open(out, "w", newline="") as handle:
            if out.endswith(".json"):
                json.dump([{"gamma0": g, **r.to_dict()} for g, r in results], handle, default=str)
            else:
                import csv

                curves = [{"gamma0": g, **row} for g, r in results for row in r.to_rows()]
                writer = csv.DictWriter(handle, fieldnames=list(curves[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(curves)
    payload = {"schema": "scalingtool/simulate/v1", "model": model.value, "alpha": alpha, "beta": beta,
               "dynamics": dynamics, "runs": runs, "out": out}
    notes = ["measured: mean over seeds of the fitted slope of loss - L_inf(N) (linear) or the test "
             "loss (MLP); spread: standard deviation over seeds"]
    if any(r["interrupted"] for r in rows):
        notes.append("interrupted: the table covers the steps computed before Ctrl-C")
    columns = ["gamma0", "training", "law", "predicted", "measured", "spread", "seeds", "lr", "window"]
    emit(Report(f"Simulation: {model.value}, alpha = {alpha}, beta = {beta} ({dynamics})",
                columns, rows, payload, notes), fmt)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_cmd)
