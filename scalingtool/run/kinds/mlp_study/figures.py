"""The ``mlp-study`` kind's figure (theory §5): eight panels from the stored parts (exponent vs
gamma0 with the lines of the estimated task, loss curves, running exponent, kernel spectrum,
eigenvalues, loss per frequency band, and the kernel along the residual)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ....simulate.slope import running_exponent
from ..study_ids import by_configuration
from .compute import config_bridges
from .schema import StudyParams, config_key, gamma0_of

__all__ = ["draw"]


def draw(params: StudyParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
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



def _draw_exponents(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    groups = by_configuration(data)
    positive = [g for v in groups.values() for g, _ in v if g > 0]
    zero_at = min(positive) / 3 if positive else 1.0  # gamma0 = 0 drawn left of the smallest
    for i, (key, runs) in enumerate(groups.items()):
        color = f"C{i % 10}"
        xs = [g if g > 0 else zero_at for g, _ in runs]
        ax.errorbar(xs, [d["mean"] for _, d in runs], yerr=[d["spread"] for _, d in runs], fmt="o-",
                    color=color, capsize=3, label=key)
        d0 = runs[0][1]
        bridge = config_bridges(data).get(key)
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
    for i, (key, runs) in enumerate(by_configuration(data).items()):
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
    for i, (key, runs) in enumerate(by_configuration(data).items()):
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
    return max(data.items(), key=lambda kv: (-float(Fraction(kv[1]["beta"])), gamma0_of(kv[0])))


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
    lazy = data.get(config_key(pid) + "_g0")
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
    runs = by_configuration(data)[config_key(pid)]
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
    ax.set_title(f"kernel along the current residual: {config_key(pid)}")
    ax.legend(fontsize=7)
