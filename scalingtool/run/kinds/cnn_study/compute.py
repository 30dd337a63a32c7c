"""The ``cnn-study`` kind's computation (theory §5): its plan (one part per width and gamma0,
each an ensemble of seeds), a part's measurement (curves, exponents, the tangent kernel over
time and the theory §6 estimate at initialisation), and the outcome: the table, its sentences
and each rich configuration's rich - lazy difference, which a rerun checks against the
recipe's reference run."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import Measured, Outcome
from ....config import CnnRun
from ....simulate.slope import late_exponents, paired_difference, running_exponent
from ....work import Part
from .schema import GRID, CnnStudyParams, config_key, gamma0_of, grid, part_id

__all__ = ["plan", "finish", "BRIDGE_REPLICATES", "kernel_modes", "estimate_summary"]

#: bootstrap resamplings of the estimate of alpha and beta from the initial kernel (theory §6)
BRIDGE_REPLICATES = 50
#: eigen-modes stored per kernel snapshot (log-spaced from 1 to kernel_points)
_STORED_MODES = 24


def _run_config(params: dict[str, Any], width: int, gamma0: float) -> CnnRun:
    """The network of one part, checked as a whole (a bad combination stops the plan)."""
    finite = params["data"] == "finite"
    return CnnRun.from_user(task=params["task"], path=params["path"], data=params["data"], samples=params["samples"] if finite else None,
                            width=width, gamma0=gamma0, param=params["param"], seeds=tuple(range(params["seeds"])),
                            steps=params["steps"], batch=params["batch"], kernel_size=params["kernel_size"],
                            test_samples=params["test_samples"], pool_samples=params["pool_samples"],
                            max_substeps=params["max_substeps"], dtype=params["dtype"])


def plan(params: CnnStudyParams) -> list[Part]:
    """One part per ``(width, gamma0)``. A part of the user's own images names them by content
    (``data_sha256``, :func:`~scalingtool.simulate.vision.fingerprint`), not by path: changed
    images recompute the part, the same images moved elsewhere reuse it."""
    config = params.config()
    shared = {k: v for k, v in config.items() if k not in GRID}
    own = {k: v for k, v in shared.items() if k != "path"}
    if params.path is not None:
        # deferred: the image readers load only when a recipe names a user's images
        from ....simulate.vision import fingerprint
        own["data_sha256"] = fingerprint(params.task, params.path)

    def part(width: int, g: float) -> Part:
        spec = {"width_run": width, "gamma0_run": g, **own}
        run = _run_config(shared, width, g)

        def compute(progress: Any) -> dict[str, Any]:
            return _compute(spec, run, progress)
        return Part(part_id(params.task, params.data, width, g), spec, compute)

    return [part(*combo) for combo in grid(params)]


def kernel_modes(points: int) -> list[int]:
    """The modes stored per kernel snapshot: about ``_STORED_MODES`` log-spaced from 1 to P."""
    return sorted({int(round(m)) for m in np.logspace(0, math.log10(points), _STORED_MODES)})


def _compute(spec: dict[str, Any], run: CnnRun, progress: Any) -> dict[str, Any]:
    # deferred: torch, the vision tasks and the estimator load only when a part is computed, not
    # when a stored run is summarised or redrawn
    import torch

    from ....estimate.network import network_kernel, spectrum_alignment
    from ....simulate.cnn import run_cnn
    from ....simulate.result import log_spaced_steps
    from ....simulate.vision import centred_onehot, load_task

    data = load_task(run)
    points = spec["kernel_points"]
    x_k = torch.as_tensor(data.x_test[:points])
    y_k = centred_onehot(data.y_test[:points], data.classes).astype(float)
    modes = kernel_modes(points)
    snaps: list[tuple[int, list[float], list[float], float]] = []
    initial: list[np.ndarray] = []

    def snapshot(step: int, net: Any) -> None:
        k = network_kernel(net, x_k.to(net.dtype), member=0)
        if step == 0:
            initial.append(k.copy())
        lam, cumulative = spectrum_alignment(k, y_k, modes)
        snaps.append((step, [float(lam[m - 1]) for m in modes], cumulative, float(lam[0])))

    r = run_cnn(run, progress, data=data,
                observe_at=(log_spaced_steps(run.steps, spec["kernel_per_decade"]), snapshot)).completed()
    t = np.asarray(r.time, float)
    late, _ = late_exponents(t, r.loss, float(t[-1]))
    mean_loss = r.loss.mean(axis=0)
    centres, running = running_exponent(t, mean_loss)
    dynamics = "sgd" if spec["data"] == "online" else "gd"
    return {
        "time": t, "loss": mean_loss, "loss_seeds": r.loss, "accuracy": r.extra["accuracy"].mean(axis=0),
        "exponents": late, "mean": float(np.mean(late)),
        "spread": float(np.std(late, ddof=1)) if late.size > 1 else 0.0, "window": [float(t[-1]) / 10, float(t[-1])],
        "running_time": centres, "running": running, "kernel_time": [s * r.lr for s, *_ in snaps],
        "modes": modes, "spectrum": [s[1] for s in snaps], "alignment": [s[2] for s in snaps],
        "top": [s[3] for s in snaps], "estimate": estimate_summary(initial[0], y_k, spec["window"], dynamics),
        "lr": r.lr, "substeps_total": r.metadata["substeps_total"], "elapsed_s": r.metadata["elapsed_s"],
        "interrupted": r.interrupted,
    }


def estimate_summary(k: np.ndarray, y: np.ndarray, window: str, dynamics: str) -> dict[str, Any]:
    """alpha, beta and the lazy and rich time exponents of theory §3 from one kernel and its
    target (theory §6, 95% bootstrap intervals), or ``{"failed": reason}`` when the kernel shows
    no power law over the window (or scipy, the estimate extra, is missing)."""
    # deferred: scipy (the estimate extra) loads only when a part is computed
    from ....errors import UsageError
    from ....estimate.estimator import estimate_gram
    from ....estimate.window import NoPowerLaw

    try:
        e = estimate_gram(k, y, "initial kernel of member 0", window, BRIDGE_REPLICATES, 0, dynamics)
    except (NoPowerLaw, UsageError) as exc:
        return {"failed": str(exc)}
    out: dict[str, Any] = {"alpha": e.alpha[0], "alpha_ci": _ci(e.alpha[1]), "window": list(e.windows.alpha),
                           "regime": e.regime, "samples": e.samples, "dynamics": dynamics}
    out["beta"], out["beta_ci"] = (e.beta[0], _ci(e.beta[1])) if e.beta is not None else (None, None)
    for training in ("lazy", "rich"):
        value, ci = e.predicted.get(training, {}).get("time", (None, None))
        out[training], out[f"{training}_ci"] = value, _ci(ci)
    return out


def _ci(ci: Any) -> list[float] | None:
    return None if ci is None else [float(ci[0]), float(ci[1])]


def _text(estimate: dict[str, Any] | None, name: str) -> str | None:
    """``"value [lo, hi]"`` of an estimated quantity (None when not measured)."""
    if not estimate or estimate.get(name) is None:
        return None
    ci = estimate.get(f"{name}_ci")
    return f"{estimate[name]:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def finish(params: CnnStudyParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows = []
    lazy = {config_key(pid): d for pid, d in data.items() if gamma0_of(pid) == 0}
    for pid, d in data.items():
        base = lazy.get(config_key(pid))
        est = d["estimate"]
        gain, gain_se = (None, None) if base is None or base is d else paired_difference(d["exponents"],
                                                                                           base["exponents"])
        rows.append({
            "config": config_key(pid), "gamma0": gamma0_of(pid), "measured": d["mean"], "spread": d["spread"],
            "minus_lazy": gain, "minus_lazy_se": gain_se, "alpha_est": _text(est, "alpha"),
            "beta_est": _text(est, "beta"), "lazy_pred": _text(est, "lazy"), "rich_pred": _text(est, "rich"),
            "predicted_gain": None if est.get("rich") is None else est["rich"] - est["lazy"],
            "accuracy": d["accuracy"][-1], "t_end": d["window"][1],
            "kernel_growth": d["top"][-1] / d["top"][0] if d["top"] else None,
            "alignment_10": _alignment_at(d, 10), "estimate_failed": est.get("failed")})
    measured = {pid: _gain(row) for pid, row in zip(data, rows) if row["gamma0"] != 0 and row["minus_lazy"] is not None}
    columns = ["config", "gamma0", "measured", "spread", "minus_lazy", "minus_lazy_se", "alpha_est", "beta_est",
               "lazy_pred", "rich_pred", "predicted_gain", "accuracy", "t_end", "kernel_growth", "alignment_10",
               "estimate_failed"]
    return Outcome(columns, rows, [], [_sentence(row) for row in rows], measured)


def _alignment_at(d: dict[str, Any], mode: int) -> list[float] | None:
    """The target's power on the top ``mode`` eigenvectors at the first and last snapshot."""
    if not d["alignment"] or mode not in d["modes"]:
        return None
    i = d["modes"].index(mode)
    return [d["alignment"][0][i], d["alignment"][-1][i]]


