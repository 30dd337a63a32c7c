"""The ReLU networks on the circle (theory §5) as estimation tasks (theory §6): the bridge.

For a network of :func:`~scalingtool.simulate.relu_mlp.simulate_relu_mlp` (same seeds, depth,
width, parametrisation and target), :func:`circle_ntk_task` builds its initial tangent-kernel
Gram matrix on P uniform angles and the target there, and :func:`measure_circle_networks` reads
``alpha`` and ``beta`` off them with :func:`~.estimator.estimate_gram` (eigenvalues
``lambda_k ~ k^-alpha`` and target powers ``p_k ~ k^-(alpha beta + 1)``, bootstrap
intervals), so the theory lines a network is compared with come from measurement. Each
frequency k gives two eigenmodes (cosine and sine), so mode ``m ~ 2k``: the fits run over
the modes of one decade below ``2 k_hi`` (:func:`bridge_window`), and the decay exponents
carry over (capacity about 2, ``beta_hat = 2 beta / alpha_hat`` for a target built for beta).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from .estimator import estimate_gram
from .window import NoPowerLaw

__all__ = ["predicted_gain", "circle_ntk_task", "CircleEstimate", "measure_circle_networks", "bridge_window", "circle_task_summary",
           "estimate_text"]


def circle_ntk_task(beta: float, samples: int = 800, width: int = 1024, modes: int = 200,
                    seed: int = 0, depth: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``(K, y)``: the initial tangent kernel ``K = N J J^T`` (P x P) of the seed's network on
    P grid angles and its power-law target there (``c_k^2 = k^-(2 beta + 1)``)."""
    # deferred: the simulator (mpmath, the reduced layer) loads only when a kernel is drawn, not
    # when a stored mlp run is redrawn ('scalingtool plot') and only its estimates are formatted
    from ..simulate.circle_mlp import initial_kernel

    return initial_kernel(beta, seed, depth=depth, width=width, modes=modes, points=samples)


def bridge_window(k_range: tuple[int, int], modes: int) -> tuple[int, int]:
    """Modes ``(m_lo, m_hi)`` of the fits: ``m_hi = 2 k_hi`` (at most ``2 K``, where the
    target stops) and ``m_lo`` one decade below it (theory §6 fits need a decade), never the
    first mode (the constant, ``k = 0``, outside the power law): below ``m_hi = 20`` the
    window is under a decade and the estimate reports no power law."""
    hi = min(2 * int(k_range[1]), 2 * modes)
    return (max(2, hi // 10), hi)


@dataclass
class CircleEstimate:
    """Per seed: ``alpha``, ``beta`` and the theory §3 time exponents (lazy, rich) of the
    estimated task, each ``(value, (lo, hi) or None)``; ``failed`` the reason when a seed's
    kernel showed no power law."""

    alpha: list[tuple[float, Any]]
    beta: list[tuple[float, Any]]
    lazy: list[tuple[float | None, Any]]
    rich: list[tuple[float | None, Any]]
    window: tuple[int, int]
    samples: int
    replicates: int
    failed: list[str]

    def summary(self) -> dict[str, Any]:
        """Mean over seeds of each value, with the envelope of the seeds' 95% intervals."""
        out: dict[str, Any] = {"window": list(self.window), "samples": self.samples,
                               "replicates": self.replicates, "failed": self.failed}
        for name in ("alpha", "beta", "lazy", "rich"):
            rows = [r for r in getattr(self, name) if r[0] is not None]
            values = [r[0] for r in rows]
            cis = [r[1] for r in rows if r[1] is not None]
            out[name] = float(np.mean(values)) if values else None
            out[f"{name}_ci"] = [min(c[0] for c in cis), max(c[1] for c in cis)] if cis else None
            out[f"{name}_seeds"] = values
        return out


def measure_circle_networks(beta: float, seeds: Sequence[int], *, depth: int, width: int, modes: int,
                            k_range: tuple[int, int], dynamics: str, samples: int = 512,
                            replicates: int = 50) -> CircleEstimate:
    """``alpha`` and ``beta`` of each seed's network from its initial kernel and target (theory §6).

    The initial kernel does not depend on ``gamma0`` or the parametrisation (``delta = 0``), so
    one estimate serves every ``gamma0`` of a configuration.
    """
    window = bridge_window(k_range, modes)
    out = CircleEstimate([], [], [], [], window, samples, replicates, [])
    for seed in seeds:
        gram, y = circle_ntk_task(beta, samples=samples, width=width, modes=modes, seed=seed, depth=depth)
        try:
            e = estimate_gram(gram, y, f"initial kernel of seed {seed}", window=window,
                              replicates=replicates, seed=seed, dynamics=dynamics)
        except NoPowerLaw as exc:
            out.failed.append(f"seed {seed}: {exc}")
            continue
        out.alpha.append((float(e.alpha[0]), e.alpha[1]))
        out.beta.append((float(e.beta[0]), e.beta[1]) if e.beta is not None else (None, None))
        for training in ("lazy", "rich"):
            getattr(out, training).append(e.predicted.get(training, {}).get("time", (None, None)))
    return out


def circle_task_summary(beta: float, seeds: Sequence[int], *, depth: int, width: int, modes: int,
                        k_range: tuple[int, int], dynamics: str, samples: int, replicates: int = 50) -> dict[str, Any]:
    """:meth:`CircleEstimate.summary` of :func:`measure_circle_networks`, or ``{"failed": [reason]}``
    without scipy (the estimate extra): a simulation then keeps its nominal theory lines."""
    if importlib.util.find_spec("scipy") is None:
        return {"failed": ["the estimate needs scipy: pip install 'scalingtool[estimate]'"]}
    return measure_circle_networks(beta, seeds, depth=depth, width=width, modes=modes, k_range=k_range,
                                   dynamics=dynamics, samples=samples, replicates=replicates).summary()


def predicted_gain(summary: dict[str, Any] | None, nominal: Fraction) -> tuple[Fraction | float, str]:
    """The theory §3 rich - lazy time exponent of the task estimated in ``summary`` (``nominal``,
    that of the nominal task, when it was not estimated), with a sentence naming both."""
    if summary and summary.get("lazy") is not None and summary.get("rich") is not None:
        margin = summary["rich"] - summary["lazy"]
        return margin, f"theory §3 predicts {margin:+.3f} for the estimated task (nominal {float(nominal):+.3f})"
    return nominal, f"theory §3 predicts {float(nominal):+.3f} for the nominal task"


def estimate_text(summary: dict[str, Any] | None, name: str) -> str | None:
    """``"value [lo, hi]"`` of an estimated quantity of a summary (None when not measured)."""
    if not summary or summary.get(name) is None:
        return None
    ci = summary.get(f"{name}_ci")
    return f"{summary[name]:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
