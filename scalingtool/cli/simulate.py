"""``scalingtool simulate``: train the real networks, measured exponents beside the theory."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from fractions import Fraction
from typing import Any, Optional

import typer

from .. import schemas
from ..errors import UsageError
from ..files import check_output_path
from ..formats import Report, exact
from ..params import Task, check
from .common import TableFormat, as_options, emit, format_option, progress_bar


class Model(str, Enum):
    linear = "linear"
    mlp_circle = "mlp-circle"
    relu_mlp = "relu-mlp"


class Param(str, Enum):
    mup = "mup"
    ntk = "ntk"


class ArrayLibChoice(str, Enum):
    numpy = "numpy"
    torch = "torch"


class TrainingDevice(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class DataPath(str, Enum):
    fast = "fast"
    explicit = "explicit"


def _gammas(text: str) -> list[Fraction]:
    parts = [p for p in text.split(",") if p.strip()]
    if not parts or len(parts) > 6:
        raise UsageError("--gamma0: expected 1 to 6 comma-separated values, e.g. 0,2")
    return [check("gamma0", p.strip()) for p in parts]


def _config(model: Model, task: Any, **flags: Any) -> Any:
    """The model's config from the flags (each checked once, by the config); flags left
    out keep the model's defaults."""
    given = {k: v for k, v in flags.items() if v is not None}
    if model is Model.linear:
        # deferred: the configs and the simulator; keeps start-up ('--help', 'exponents') from loading them
        from ..config import LinearRun

        keep = ("width", "steps", "batch", "data", "lr", "seeds", "backend", "device", "path")
        return LinearRun.from_user(alpha=task.alpha, beta=task.beta, **{k: given[k] for k in keep if k in given})
    if model is Model.mlp_circle:
        from ..simulate.mlp_circle import mlp_circle_config  # deferred, as above (NumPy)

        keep = ("width", "steps", "lr", "seeds", "device")
        return mlp_circle_config(task.beta, 0, **{k: given[k] for k in keep if k in given})
    from ..config import ReluMLPRun  # deferred, as above

    shape = {"data": "online"} if "data" not in given else {"data": "grid", "points": given["data"]}
    keep = ("width", "steps", "batch", "lr", "seeds", "depth", "param", "device")
    return ReluMLPRun.from_user(beta=task.beta, **shape, **{k: given[k] for k in keep if k in given})


def _train(model: Model, config: Any, progress: Any) -> Any:
    if model is Model.linear:
        # deferred: NumPy and the simulator; keeps start-up ('--help', 'exponents') from loading them
        from ..simulate.linear import run_linear

        return run_linear(config, progress)
    from ..simulate.relu_mlp import run_relu_mlp  # deferred, as above

    return run_relu_mlp(config, progress)


