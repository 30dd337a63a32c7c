"""The result of a simulation: loss curves per seed, measured exponents, metadata (theory §4).

One shape for every simulator (linear network, MLP on the circle):

* ``steps`` (R,) -- the recorded steps (log-spaced, step 0 first);
* ``loss`` (S, R) -- the population (or test) loss of each ensemble member;
* ``floor`` (S,) -- a loss the curve cannot go below (the width floor ``L_inf(N)`` of the
  linear model, theory §2; zero where none is known);
* ``extra`` -- further curves of shape (S, R), e.g. ``s = gamma0^2 |a|^2 / N``;
* the time exponent of each member, fitted on ``loss - floor`` (``measure="excess"``) or on
  ``loss`` (``measure="loss"``) over ``fit_window`` (in steps), with its mean and spread
  (standard deviation over seeds, theory §4: "the spread as the error bar").

``to_rows()`` gives flat rows for CSV, ``to_dict()`` a JSON-ready document.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np

from ..config import MEASURES
from ..errors import UsageError
from ..files import write_text_atomic
from ..formats import csv_text
from ..jsonable import to_json
from .slope import decay_exponents

__all__ = ["SimulationResult", "log_spaced_steps"]



def log_spaced_steps(steps: int, per_decade: int) -> np.ndarray:
    """``0`` and about ``per_decade`` log-spaced integers per decade from 1 to ``steps``."""
    count = max(2, int(math.ceil(per_decade * math.log10(max(steps, 10)))) + 1)
    grid = np.unique(np.round(np.logspace(0.0, math.log10(steps), count)).astype(np.int64))
    return np.concatenate([[0], grid[grid >= 1]])


def _floats(values: np.ndarray) -> list[Any]:
    """A JSON-safe list: NaN and infinities become ``None``."""
    out = np.asarray(values, dtype=float).tolist()
    if isinstance(out, float):
        return [out if math.isfinite(out) else None]
    return [_floats(v) if isinstance(v, list) else (v if math.isfinite(v) else None) for v in out]


@dataclass(frozen=True)
class SimulationResult:
    """Loss curves of an ensemble of seeds and their measured time exponents (module docstring)."""

    kind: str
    seeds: tuple[int, ...]
    steps: np.ndarray
    loss: np.ndarray
    floor: np.ndarray
    lr: float
    fit_window: tuple[float, float]
    measure: str = "excess"
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False

    # --- curves -----------------------------------------------------------------------
    @property
    def time(self) -> np.ndarray:
        """``eta * steps``, the gradient-flow time of each recorded step."""
        return self.lr * self.steps

    @property
    def excess(self) -> np.ndarray:
        """``loss - floor`` per seed, shape (S, R)."""
        return self.loss - self.floor[:, None]

    @property
    def fitted_curve(self) -> np.ndarray:
        """The curve the exponent is measured on (``excess`` or ``loss``)."""
        return self.excess if self.measure == "excess" else self.loss

    # --- exponents --------------------------------------------------------------------
    @property
    def exponents(self) -> np.ndarray:
        """Measured time exponent ``p`` (``L ~ t^-p``) of each seed over ``fit_window``."""
        return decay_exponents(self.steps, self.fitted_curve, *self.fit_window)[0]

    @property
    def exponent_stderrs(self) -> np.ndarray:
        """Standard error of each seed's fitted slope (from the fit residuals)."""
        return decay_exponents(self.steps, self.fitted_curve, *self.fit_window)[1]

    @property
    def exponent_mean(self) -> float:
        """Mean of the per-seed exponents (NaN if none could be measured)."""
        values = self.exponents
        values = values[np.isfinite(values)]
        return float(values.mean()) if values.size else math.nan

    @property
    def exponent_spread(self) -> float:
        """Standard deviation of the per-seed exponents (0 for a single seed)."""
        values = self.exponents
        values = values[np.isfinite(values)]
        return float(values.std(ddof=1)) if values.size > 1 else 0.0

    def refit(self, fit_window: tuple[float, float] | None = None, measure: str | None = None) -> "SimulationResult":
        """The same curves with another fit window (in steps) or measure."""
        window = self.fit_window if fit_window is None else (float(fit_window[0]), float(fit_window[1]))
        measure = self.measure if measure is None else measure
        if measure not in MEASURES:
            raise UsageError(f"measure = {measure!r} is not supported: expected one of {', '.join(MEASURES)}")
        if not 0 < window[0] < window[1]:
            raise UsageError(f"fit_window = {window} is out of range: expected 0 < start < end (steps)")
        return replace(self, fit_window=window, measure=measure)

    def completed(self) -> "SimulationResult":
        """This result if training ran to the end; after Ctrl-C (``interrupted``) the
        ``KeyboardInterrupt`` again, for callers that must not keep a partial run as a
        finished one (a stored part, a verification row)."""
        if self.interrupted:
            raise KeyboardInterrupt
        return self

    # --- output -----------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The measured exponent with its spread, the window and the step size."""
        return {"exponent_mean": self.exponent_mean, "exponent_spread": self.exponent_spread,
                "exponents": self.exponents.tolist(), "fit_window": list(self.fit_window),
                "measure": self.measure, "lr": self.lr, "seeds": list(self.seeds),
                "interrupted": self.interrupted}

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per (seed, recorded step): seed, step, time, loss, excess and the extra curves."""
        rows = []
        excess = self.excess
        for i, seed in enumerate(self.seeds):
            for j, step in enumerate(self.steps):
                row: dict[str, Any] = {"seed": seed, "step": int(step), "time": float(self.time[j]),
                                       "loss": float(self.loss[i, j]), "excess": float(excess[i, j])}
                for name, curve in self.extra.items():
                    row[name] = float(curve[i, j])
                rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: metadata, curves (seed-major lists) and the measured exponents."""
        return {
            "schema": f"scalingtool/simulate-{self.kind}/v1",
            "metadata": self.metadata,
            "summary": {**self.summary(), "exponents": _floats(self.exponents),
                        "exponent_stderrs": _floats(self.exponent_stderrs),
                        "exponent_mean": _floats(np.array(self.exponent_mean))[0],
                        "exponent_spread": _floats(np.array(self.exponent_spread))[0]},
            "steps": [int(s) for s in self.steps],
            "loss": _floats(self.loss),
            "floor": _floats(self.floor),
            "extra": {name: _floats(curve) for name, curve in self.extra.items()},
        }


def write_runs(path: str, runs: Sequence[tuple[float, SimulationResult]]) -> None:
    """Write the loss curves of ``(gamma0, result)`` runs to ``path`` atomically: JSON when
    the name ends in ``.json`` (every result's :meth:`~SimulationResult.to_dict`; non-finite
    numbers as text, ``"nan"``, ``"inf"``), else CSV (one row per gamma0, seed and recorded step)."""
    if str(path).endswith(".json"):
        text = json.dumps(to_json([{"gamma0": g, **r.to_dict()} for g, r in runs]), allow_nan=False) + "\n"
    else:
        rows = [{"gamma0": g, **row} for g, r in runs for row in r.to_rows()]
        text = csv_text(list(rows[0]) if rows else ["gamma0"], rows)
    write_text_atomic(path, text)
