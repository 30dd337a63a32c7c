"""``scalingtool estimate``: capacity and source of a user's task, with intervals (theory §6)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import UsageError
from ..files import check_output_path
from ..params import check
from .common import TableFormat, emit, format_option, progress_bar


class Dynamics(str, Enum):
    sgd = "sgd"
    gd = "gd"


class Network(str, Enum):
    cnn = "cnn"


class KernelDevice(str, Enum):
    cpu = "cpu"
    cuda = "cuda"


def _memory(text: Optional[str]) -> float:
    # deferred: NumPy; keeps start-up ('--help', 'exponents') from loading it
    from ..estimate.sources import default_max_memory, parse_memory

    if text is None:
        return default_max_memory()
    try:
        return parse_memory(text)
    except UsageError as exc:
        raise UsageError(f"--max-memory: {exc}") from None


def _sources(**given: Any) -> str:
    named = [k for k, v in given.items() if v]
    if len(named) != 1:
        listed = ", ".join("--" + k.replace("_", "-") for k in given)
        raise UsageError(f"give exactly one source ({listed}); got {len(named) or 'none'}")
    return named[0]


def _with_option(exc: UsageError) -> UsageError:
    text = str(exc)
    if "memory limit" in text:
        return UsageError(f"{text} (--max-memory)")
    return exc


def estimate_cmd(
    features: Optional[Path] = typer.Option(None, "--features", help="P x M features (.npy, .csv, text); kernel X X^T / M."),
    gram: Optional[Path] = typer.Option(None, "--gram", help="P x P kernel Gram matrix (symmetric, PSD)."),
    spectrum: Optional[Path] = typer.Option(None, "--spectrum", help="Eigenvalues, one a line (.npy, .csv, text)."),
    model: Optional[str] = typer.Option(None, "--model", help="module:function returning (model, inputs, labels): its NTK at initialisation, traced over outputs (torch extra); labels: a float per input, a P x C target, or integer classes (centred one-hot)."),
    loss_curve: Optional[Path] = typer.Option(None, "--loss-curve", help="CSV with columns t,loss (optionally seed or width)."),
    network: Optional[Network] = typer.Option(None, "--network", help="cnn: the simulator's CNN at initialisation, its NTK on the first --samples training images of --task, target the centred one-hot labels (vision extra)."),
    task: Optional[str] = typer.Option(None, "--task", help="--network: mnist1d, digits, mnist, npz or folder (the last two with --data)."),
    data: Optional[Path] = typer.Option(None, "--data", help="--network with --task npz or folder: the .npz file or the image folder."),
    width: int = typer.Option(16, "--width", help="--network: channels N of the first convolution (2N, 8N after)."),
    kernel_size: int = typer.Option(3, "--kernel-size", help="--network: the convolutions' kernel size."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="Labels, one per sample, or a P x C target (with --features or --gram)."),
    target_power: Optional[Path] = typer.Option(None, "--target-power", help="Target power per eigenmode (with --spectrum)."),
    with_spectrum: Optional[Path] = typer.Option(None, "--with-spectrum", help="With --loss-curve: eigenvalues to compare lazy and rich laws."),
    with_target_power: Optional[Path] = typer.Option(None, "--with-target-power", help="With --with-spectrum: target power per mode."),
    samples: Optional[int] = typer.Option(None, "--samples", help="--model: use the first P inputs; --spectrum: the P it came from (default: its length)."),
    window: str = typer.Option("auto", "--window", help="auto (the rule in the notes) or K1:K2 (modes, from 1)."),
    bootstrap: int = typer.Option(200, "--bootstrap", help="Bootstrap replicates (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap (and, with --network, of the network)."),
    dynamics: Dynamics = typer.Option(Dynamics.sgd, "--dynamics", help="sgd (the paper's table) or gd (gradient flow) for the predictions."),
    decades: float = typer.Option(1.0, "--decades", help="--loss-curve: fit over the last this many decades of t."),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", help="Refuse work needing more memory (e.g. 4G; default half the RAM)."),
    device: KernelDevice = typer.Option(KernelDevice.cpu, "--device", help="--model: cpu or cuda."),
    float64: bool = typer.Option(False, "--float64", help="--model: compute the NTK in float64."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Draw spectrum, target power, fits and bootstrap draws to this PNG (plot extra)."),
    fmt: TableFormat = format_option(),
) -> None:
    """Measure alpha and beta of your task with bootstrap intervals, and what feature learning will do.

    Example: scalingtool estimate --features X.npy --labels y.npy --bootstrap 200
    """
    which = _sources(features=features, gram=gram, spectrum=spectrum, model=model, loss_curve=loss_curve,
                     network=network is not None)
    _network_options(which, task, data, samples)
    if bootstrap < 0 or bootstrap > 100000:
        raise UsageError(f"--bootstrap: expected 0 to 100000, got {bootstrap}")
    check("seed", seed, "--seed")
    if samples is not None:
        check("data", samples, "--samples")
    if labels is not None and which not in ("features", "gram"):
        raise UsageError("--labels goes with --features or --gram")
    if target_power is not None and which != "spectrum":
        raise UsageError("--target-power goes with --spectrum")
    if plot is not None:
        if which == "loss_curve":
            raise UsageError("--plot draws a spectrum estimate; a loss curve is fitted without a figure")
        check_output_path(plot, "--plot")
    limit = _memory(max_memory)
    try:
        if which == "loss_curve":
            _loss_curve(loss_curve, with_spectrum, with_target_power, samples, window, bootstrap, seed,
                        dynamics.value, decades, fmt)
            return
        if which == "network":
            result = _network(task, data, samples, width, kernel_size, seed, window, bootstrap, dynamics.value,
                              limit, float64)
        else:
            result = _estimate(which, features, gram, spectrum, model, labels, target_power, samples, window,
                               bootstrap, seed, dynamics.value, limit, device.value, float64)
    except UsageError as exc:
        raise _with_option(exc) from None
    from ..estimate.report import estimate_report  # deferred: NumPy, as in _memory

    if plot is not None:
        from ..estimate.plot import save_plot  # deferred: NumPy, as in _memory

        save_plot(result, str(plot))
    emit(estimate_report(result), fmt)


def _estimate(which: str, features: Any, gram: Any, spectrum: Any, model: Any, labels: Any, target_power: Any,
              samples: Optional[int], window: str, bootstrap: int, seed: int, dynamics: str, limit: float,
              device: str, float64: bool) -> Any:
    # deferred, here and below: NumPy and the estimator; keeps start-up ('--help', 'exponents') from loading them
    import numpy as np

    from ..estimate import sources
    from ..estimate.estimator import estimate_gram, estimate_spectrum
    from ..estimate.spectrum import powers_from_arrays

    def run(k: Any, y: Any, source: str, eps: float = float(np.finfo(np.float64).eps), psd_known: bool = False) -> Any:
        with progress_bar("bootstrap", bootstrap) as update:
            return estimate_gram(k, y, source, window, bootstrap, seed, dynamics, eps, update, psd_known=psd_known)

    if which == "spectrum":
        lam = sources.load_vector(spectrum, "spectrum")
        power = sources.load_vector(target_power, "target-power") if target_power is not None else None
        if lam.shape[0] < sources.MIN_SAMPLES:
            raise UsageError(f"{spectrum}: {lam.shape[0]} eigenvalues; at least {sources.MIN_SAMPLES} are needed")
        spec = powers_from_arrays(lam, power, samples)
        return estimate_spectrum(spec, f"spectrum {spectrum}", window, bootstrap, seed, dynamics)
    if which in ("features", "gram"):
        if which == "features":
            from ..estimate.kernels import feature_gram

            x = sources.load_features(features, limit)
            y = None if labels is None else sources.load_labels(labels, x.shape[0])
            eps = float(np.finfo(x.dtype).eps)
            return run(feature_gram(x, limit), y, f"features {features}", eps, psd_known=True)
        k = sources.load_gram(gram, limit)
        y = None if labels is None else sources.load_labels(labels, k.shape[0])
        return run(k, y, f"gram {gram}")  # without labels: alpha alone
    from ..estimate.ntk import call_model_function, load_model_function, ntk_gram

    func = load_model_function(model)
    net, inputs, y = call_model_function(func, model)
    if samples is not None:
        if samples < sources.MIN_SAMPLES:
            raise UsageError(f"--samples: at least {sources.MIN_SAMPLES}")
        inputs, y = inputs[:samples], y[:samples]
    with progress_bar("NTK") as _:
        k = ntk_gram(net, inputs, limit, device, float64)
    eps = float(np.finfo(np.float64 if float64 else np.float32).eps)
    return run(k, y, f"model {model} (NTK)", eps)


def _network_options(which: str, task: Optional[str], data: Optional[Path], samples: Optional[int]) -> None:
    if which != "network":
        if task is not None or data is not None:
            raise UsageError("--task and --data go with --network")
        return
    if task is None:
        raise UsageError("--network needs --task (mnist1d, digits, mnist, npz or folder)")
    if samples is None:
        raise UsageError("--network needs --samples: the number P of training images the NTK is taken on")
    if task in ("npz", "folder") and data is None:
        raise UsageError(f"--task {task} needs --data: the .npz file or the image folder")


def _network(task: str, data: Optional[Path], samples: int, width: int, kernel_size: int, seed: int, window: str,
             bootstrap: int, dynamics: str, limit: float, float64: bool) -> Any:
    # deferred: NumPy, the estimator and the simulator's network; keeps start-up light
    from ..estimate.network import cnn_config, estimate_network

    try:
        config = cnn_config(task, samples, path=None if data is None else str(data), width=width,
                            kernel_size=kernel_size, seed=seed, float64=float64)
    except UsageError as exc:
        raise UsageError(_option_names(str(exc))) from None
    with progress_bar("bootstrap", bootstrap) as update:
        try:
            return estimate_network(config, samples, window=window, replicates=bootstrap, seed=seed,
                                    dynamics=dynamics, max_memory=limit, progress=update)
        except UsageError as exc:
            raise UsageError(_option_names(str(exc))) from None


def _option_names(text: str) -> str:
    """The config's field names in a message as the options that set them."""
    for field, option in (("kernel_size", "--kernel-size"), ("path", "--data"), ("task", "--task"),
                          ("width", "--width"), ("samples", "--samples"), ("seeds", "--seed")):
        text = text.replace(f"{field} ", f"{option} ", 1) if text.startswith(f"{field} ") else text
    return text