def simulate_cmd(
    model: Model = typer.Option(Model.linear, "--model", help="linear: the projected linear network (theory §1); mlp-circle: the two-layer ReLU MLP on the circle, full-batch GD on a grid (torch, theory §5); relu-mlp: the ReLU MLP of depth 1-4, torch (theory §5)."),
    alpha: str = typer.Option("2", "--alpha", "-a", help="Capacity alpha > 1 (linear model; the MLP measures its own)."),
    beta: str = typer.Option("1/2", "--beta", "-b", help="Source beta > 0."),
    gamma0: str = typer.Option("0,2", "--gamma0", "-g", help="Comma-separated feature-learning strengths (0: lazy); one run each."),
    width: Optional[str] = typer.Option(None, "--width", "-N", help="Width N (default: 1024 linear, 512 MLP)."),
    batch: Optional[str] = typer.Option(None, "--batch", help="Online SGD with this batch (default: GD on the population loss; relu-mlp: 64)."),
    data: Optional[str] = typer.Option(None, "--data", help="Full-batch GD on P fixed samples (linear model; relu-mlp: P uniform angles)."),
    depth: str = typer.Option("1", "--depth", help="Hidden layers of the relu-mlp model (1-4)."),
    param: Param = typer.Option(Param.mup, "--param", help="relu-mlp parametrisation: mup (centred mean-field, gamma0) or ntk (standard, gamma = gamma0/sqrt(N))."),
    steps: Optional[str] = typer.Option(None, "--steps", help="Training steps (default: 3000 linear, 4000 mlp-circle, 2000 relu-mlp)."),
    lr: Optional[str] = typer.Option(None, "--lr", help="Learning rate eta (default: stable for the predicted feature growth)."),
    seeds: str = typer.Option("2", "--seeds", help="Seeds, trained together as an ensemble."),
    backend: ArrayLibChoice = typer.Option(ArrayLibChoice.numpy, "--backend", help="numpy or torch (the torch extra)."),
    device: TrainingDevice = typer.Option(TrainingDevice.auto, "--device", help="auto, cpu or cuda (torch)."),
    path: DataPath = typer.Option(DataPath.fast, "--path", help="fast: sample (h, y) in R^N (exact, theory §1); explicit: psi in R^M."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Write the loss curves (CSV, or JSON if the name ends in .json) atomically."),
    fmt: TableFormat = format_option(),
) -> None:
    """Train the networks and measure their time exponents, lazy vs rich, with the seed spread.

    Example: scalingtool simulate --alpha 2 --beta 1/2 --gamma0 0,2 --seeds 3
    """
    # deferred: NumPy and the simulator; keeps start-up ('--help', 'exponents') from loading them
    from ..simulate.predict import predicted_exponent
    from ..simulate.result import write_runs

    if model is Model.mlp_circle and (batch is not None or data is not None):
        raise UsageError("--model mlp-circle trains full-batch on its grid: drop --batch and --data "
                         "(or use --model relu-mlp)")
    if model is not Model.relu_mlp and (depth != "1" or param is not Param.mup):
        raise UsageError("--depth and --param belong to --model relu-mlp")
    if model is Model.relu_mlp and batch is not None and data is not None:
        raise UsageError("--model relu-mlp trains online (--batch) or on fixed angles (--data), not both")
    with as_options():
        task = Task.parse(alpha, beta)  # the MLP measures its own alpha (theory §5)
        gammas = _gammas(gamma0)
        config = _config(model, task, width=width, steps=steps, batch=batch, data=data, lr=lr,
                         seeds=seeds, depth=depth, param=param.value, backend=backend.value,
                         device=device.value, path=path.value)
    if out is not None:
        check_output_path(out, "--out")
    online = model is Model.relu_mlp and data is None
    dynamics = "sgd" if (batch is not None or online) else "gd"
    results: list[tuple[float, Any]] = []
    for g in gammas:
        with progress_bar(f"{model.value} gamma0={g}") as update:
            result = _train(model, replace(config, gamma0=g), update)
        results.append((float(g), result))
        if result.interrupted:  # Ctrl-C: keep what was computed, start no further run
            break
    rows, runs = [], []
    for g, result in results:
        training = result.metadata["training"]
        predicted, law, _ = predicted_exponent(result, task.alpha, task.beta, dynamics)
        row = {"gamma0": g, "training": training, "predicted": predicted, "law": law,
               "measured": result.exponent_mean, "spread": result.exponent_spread,
               "seeds": len(result.seeds), "lr": result.lr,
               "window": f"[{result.fit_window[0]:.3g}, {result.fit_window[1]:.3g}] steps",
               "interrupted": result.interrupted}
        rows.append(row)
        runs.append({"gamma0": g, "training": training, "predicted": exact(predicted), "law": law,
                     "summary": result.to_dict()["summary"], "metadata": result.metadata})
    if out is not None:
        write_runs(out, results)
    payload = {"schema": schemas.SIMULATE, "model": model.value, "alpha": alpha, "beta": beta,
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
