"""The ``mlp-study`` kind's computation (theory §5): its plan (one part per configuration and
gamma0 of the grid, each an ensemble of seeds), a part's measurement, and the outcome: the
table, its sentences, the checks (lazy line, drift) and each rich configuration's measured
rich - lazy difference, which a rerun checks against the recipe's reference run."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .. import Measured, Outcome
from ....config import ReluMLPRun
from ....estimate.circle import circle_task_summary, estimate_text, predicted_gain
from ....simulate.relu_mlp import run_relu_mlp
from ....simulate.slope import late_exponents, paired_difference, slope_at_loss
from ....theory import exponents
from ....verify.checks import judge
from ....work import Part
from .schema import EXPECT, GRID, StudyParams, config_key, gamma0_of, grid, part_id

__all__ = ["plan", "finish", "paired_stderr", "equal_loss", "config_bridges", "BRIDGE_REPLICATES"]

#: bootstrap resamplings of the estimate of alpha and beta from the initial kernel (theory §6)
BRIDGE_REPLICATES = 50


def plan(params: StudyParams) -> list[Part]:
    config = params.config()
    k_hi = max(4, min(32, params.kernel_points // 8))
    shared = {k: v for k, v in config.items() if k not in (*GRID, *EXPECT)}
    shared["alpha_range"] = [max(2, k_hi // 8), k_hi]

    def part(beta: str, depth: int, data: str, width: int, g: float) -> Part:
        spec = {"beta_run": beta, "depth_run": depth, "data_run": data, "width_run": width, "gamma0_run": g,
                **shared}
        # the network's config, checked as a whole while planning: a bad combination stops the
        # run before any part is computed
        run = ReluMLPRun.from_user(beta=beta, gamma0=g, depth=depth, width=width, param=spec["param"], data=data,
                                   batch=spec["batch"], points=spec["points"], steps=spec["steps"],
                                   modes=spec["modes"], seeds=spec["seeds"], kernel_points=spec["kernel_points"],
                                   alpha_range=tuple(spec["alpha_range"]), max_substeps=spec["max_substeps"],
                                   dtype=spec["dtype"])

        def compute(progress: Any) -> dict[str, Any]:
            return _compute(spec, run, progress)
        return Part(part_id(beta, depth, data, width, g), spec, compute)

    return [part(*combo) for combo in grid(params)]


def _compute(spec: dict[str, Any], run: ReluMLPRun, progress: Any) -> dict[str, Any]:
    r = run_relu_mlp(run, progress)
    r = r.completed()  # Ctrl-C: never store a partial run as a finished part
    meta = r.metadata
    t = np.asarray(r.time, float)
    end = float(t[-1])
    late, early = late_exponents(t, r.loss, end)
    alpha = Fraction(meta["alpha_mean"]).limit_denominator(1000)
    beta = Fraction(meta["beta_derived_mean"]).limit_denominator(1000)
    dynamics = "sgd" if spec["data_run"] == "online" else "gd"
    table = exponents(alpha, beta, dynamics)
    bridge = _bridge(spec, r.seeds, dynamics)
    onset = table.crossovers.rich_onset
    g = spec["gamma0_run"]
    kern = meta["kernel"]
    return {
        "time": t, "loss": r.loss.mean(axis=0), "loss_seeds": r.loss, "exponents": late,
        "mean": float(np.mean(late)), "spread": float(np.std(late, ddof=1)) if late.size > 1 else 0.0,
        "early_mean": float(np.mean(early)), "drift": float(np.mean(late) - np.mean(early)),
        "window": [end / 10.0, end], "alpha": str(alpha), "beta": str(beta),
        "alpha_seeds": meta["alpha_measured"], "lazy_theory": str(table.lazy.time),
        "rich_theory": str(table.rich.time),
        "rich_onset": None if (onset is None or g == 0) else float(g ** float(onset)),
        "lr": r.lr, "substeps_total": meta["substeps_total"], "substeps_max": meta["substeps_max"],
        "elapsed_s": meta["elapsed_s"], "interrupted": r.interrupted,
        "kernel_time": kern["time"], "spectrum": kern["spectrum_mean"],
        "rayleigh": [float(np.mean(v)) for v in kern["rayleigh"]],
        "alignment": [float(np.mean(v)) for v in kern["alignment"]],
        "top": [float(np.mean(v)) for v in kern["top"]], "bands": kern["bands"],
        "residual_rayleigh": [float(np.mean(v)) for v in kern["residual_rayleigh"]],
        "eigenvalues": kern["eigenvalues_mean"],
        "band_fractions": kern["band_fractions"], "bridge": bridge,
    }


def _bridge(spec: dict[str, Any], seeds: Any, dynamics: str) -> dict[str, Any]:
    """alpha and beta of each seed's initial kernel and target on ``kernel_points`` angles (theory §6)."""
    return circle_task_summary(float(Fraction(spec["beta_run"])), [int(s) for s in seeds],
                               depth=spec["depth_run"], width=spec["width_run"], modes=spec["modes"],
                               k_range=tuple(spec["alpha_range"]), dynamics=dynamics,
                               samples=spec["kernel_points"], replicates=BRIDGE_REPLICATES)


