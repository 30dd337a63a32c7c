"""The ``cnn-study`` kind's figure (theory §5): loss curves lazy vs rich with the predicted
slopes, the exponent vs gamma0 with both theory lines, the running exponent, and the tangent
kernel's spectrum and target alignment over time."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..study_ids import by_configuration
from .schema import CnnStudyParams, gamma0_of

__all__ = ["draw"]


def draw(params: CnnStudyParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    figure, axes = plt.subplots(2, 3, figsize=(19, 10))
    _draw_losses(axes[0][0], data)
    _draw_exponents(axes[0][1], data)
    _draw_running(axes[0][2], data)
    _draw_spectra(axes[1][0], data)
    _draw_alignment(axes[1][1], data)
    _draw_accuracy(axes[1][2], data)
    figure.suptitle(f"CNN on {params.task} ({params.data}, {params.param}): time exponent vs gamma0 (theory §5)")
    figure.subplots_adjust(hspace=0.3, wspace=0.25, top=0.92)  # fixed: tight_layout costs seconds
    return figure



def _draw_losses(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    """Each configuration's laziest and richest mean curves, each with the slope theory
    predicts for it from the initial kernel (dashed, through the curve's end)."""
    for i, (key, runs) in enumerate(by_configuration(data).items()):
        for j, (g, d) in ((0, runs[0]), (1, runs[-1])) if len(runs) > 1 else ((0, runs[0]),):
            t, loss = np.asarray(d["time"], float), np.asarray(d["loss"], float)
            keep = t > 0
            ax.loglog(t[keep], loss[keep], color=f"C{i % 10}", lw=1.0 + j, label=f"{key} g{g:g}")
            slope = d["estimate"].get("rich" if g > 0 else "lazy")
            if slope is not None:
                ends = np.array([t[-1] / 10, t[-1]])
                ax.loglog(ends, loss[-1] * (ends / t[-1]) ** -slope, color=f"C{i % 10}", ls="--", lw=0.8)
    ax.set_xlabel("t = eta * steps")
    ax.set_ylabel("test loss (mean over seeds)")
    ax.set_title("loss: lazy (thin) and richest (thick); dashed: predicted slopes", fontsize=9)
    ax.legend(fontsize=6)


def _draw_exponents(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    groups = by_configuration(data)
    positive = [g for v in groups.values() for g, _ in v if g > 0]
    zero_at = min(positive) / 3 if positive else 1.0  # gamma0 = 0 drawn left of the smallest
    for i, (key, runs) in enumerate(groups.items()):
        color = f"C{i % 10}"
        xs = [g if g > 0 else zero_at for g, _ in runs]
        ax.errorbar(xs, [d["mean"] for _, d in runs], yerr=[d["spread"] for _, d in runs], fmt="o-", color=color,
                    capsize=3, label=key)
        est = runs[0][1]["estimate"]
        for name, style in (("lazy", ":"), ("rich", "--")):
            if est.get(name) is not None:
                ax.axhline(est[name], color=color, ls=style, lw=1.2)
                if est.get(f"{name}_ci"):
                    ax.axhspan(*est[f"{name}_ci"], color=color, alpha=0.07)
    ax.set_xscale("log")
    ax.set_xlabel("gamma0 (leftmost point: gamma0 = 0)")
    ax.set_ylabel("time exponent, last decade (mean +- sd over seeds)")
    ax.set_title("exponent vs gamma0; dotted/dashed: lazy/rich prediction from the initial NTK (bands: 95%)",
                 fontsize=9)
    ax.legend(fontsize=7)


def _draw_running(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    for i, (key, runs) in enumerate(by_configuration(data).items()):
        for j, (g, d) in enumerate(runs):
            if d["running_time"]:
                ax.semilogx(d["running_time"], d["running"], color=f"C{i % 10}", lw=0.8 + 0.5 * j,
                            alpha=0.4 + 0.6 * (j + 1) / len(runs), label=f"{key} g{g:g}")
    ax.set_xlabel("t (centre of a one-decade window)")
    ax.set_ylabel("local time exponent of the mean loss")
    ax.set_title("running exponent (theory §4: flat for a power law)", fontsize=9)
    ax.legend(fontsize=6, ncol=2)


def _richest(data: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    pid = max(data, key=lambda p: (gamma0_of(p), p))
    return pid, data[pid]


def _draw_spectra(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, d = _richest(data)
    n = len(d["spectrum"])
    for j, (t, lam) in enumerate(zip(d["kernel_time"], d["spectrum"])):
        ax.loglog(d["modes"], lam, color=(0.1, 0.2 + 0.6 * j / max(1, n - 1), 0.8 - 0.6 * j / max(1, n - 1)),
                  label=f"t = {t:.3g}")
    ax.set_xlabel("mode k")
    ax.set_ylabel("eigenvalue of K = H J J^T (member 0)")
    ax.set_title(f"NTK spectrum over time, {pid}", fontsize=9)
    ax.legend(fontsize=6)


def _draw_alignment(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    pid, d = _richest(data)
    n = len(d["alignment"])
    for j, (t, cum) in enumerate(zip(d["kernel_time"], d["alignment"])):
        ax.semilogx(d["modes"], cum, color=(0.8 - 0.6 * j / max(1, n - 1), 0.3, 0.2 + 0.6 * j / max(1, n - 1)),
                    label=f"t = {t:.3g}")
    ax.set_xlabel("top k eigenvectors")
    ax.set_ylabel("cumulative target power")
    ax.set_title(f"target alignment over time, {pid}", fontsize=9)
    ax.legend(fontsize=6)


def _draw_accuracy(ax: Any, data: dict[str, dict[str, Any]]) -> None:
    for i, (key, runs) in enumerate(by_configuration(data).items()):
        for j, (g, d) in enumerate(runs):
            t = np.asarray(d["time"], float)
            ax.semilogx(t[t > 0], np.asarray(d["accuracy"], float)[t > 0], color=f"C{i % 10}",
                        lw=0.8 + 0.5 * j, alpha=0.4 + 0.6 * (j + 1) / len(runs))
    ax.set_xlabel("t = eta * steps")
    ax.set_ylabel("test accuracy (mean over seeds)")
    ax.set_title("test accuracy (thicker: larger gamma0)", fontsize=9)
