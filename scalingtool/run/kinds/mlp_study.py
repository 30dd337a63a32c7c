"""Simulation recipe: the ReLU MLP's time exponent against gamma0, with its kernel (theory §5).

One part per ``(beta, depth, data, width, gamma0)`` of the recipe's grid, each an ensemble of
seeds trained by :func:`~scalingtool.simulate.relu_mlp.simulate_relu_mlp`. A part stores the
mean test-loss curve, the per-seed time exponents over the last decade of ``t = eta * steps``
(and over the half-decade-earlier window: their difference is the drift), the capacity
``alpha`` measured from the initial kernel's spectrum and the ``beta`` derived from it, and the
kernel's evolution (Fourier spectrum, sorted eigenvalues, target alignment, the kernel seen by
the current residual, loss per frequency band).

The summary sets each measured exponent beside the two theory lines (theory §3: lazy and rich
time exponents; online SGD uses the SGD table, full-batch data the gradient-flow one) of the task
*estimated* from each seed's initial kernel and target with the theory §6 methods
(:func:`~scalingtool.estimate.circle.measure_circle_networks`: ``alpha`` and ``beta`` with
bootstrap intervals, mean over seeds with the envelope of their 95% intervals); the nominal
lines (``alpha`` from the kernel's Fourier spectrum, ``beta`` derived from the target's built-in
decay) stay beside them, and are what a configuration falls back to when its kernel shows no
power law over the fit window. Also: the rich onset time ``tau ~ gamma0^r`` before which a
rich run still follows the lazy law. A study reports; its checks are the optional ``[params]`` keys
``lazy_tolerance``, ``max_drift`` and ``gains`` (the rich - lazy difference each listed
configuration was measured to have, with its tolerance: the study's measured truth, checked
with the theory's prediction for the estimated task printed beside it).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from ...config import DATA_MODES, DTYPES, PARAMETRISATIONS
from ...errors import UsageError
from ...params import check, parse_beta
from ...verify.checks import Check, judge
from ..schema import (Beta, Exact, Gamma0, KindParams, Positive, StoredData, Strict, Tolerance, Values, limited,
                      numbers, positive, unique)
from ...work import Part
from . import Kind, Outcome

__all__ = ["KIND", "StudyParams", "StudyData", "paired_stderr", "equal_loss"]

#: the checks' keys (not the runs'): changing them must not recompute a part
_EXPECT = ("lazy_tolerance", "max_drift", "gains")
#: the keys that span the grid of parts (each part gets one value of each)
_GRID = ("beta", "gamma0", "depth", "data", "width")


#: the largest |rich - lazy| a gain may state: exponents here lie in (0, 2)
_GAIN_LIMIT = Fraction(2)


class Gain(Strict):
    """One configuration's measured ``rich - lazy`` time exponent difference (``value``, paired
    over the study's seeds) and the tolerance a rerun must stay within (about twice its
    standard error): ``{beta, depth, data, width, gamma0, value, tolerance}``."""

    beta: Beta
    depth: limited("depth")  # type: ignore[valid-type]
    data: Literal[DATA_MODES] = "online"  # type: ignore[valid-type]
    width: limited("width")  # type: ignore[valid-type]
    gamma0: Gamma0
    value: Exact
    tolerance: Tolerance  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _bounded(self) -> Any:
        if abs(self.value) > _GAIN_LIMIT:
            raise UsageError(f"value must lie in [-{_GAIN_LIMIT}, {_GAIN_LIMIT}], got {float(self.value):.3g}")
        return self

    def part(self) -> str:
        """The id of the part this gain is measured on."""
        return _part_id(str(self.beta), self.depth, self.data, self.width, float(self.gamma0))


class StudyParams(KindParams):
    """``mlp-study`` (theory §5): one part per ``(beta, depth, data, width, gamma0)``."""

    beta: numbers(parse_beta, 6)  # type: ignore[valid-type]
    gamma0: numbers(lambda v, n: check("gamma0", v, n), 12)  # type: ignore[valid-type]
    depth: unique(limited("depth"), 4) = [1]  # type: ignore[valid-type]
    data: unique(Literal[DATA_MODES], 2) = ["online"]  # type: ignore[valid-type]
    width: unique(limited("width"), 8) = [512]  # type: ignore[valid-type]
    param: Literal[PARAMETRISATIONS] = "mup"  # type: ignore[valid-type]
    seeds: limited("seeds") = 3  # type: ignore[valid-type]
    steps: limited("steps") = 2000  # type: ignore[valid-type]
    modes: limited("modes") = 64  # type: ignore[valid-type]
    batch: limited("batch") = 64  # type: ignore[valid-type]
    points: limited("points") = 256  # type: ignore[valid-type]
    kernel_points: limited("kernel_points") = 256  # type: ignore[valid-type]
    max_substeps: limited("max_substeps") = 256  # type: ignore[valid-type]
    dtype: Literal[DTYPES] = "float64"  # type: ignore[valid-type]
    #: every lazy exponent of a hard target within this of the lazy theory line (None: no check)
    lazy_tolerance: Tolerance | None = None  # type: ignore[valid-type]
    #: every part's drift of its late exponent at most this (None: no check)
    max_drift: positive(1) | None = None  # type: ignore[valid-type]
    #: measured rich - lazy differences to check, one per listed configuration of the grid
    gains: list[Gain] = Field(default_factory=list, max_length=64)

    @model_validator(mode="after")
    def _gains_in_grid(self) -> Any:
        if self.gains and 0 not in self.gamma0:
            raise UsageError("gains compare with the lazy network: gamma0 must include 0")
        ids = {_part_id(*combo) for combo in _grid(self)}
        for i, gain in enumerate(self.gains):
            if gain.gamma0 == 0 or gain.part() not in ids:
                raise UsageError(f"gains[{i}]: no rich configuration beta = {gain.beta}, depth = {gain.depth}, "
                                 f"data = {gain.data}, width = {gain.width}, gamma0 = {float(gain.gamma0):g} "
                                 f"in the grid")
        if len({g.part() for g in self.gains}) != len(self.gains):
            raise UsageError("gains: each configuration may appear only once")
        return self


class StudyData(StoredData):
    time: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    loss_seeds: list[list[float]]
    exponents: list[float]
    mean: float
    spread: float
    early_mean: float
    drift: float
    window: tuple[Positive, Positive]
    alpha: Exact
    beta: Exact
    alpha_seeds: list[float]
    lazy_theory: Exact
    rich_theory: Exact
    rich_onset: float | None
    lr: float
    substeps_total: int
    substeps_max: int
    elapsed_s: float
    interrupted: bool
    kernel_time: list[float]
    spectrum: list[list[float]]
    rayleigh: list[float]
    alignment: list[float]
    top: list[float]
    bands: list[tuple[int, int]]
    residual_rayleigh: list[float] = Field(default_factory=list)
    eigenvalues: list[list[float]] = Field(default_factory=list)
    band_fractions: list[list[float]]
    #: the theory §6 estimate of the configuration's task (None: stored before it was measured)
    bridge: dict[str, Any] | None = None


#: bootstrap resamplings of the estimate of alpha and beta from the initial kernel (theory §6)
BRIDGE_REPLICATES = 50


def _grid(params: StudyParams) -> list[tuple[str, int, str, int, float]]:
    """The ``(beta, depth, data, width, gamma0)`` of every part, in the plan's order."""
    return list(itertools.product([str(b) for b in params.beta], params.depth, params.data, params.width,
                                  [float(g) for g in params.gamma0]))


