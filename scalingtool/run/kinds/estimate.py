"""Estimation recipe: alpha and beta of real data, scikit-learn's bundled digits (theory §6).

Each part builds one kernel on the digits -- the empirical NTK of a two-layer ReLU MLP at
initialisation (torch) or a Laplace kernel -- estimates ``alpha``, ``beta`` with bootstrap
intervals and the regime, and stores the spectrum, the target powers and the draws for the
figure. The checks are what the estimate must satisfy to be usable by the theory: the
capacity interval lies above 1 (a finite-trace kernel, theory §1) and the source interval
above 0.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import field_validator

from . import Kind, Outcome
from ...errors import UsageError
from ...estimate.digits import digits_target, load_digits, two_layer_mlp
from ...estimate.estimator import estimate_gram
from ...estimate.kernels import laplace_gram
from ...estimate.ntk import ntk_gram
from ...estimate.sources import default_max_memory
from ...verify.checks import FAIL, PASS, Check
from ...work import Part
from ..schema.fields import unique, whole
from ..schema.models import KindParams, StoredData

KERNELS = ("ntk", "laplace")


class EstimateParams(KindParams):
    """``estimate-digits``: one part per kernel; ``window`` is ``auto``, ``K1:K2`` or a table
    of those per kernel (``{ntk = "16:180"}``)."""

    kernels: unique(Literal["ntk", "laplace"], 2) = ["ntk", "laplace"]  # type: ignore[valid-type]
    target: Literal["regression", "one-vs-rest"] = "regression"
    digit: whole(0, 9) = 0  # type: ignore[valid-type]
    samples: whole(64, 1797) = 1797  # type: ignore[valid-type]
    width: whole(8, 8192) = 1024  # type: ignore[valid-type]
    bootstrap: whole(0, 10000) = 200  # type: ignore[valid-type]
    seed: whole(0, 2**31 - 1) = 0  # type: ignore[valid-type]
    window: str | dict[str, str] = "auto"

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | dict[str, str]) -> dict[str, str]:
        table = value if isinstance(value, dict) else {k: value for k in KERNELS}
        for kernel, text in table.items():
            if kernel not in KERNELS or not (text == "auto" or (text.count(":") == 1 and len(text) <= 20)):
                raise UsageError(f"expected auto, K1:K2 or a table of them per kernel ({', '.join(KERNELS)})")
        return {k: table.get(k, "auto") for k in KERNELS}


class EstimateData(StoredData):
    kernel: str
    alpha: float
    alpha_ci: list[float]
    beta: float | None
    beta_ci: list[float]
    regime: str | None
    probability: dict[str, float | None]
    window_alpha: list[int]
    window_beta: list[int]
    slope: float | None
    summary: str
    rich_time: float | None
    lazy_time: float | None
    eigenvalues: list[float | str]
    powers: list[float | str]
    alpha_draws: list[float | str]
    beta_draws: list[float | str]


def _plan(params: EstimateParams) -> list[Part]:
    config = params.config()

    def part(kernel: str) -> Part:
        def compute(progress: Any) -> dict[str, Any]:
            return _estimate_digits(kernel, config, progress)
        return Part(f"digits_{kernel}", {"kernel": kernel, **config}, compute)

    return [part(k) for k in params.kernels]


def _estimate_digits(kernel: str, config: dict[str, Any], progress: Any) -> dict[str, Any]:
    x, labels = load_digits()
    n = config["samples"]
    x, labels = x[:n], labels[:n]
    y = digits_target(labels, config["target"], config["digit"])
    limit = default_max_memory()
    if kernel == "ntk":
        import torch  # optional extra: torch

        model = two_layer_mlp(x.shape[1], config["width"], config["seed"])
        gram = ntk_gram(model, torch.as_tensor(x, dtype=torch.float32), limit)
        eps = float(np.finfo(np.float32).eps)
    else:
        gram = laplace_gram(x, limit)
        eps = float(np.finfo(np.float64).eps)
    e = estimate_gram(gram, y, f"digits {kernel}", config["window"][kernel], replicates=config["bootstrap"],
                      seed=config["seed"], eps=eps, progress=progress)
    return {"kernel": kernel, "alpha": e.alpha[0], "alpha_ci": list(e.alpha[1] or []),
            "beta": e.beta[0], "beta_ci": list(e.beta[1] or []), "regime": e.regime,
            "probability": e.regime_probability, "window_alpha": list(e.windows.alpha),
            "window_beta": list(e.windows.beta), "slope": e.slope, "summary": e.sentence,
            "rich_time": e.predicted["rich"]["time"][0], "lazy_time": e.predicted["lazy"]["time"][0],
            "eigenvalues": e.spectrum.eigenvalues.tolist(), "powers": e.spectrum.powers.tolist(),
            "alpha_draws": e.draws["alpha"].tolist(), "beta_draws": e.draws["beta"].tolist()}


def _finish(params: EstimateParams, data: dict[str, dict[str, Any]]) -> Outcome:
    rows, checks = [], []
    for part_id, d in data.items():
        rows.append({"kernel": d["kernel"], "alpha": d["alpha"], "alpha_ci": _ci(d["alpha_ci"]),
                     "beta": d["beta"], "beta_ci": _ci(d["beta_ci"]), "regime": d["regime"],
                     "p_regime": d["probability"].get(d["regime"]), "lazy_time": d["lazy_time"],
                     "rich_time": d["rich_time"]})
        low = d["alpha_ci"][0] if d["alpha_ci"] else d["alpha"]
        checks.append(Check("estimate", part_id, "alpha interval above 1", 1.0, low, None,
                            PASS if low > 1 else FAIL, "a finite-trace kernel (theory §1)"))
        b_low = d["beta_ci"][0] if d["beta_ci"] else d["beta"]
        checks.append(Check("estimate", part_id, "beta interval above 0", 0.0, b_low, None,
                            PASS if b_low > 0 else FAIL, "a target the model covers (theory §1)"))
    return Outcome(["kernel", "alpha", "alpha_ci", "beta", "beta_ci", "regime", "p_regime",
                    "lazy_time", "rich_time"], rows, checks)


def _ci(ci: list[float]) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "-"


def _fit_line(ax: Any, values: np.ndarray, window: list[int], slope: float, color: str, label: str) -> None:
    k = np.arange(window[0], window[1] + 1, dtype=float)
    v = values[window[0] - 1: window[1]]
    scale = np.exp(np.mean(np.log(np.clip(v, 1e-300, None)) + slope * np.log(k)))
    ax.loglog(k, scale * k ** -slope, color=color, lw=2.2, ls="--", label=label)


def _draw(params: EstimateParams, data: dict[str, dict[str, Any]], plt: Any) -> Any:
    figure, (ax, ax_p, ax_b) = plt.subplots(1, 3, figsize=(15, 4.6))
    for i, d in enumerate(data.values()):
        color = f"C{i}"
        lam, powers = np.asarray(d["eigenvalues"], dtype=float), np.asarray(d["powers"], dtype=float)
        k = np.arange(1, lam.shape[0] + 1)
        ax.loglog(k, np.clip(lam, 1e-300, None), ".", ms=2, color=color, label=f"{d['kernel']} eigenvalues")
        _fit_line(ax, lam, d["window_alpha"], d["alpha"], color,
                  f"alpha = {d['alpha']:.2f} {_ci(d['alpha_ci'])}")
        ax_p.loglog(k, np.clip(powers, 1e-300, None), ".", ms=2, color=color, alpha=0.6)
        ax_p.loglog([], [], ".", color=color, label=f"{d['kernel']} target power")
        _fit_line(ax_p, powers, d["window_beta"], d["slope"], color,
                  f"beta = {d['beta']:.2f} {_ci(d['beta_ci'])}")
        draws = np.asarray(d["beta_draws"], dtype=float)
        ax_b.hist(draws[np.isfinite(draws)], bins=30, alpha=0.5, color=color,
                  label=f"{d['kernel']}: {d['regime']} ({(d['probability'].get(d['regime']) or 0):.0%})")
    ax.set_title(f"digits ({params.target}): kernel spectra, fitted windows")
    ax.set_xlabel("mode k")
    ax.legend(fontsize=8)
    ax_p.set_xlabel("mode k")
    ax_p.set_ylabel("target power p_k")
    ax_p.legend(fontsize=8)
    ax_b.axvline(1.0, color="k", lw=0.8)
    ax_b.set_xlabel("beta (bootstrap draws); hard | easy at 1")
    ax_b.legend(fontsize=8)
    figure.tight_layout()
    return figure


KIND = Kind("estimate-digits", "simulation", "alpha and beta of the digits data: NTK of a ReLU MLP and a "
            "Laplace kernel (theory §6)", _plan, _finish, _draw, EstimateParams, EstimateData)