def _loss_curve(path: Any, spectrum: Any, target_power: Any, samples: Optional[int], window: str,
                bootstrap: int, seed: int, dynamics: str, decades: float, fmt: TableFormat) -> None:
    # deferred: NumPy and the estimator; keeps start-up ('--help', 'exponents') from loading them
    from ..estimate import sources
    from ..estimate.estimator import estimate_spectrum
    from ..estimate.loss_curve import fit_loss_curve, read_loss_curve
    from ..estimate.report import loss_curve_report
    from ..estimate.spectrum import powers_from_arrays

    if not 0.2 <= decades <= 20:
        raise UsageError(f"--decades: expected 0.2 to 20, got {decades:g}")
    curve = read_loss_curve(str(path))
    fit = fit_loss_curve(curve, decades, bootstrap, seed)
    est = None
    if spectrum is not None:
        lam = sources.load_vector(spectrum, "spectrum")
        power = sources.load_vector(target_power, "target-power") if target_power is not None else None
        if power is None:
            raise UsageError("--with-spectrum needs --with-target-power to compare with the laws")
        est = estimate_spectrum(powers_from_arrays(lam, power, samples), f"spectrum {spectrum}", window,
                                bootstrap, seed, dynamics)
    emit(loss_curve_report(str(path), curve, fit, est), fmt)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_cmd)