def _plan(params: StudyParams) -> list[Part]:
    config = params.config()
    k_hi = max(4, min(32, params.kernel_points // 8))
    shared = {k: v for k, v in config.items() if k not in (*_GRID, *_EXPECT)}
    shared["alpha_range"] = [max(2, k_hi // 8), k_hi]

    def part(beta: str, depth: int, data: str, width: int, g: float) -> Part:
        spec = {"beta_run": beta, "depth_run": depth, "data_run": data, "width_run": width, "gamma0_run": g,
                **shared}

        def compute(progress: Any) -> dict[str, Any]:
            return _compute(spec, progress)
        return Part(_part_id(beta, depth, data, width, g), spec, compute)

    return [part(*combo) for combo in _grid(params)]


def _part_id(beta: str, depth: int, data: str, width: int, gamma0: float) -> str:
    return f"b{beta}_d{depth}_{data}_N{width}_g{gamma0:g}".replace("/", "_")


def _compute(spec: dict[str, Any], progress: Any) -> dict[str, Any]:
    from ...simulate.relu_mlp import simulate_relu_mlp
    from ...simulate.slope import late_exponents
    from ...theory import exponents

    r = simulate_relu_mlp(spec["beta_run"], spec["gamma0_run"], depth=spec["depth_run"], width=spec["width_run"],
                          param=spec["param"], data=spec["data_run"], batch=spec["batch"], points=spec["points"],
                          steps=spec["steps"], modes=spec["modes"], seeds=spec["seeds"],
                          kernel_points=spec["kernel_points"], alpha_range=tuple(spec["alpha_range"]),
                          max_substeps=spec["max_substeps"], dtype=spec["dtype"], progress=progress)
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
    from ...estimate.circle import circle_task_summary

    return circle_task_summary(float(Fraction(spec["beta_run"])), [int(s) for s in seeds],
                               depth=spec["depth_run"], width=spec["width_run"], modes=spec["modes"],
                               k_range=tuple(spec["alpha_range"]), dynamics=dynamics,
                               samples=spec["kernel_points"], replicates=BRIDGE_REPLICATES)


def _config_bridges(data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The estimate of each configuration (the same initial networks for every gamma0)."""
    out: dict[str, dict[str, Any]] = {}
    for pid, d in data.items():
        if d.get("bridge") and d["bridge"].get("lazy") is not None:
            out.setdefault(_key(pid), d["bridge"])
    return out


def _key(part_id: str) -> str:
    return part_id.rsplit("_g", 1)[0]


def _finish(params: StudyParams, data: dict[str, dict[str, Any]]) -> Outcome:
    from ...estimate.circle import shown as _shown

    rows, checks = [], []
    lazy = {_key(pid): d for pid, d in data.items() if pid.endswith("_g0")}
    bridges = _config_bridges(data)
    for pid, d in data.items():
        base = lazy.get(_key(pid))
        bridge = bridges.get(_key(pid))
        rows.append({
            "config": _key(pid), "gamma0": float(pid.rsplit("_g", 1)[1]), "alpha": Fraction(d["alpha"]),
            "beta": Fraction(d["beta"]), "lazy_theory": Fraction(d["lazy_theory"]),
            "rich_theory": Fraction(d["rich_theory"]), "alpha_est": _shown(bridge, "alpha"),
            "beta_est": _shown(bridge, "beta"), "lazy_est": _shown(bridge, "lazy"),
            "rich_est": _shown(bridge, "rich"), "measured": d["mean"], "spread": d["spread"],
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
    by_part = dict(zip(data, rows))
    checks += [_gain_check(gain, by_part.get(gain.part()), bridges.get(_key(gain.part()))) for gain in params.gains]
    columns = ["config", "gamma0", "alpha", "beta", "lazy_theory", "rich_theory", "alpha_est", "beta_est",
               "lazy_est", "rich_est", "measured", "spread",
               "minus_lazy", "minus_lazy_se", "shared_loss", "head_start", "slope_shared", "lazy_slope_shared",
               "drift", "t_end", "rich_onset_t", "kernel_growth", "residual_kernel"]
    return Outcome(columns, rows, checks, [_sentence(row) for row in rows])


def _gain_check(gain: Gain, row: dict[str, Any] | None, bridge: dict[str, Any] | None) -> Check:
    """The measured ``rich - lazy`` of one configuration against the value it was measured to
    have, with the theory §3 prediction for its estimated task (and the nominal one) in the note."""
    from ...estimate.circle import predicted_gain

    part = gain.part()
    if row is None or row["minus_lazy"] is None:
        return judge("mlp-study", part, "rich - lazy exponent (as measured)", gain.value, None,
                     gain.tolerance, "no lazy and rich pair stored for this configuration")
    se = "" if row["minus_lazy_se"] is None else f" +- {row['minus_lazy_se']:.3f} (paired over seeds)"
    said = predicted_gain(bridge, row["rich_theory"] - row["lazy_theory"])[1]
    return judge("mlp-study", part, "rich - lazy exponent (as measured)", float(gain.value), row["minus_lazy"],
                 float(gain.tolerance), f"the network's measured behaviour, now {row['minus_lazy']:+.3f}{se}; {said}")


def paired_stderr(rich: dict[str, Any], lazy: dict[str, Any] | None) -> float | None:
    """Standard error of ``rich - lazy``, the mean of the per-seed differences of the exponents
    (the same seeds: the same initial network and target); None without a lazy part or with
    fewer than two seeds."""
    from ...simulate.slope import paired_difference

    if lazy is None or len(rich["exponents"]) != len(lazy["exponents"]):
        return None
    return paired_difference(rich["exponents"], lazy["exponents"])[1]


def equal_loss(rich: dict[str, Any], lazy: dict[str, Any] | None) -> dict[str, float | None]:
    """The two mean curves compared at equal loss rather than equal time: ``shared_loss``, the
    lowest loss both reach (the larger final loss); ``head_start``, the lazy run's time to reach
    it over the rich run's; and their local exponents there (:func:`slope_at_loss`). A head
    start with equal slopes is the same law reached sooner; a steeper rich slope a new law."""
    from ...simulate.slope import slope_at_loss

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


def _draw(params: StudyParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    figure, axes = plt.subplots(2, 4, figsize=(25, 10))
    _draw_exponents(axes[0][0], data)
    _draw_losses(axes[0][1], data)
    _draw_spectra(axes[1][0], data)
    _draw_bands(axes[1][1], data)
    _draw_eigenvalues(axes[0][2], data)
    _draw_residual_kernel(axes[1][2], data)
    axes[0][3].set_axis_off()  # the running exponent sits under it, beside the other time panels
    _draw_running(axes[1][3], data)
    figure.suptitle(f"ReLU MLP on the circle ({params.param}): time exponent vs gamma0 (theory §5)")
    figure.subplots_adjust(hspace=0.3, wspace=0.25, top=0.93)  # fixed: tight_layout costs seconds
    return figure


def _groups(data: dict[str, dict[str, Any]]) -> dict[str, list[tuple[float, dict[str, Any]]]]:
    groups: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    for pid, d in data.items():
        groups.setdefault(_key(pid), []).append((float(pid.rsplit("_g", 1)[1]), d))
    return {k: sorted(v, key=lambda p: p[0]) for k, v in groups.items()}


def _draw_exponents(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    groups = _groups(data)
    positive = [g for v in groups.values() for g, _ in v if g > 0]
    zero_at = min(positive) / 3 if positive else 1.0  # gamma0 = 0 drawn left of the smallest
    for i, (key, runs) in enumerate(groups.items()):
        color = f"C{i % 10}"
        xs = [g if g > 0 else zero_at for g, _ in runs]
        ax.errorbar(xs, [d["mean"] for _, d in runs], yerr=[d["spread"] for _, d in runs], fmt="o-",
                    color=color, capsize=3, label=key)
        d0 = runs[0][1]
        bridge = _config_bridges(data).get(key)
        if bridge is None:  # nominal lines only
            ax.axhline(float(Fraction(d0["lazy_theory"])), color=color, ls=":", lw=1)
            ax.axhline(float(Fraction(d0["rich_theory"])), color=color, ls="--", lw=1)
            continue
        for name, style in (("lazy", ":"), ("rich", "--")):  # estimated lines, with their intervals
            ax.axhline(bridge[name], color=color, ls=style, lw=1.2)
            if bridge.get(f"{name}_ci"):
                ax.axhspan(*bridge[f"{name}_ci"], color=color, alpha=0.07)
        for value in (d0["lazy_theory"], d0["rich_theory"]):  # the nominal lines, thin
            ax.axhline(float(Fraction(value)), color=color, ls="-", lw=0.5, alpha=0.5)
    ax.set_xscale("log")
    ax.set_xlabel("gamma0 (leftmost point: gamma0 = 0)")
    ax.set_ylabel("time exponent, last decade (mean +- sd over seeds)")
    ax.set_title("exponent vs gamma0; dotted/dashed: lazy/rich theory of the estimated task (bands: 95%),\n"
                 "thin: nominal task", fontsize=9)
    ax.legend(fontsize=7)


def _draw_losses(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    for i, (key, runs) in enumerate(_groups(data).items()):
        for j, (g, d) in enumerate(runs):
            t, loss = np.asarray(d["time"], float), np.asarray(d["loss"], float)
            keep = t > 0
            ax.loglog(t[keep], loss[keep], color=f"C{i % 10}", lw=1.0 + 0.4 * j,
                      alpha=0.4 + 0.6 * (j + 1) / len(runs), label=f"{key} g{g:g}" if j in (0, len(runs) - 1) else None)
    ax.set_xlabel("t = eta * steps")
    ax.set_ylabel("test loss (mean over seeds)")
    ax.set_title("loss curves (thicker: larger gamma0)")
    ax.legend(fontsize=6, ncol=2)


def _draw_running(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    from ...simulate.slope import running_exponent

    for i, (key, runs) in enumerate(_groups(data).items()):
        for g, d in runs:
            centres, local = running_exponent(np.asarray(d["time"], float), np.asarray(d["loss"], float))
            ax.semilogx(centres, local, "o-" if g else "o:", ms=3, color=f"C{i % 10}",
                        lw=1.0 + 0.4 * (g > 0), label=f"{key} g{g:g}")
    ax.set_xlabel("t (window centre)")
    ax.set_ylabel("local exponent over [t/10^0.5, t 10^0.5] (mean curve)")
    ax.set_title("running exponent: flat for a power law (dotted: lazy)", fontsize=9)
    ax.legend(fontsize=6, ncol=2)


def _richest(data: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The run with the largest gamma0 on the hardest target (smallest derived beta)."""
    return max(data.items(), key=lambda kv: (-float(Fraction(kv[1]["beta"])), float(kv[0].rsplit("_g", 1)[1])))


def _draw_spectra(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, d = _richest(data)
    times = d["kernel_time"]
    cmap = __import__("matplotlib").colormaps["viridis"]
    for i, (t, spec) in enumerate(zip(times, d["spectrum"])):
        spec = np.asarray(spec, float)
        k = np.arange(1, len(spec))
        ax.loglog(k, spec[1:], color=cmap(i / max(1, len(times) - 1)), lw=1.2, label=f"t = {t:.3g}")
    k = np.arange(1, len(d["spectrum"][0]))
    ref = np.asarray(d["spectrum"][0], float)[4]
    ax.loglog(k, ref * (k / 4.0) ** -2.0, "k--", lw=0.8, label="k^-2")
    ax.set_xlabel("frequency k")
    ax.set_ylabel("kernel eigenvalue P_k (mean over seeds)")
    ax.set_title(f"kernel spectrum over time: {pid}")
    ax.legend(fontsize=6, ncol=2)


def _draw_bands(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, d = _richest(data)
    lazy = data.get(pid.rsplit("_g", 1)[0] + "_g0")
    for run, style in ((d, "-"), (lazy, ":")):
        if run is None or not run["band_fractions"]:
            continue
        fractions = np.asarray(run["band_fractions"], float)
        for j, (lo, hi) in enumerate(run["bands"]):
            label = f"k in [{lo}, {hi})" if hi < 10**8 else f"k > {lo - 1}"
            ax.semilogx(run["kernel_time"], fractions[:, j], style, color=f"C{j % 10}",
                        label=label if run is d else None)
    ax.set_xlabel("t = eta * steps")
    ax.set_ylabel("fraction of the test loss")
    ax.set_title(f"loss per frequency band: {pid} (solid), lazy (dotted)")
    ax.legend(fontsize=6, ncol=2)


def _draw_eigenvalues(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, d = _richest(data)
    if not d.get("eigenvalues"):
        ax.set_axis_off()  # parts stored before the eigenvalues were recorded
        return
    cmap = __import__("matplotlib").colormaps["viridis"]
    times = d["kernel_time"]
    for i, (t, eig) in enumerate(zip(times, d["eigenvalues"])):
        eig = np.asarray(eig, float)
        rank = np.arange(1, len(eig) + 1)
        ax.loglog(rank[eig > 0], eig[eig > 0], color=cmap(i / max(1, len(times) - 1)), lw=1.2, label=f"t = {t:.3g}")
    ax.set_xlabel("rank")
    ax.set_ylabel("eigenvalue of K / G (mean over seeds)")
    ax.set_title(f"kernel eigenvalues over time: {pid}")
    ax.legend(fontsize=6, ncol=2)


def _draw_residual_kernel(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, _ = _richest(data)
    runs = _groups(data)[_key(pid)]
    if not any(d.get("residual_rayleigh") for _, d in runs):
        ax.set_axis_off()
        return
    for j, (g, d) in enumerate(runs):
        if d.get("residual_rayleigh"):
            t = np.asarray(d["kernel_time"], float)
            ax.loglog(t[1:], np.asarray(d["residual_rayleigh"], float)[1:], "o-", color=f"C{j % 10}",
                      label=f"gamma0 = {g:g}")
    ax.set_xlabel("t = eta * steps")
    ax.set_ylabel("r^T K r / (G |r|^2)")
    ax.set_title(f"kernel along the current residual: {_key(pid)}")
    ax.legend(fontsize=7)


KIND = Kind("mlp-study", "simulation", "ReLU MLP time exponent vs gamma0 with its kernel (theory §5)",
            _plan, _finish, _draw, StudyParams, StudyData)