def _gain(row: dict[str, Any]) -> Measured:
    """The measured ``rich - lazy`` of one rich part (paired over seeds), with the theory §3
    prediction of the estimated task as its note."""
    said = ("no prediction: " + row["estimate_failed"] if row["predicted_gain"] is None else
            f"theory §3 predicts {row['predicted_gain']:+.3f} for the task estimated from the initial kernel")
    return Measured("rich - lazy exponent", float(row["minus_lazy"]), row["minus_lazy_se"], said)


def _sentence(row: dict[str, Any]) -> str:
    """One part's result in words: its exponent, its lead over lazy training, and the predictions."""
    text = (f"{row['config']} gamma0 = {row['gamma0']:g}: exponent {row['measured']:.3f} +- {row['spread']:.3f} "
            f"over t in [{row['t_end'] / 10:.3g}, {row['t_end']:.3g}], test accuracy {row['accuracy']:.3f}")
    if row["minus_lazy"] is not None:
        se = "" if row["minus_lazy_se"] is None else f" +- {row['minus_lazy_se']:.3f}"
        text += f", rich - lazy {row['minus_lazy']:+.3f}{se} (paired over seeds)"
    if row["lazy_pred"] is None:
        return text + "; no prediction from the initial kernel (" + str(row["estimate_failed"]) + ")"
    text += (f"; predicted from the initial kernel (alpha {row['alpha_est']}, beta {row['beta_est']}): "
             f"lazy {row['lazy_pred']}, rich {row['rich_pred']}")
    if row["gamma0"] == 0:  # the consistency row: kernel regression with its own kernel
        text += f"; lazy minus its prediction {row['measured'] - float(row['lazy_pred'].split()[0]):+.3f}"
    return text
