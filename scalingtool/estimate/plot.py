"""The figure of ``estimate --plot``: spectrum and target power with fits and windows, and the
bootstrap distributions of alpha and beta (plot extra)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import UsageError
from ..files import atomic_open
from .estimator import Estimate

__all__ = ["draw_estimate", "save_plot", "require_pyplot"]


def require_pyplot() -> Any:
    try:  # optional extra: matplotlib
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("plotting needs matplotlib: pip install 'scalingtool[plot]'") from None
    return plt


def _line(ax: Any, window: tuple[int, int], values: np.ndarray, slope: float, color: str, label: str) -> None:
    k = np.arange(window[0], window[1] + 1, dtype=float)
    v = values[window[0] - 1: window[1]]
    scale = np.exp(np.mean(np.log(np.clip(v, 1e-300, None)) + slope * np.log(k)))
    ax.loglog(k, scale * k ** -slope, color=color, lw=2, label=label)
    ax.axvspan(window[0], window[1], color=color, alpha=0.06)


def draw_estimate(e: Estimate, axes: Any) -> None:
    """Draw on three axes: spectrum and powers, alpha draws, beta draws."""
    ax, ax_a, ax_b = axes
    lam = e.spectrum.eigenvalues
    k = np.arange(1, lam.shape[0] + 1)
    ax.loglog(k, np.clip(lam, 1e-300, None), ".", ms=2, color="C0", label="eigenvalues lambda_k")
    _line(ax, e.windows.alpha, lam, e.alpha[0], "C0", f"fit alpha = {e.alpha[0]:.3f}")
    if e.beta is not None and e.spectrum.powers is not None:
        p = e.spectrum.powers
        ax.loglog(k[: p.shape[0]], np.clip(p, 1e-300, None), ".", ms=2, color="C1", alpha=0.6,
                  label="target power p_k")
        _line(ax, e.windows.beta, p, e.slope, "C1", f"fit alpha beta + 1 = {e.slope:.3f}")
    ax.set_xlabel("mode k")
    ax.set_title(e.source, fontsize=8)
    ax.legend(fontsize=7)
    for axis, name in ((ax_a, "alpha"), (ax_b, "beta")):
        draws = e.draws.get(name)
        if draws is not None and np.ptp(draws[np.isfinite(draws)]) > 0:
            axis.hist(draws[np.isfinite(draws)], bins=30, color="C2")
        value = e.alpha[0] if name == "alpha" else (e.beta[0] if e.beta else None)
        if value is not None:
            axis.axvline(value, color="k")
        axis.set_xlabel(f"{name} (bootstrap draws)")


def save_plot(e: Estimate, path: str) -> None:
    """Write the figure to ``path`` (PNG) atomically."""
    plt = require_pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), gridspec_kw={"width_ratios": [2, 1, 1]})
    draw_estimate(e, axes)
    fig.tight_layout()
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=110)
    plt.close(fig)