def config_bridges(data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The estimate of each configuration (the same initial networks for every gamma0)."""
    out: dict[str, dict[str, Any]] = {}
    for pid, d in data.items():
        if d.get("bridge") and d["bridge"].get("lazy") is not None:
            out.setdefault(config_key(pid), d["bridge"])
    return out


def finish(params: StudyParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows, checks = [], []
    lazy = {config_key(pid): d for pid, d in data.items() if pid.endswith("_g0")}
    bridges = config_bridges(data)
    for pid, d in data.items():
        base = lazy.get(config_key(pid))
        bridge = bridges.get(config_key(pid))
        rows.append({
            "config": config_key(pid), "gamma0": gamma0_of(pid), "alpha": Fraction(d["alpha"]),
            "beta": Fraction(d["beta"]), "lazy_theory": Fraction(d["lazy_theory"]),
            "rich_theory": Fraction(d["rich_theory"]), "alpha_est": estimate_text(bridge, "alpha"),
            "beta_est": estimate_text(bridge, "beta"), "lazy_est": estimate_text(bridge, "lazy"),
            "rich_est": estimate_text(bridge, "rich"), "measured": d["mean"], "spread": d["spread"],
            "minus_lazy": None if base is None else d["mean"] - base["mean"],
            "minus_lazy_se": paired_stderr(d, base), **equal_loss(d, base), "drift": d["drift"],
            "t_end": d["window"][1], "rich_onset_t": d["rich_onset"],
            "kernel_growth": d["top"][-1] / d["top"][0] if d["top"] else None,
            "residual_kernel": d["residual_rayleigh"][-1] if d.get("residual_rayleigh") else None})
        # hard targets only: for beta > 1 a finite network's window sees the width transient
        # N^-1 t^-(1 - 1/alpha) mixed with the signal (theory §3), not the signal's exponent
        if params.lazy_tolerance is not None and pid.endswith("_g0") and Fraction(d["beta"]) < 1:
            if bridge is not None:
                line, how = bridge["lazy"], (f"alpha, beta estimated from the initial kernel (theory §6; nominal "
                                             f"line {float(Fraction(d['lazy_theory'])):.3f})")
            else:
                line, how = Fraction(d["lazy_theory"]), "the nominal alpha, beta (the initial kernel gave no estimate)"
            checks.append(judge("mlp-study", pid, "lazy time exponent", line, d["mean"],
                                float(params.lazy_tolerance), f"theory §5: the linearised network is kernel "
                                f"regression; line from {how}"))
        if params.max_drift is not None:
            checks.append(judge("mlp-study", pid, "drift of the late exponent", 0, d["drift"], float(params.max_drift),
                                "theory §4: the slope must not change between neighbouring windows"))
    measured = {pid: _gain(row, bridges.get(row["config"])) for pid, row in zip(data, rows)
                if row["gamma0"] != 0 and row["minus_lazy"] is not None}
    columns = ["config", "gamma0", "alpha", "beta", "lazy_theory", "rich_theory", "alpha_est", "beta_est",
               "lazy_est", "rich_est", "measured", "spread",
               "minus_lazy", "minus_lazy_se", "shared_loss", "head_start", "slope_shared", "lazy_slope_shared",
               "drift", "t_end", "rich_onset_t", "kernel_growth", "residual_kernel"]
    return Outcome(columns, rows, checks, [_sentence(row) for row in rows], measured)


def _gain(row: dict[str, Any], bridge: dict[str, Any] | None) -> Measured:
    """The measured ``rich - lazy`` of one rich part (paired over seeds), with the theory §3
    prediction for its estimated task (and the nominal one) as its note."""
    said = predicted_gain(bridge, row["rich_theory"] - row["lazy_theory"])[1]
    return Measured("rich - lazy exponent", float(row["minus_lazy"]), row["minus_lazy_se"], said)


def paired_stderr(rich: dict[str, Any], lazy: dict[str, Any] | None) -> float | None:
    """Standard error of ``rich - lazy``, the mean of the per-seed differences of the exponents
    (the same seeds: the same initial network and target); None without a lazy part or with
    fewer than two seeds."""
    if lazy is None or len(rich["exponents"]) != len(lazy["exponents"]):
        return None
    return paired_difference(rich["exponents"], lazy["exponents"])[1]


def equal_loss(rich: dict[str, Any], lazy: dict[str, Any] | None) -> dict[str, float | None]:
    """The two mean curves compared at equal loss rather than equal time: ``shared_loss``, the
    lowest loss both reach (the larger final loss); ``head_start``, the lazy run's time to reach
    it over the rich run's; and their local exponents there (:func:`slope_at_loss`). A head
    start with equal slopes is the same law reached sooner; a steeper rich slope a new law."""
    keys = ("shared_loss", "head_start", "slope_shared", "lazy_slope_shared")
    if lazy is None or rich is lazy or not rich.get("loss") or not lazy.get("loss"):
        return dict.fromkeys(keys)
    level = max(float(rich["loss"][-1]), float(lazy["loss"][-1]))
    t_rich, p_rich = slope_at_loss(np.asarray(rich["time"]), np.asarray(rich["loss"]), level)
    t_lazy, p_lazy = slope_at_loss(np.asarray(lazy["time"]), np.asarray(lazy["loss"]), level)
    values = (level, t_lazy / t_rich, p_rich, p_lazy)
    return dict(zip(keys, values)) if all(np.isfinite(values)) else dict.fromkeys(keys)


def _sentence(row: dict[str, Any]) -> str:
    """One part's result in words: its exponent, its lead over lazy training, and the lines."""
    text = (f"{row['config']} gamma0 = {row['gamma0']:g}: exponent {row['measured']:.3f} "
            f"+- {row['spread']:.3f} over t in [{row['t_end'] / 10:.3g}, {row['t_end']:.3g}]")
    if row["gamma0"] != 0 and row["minus_lazy"] is not None:
        se = "" if row["minus_lazy_se"] is None else f" +- {row['minus_lazy_se']:.3f}"
        text += f", rich - lazy {row['minus_lazy']:+.3f}{se} (paired over seeds)"
    if row["gamma0"] != 0 and row.get("shared_loss") is not None:
        ahead = row["head_start"]
        when = f"{ahead:.3g}x sooner" if ahead >= 1 else f"{1 / ahead:.3g}x later"
        text += (f"; at the lowest loss both reach ({row['shared_loss']:.2e}) rich gets there {when} than lazy, "
                 f"local slopes {row['slope_shared']:.2f} against lazy {row['lazy_slope_shared']:.2f}")
    text += (f"; drift {row['drift']:+.3f}; lines lazy {float(row['lazy_theory']):.3f}, "
             f"rich {float(row['rich_theory']):.3f}")
    if row["lazy_est"] is not None:
        text += f" (estimated task: lazy {row['lazy_est']}, rich {row['rich_est']})"
    return text
