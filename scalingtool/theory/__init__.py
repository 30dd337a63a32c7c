"""theory §3 derived with SymPy: exponents, regimes, compute optimum, crossovers.

Public API::

    from scalingtool.theory import exponents, derive
    e = exponents("2", "1/2")          # every exponent of one task, exact rationals
    e.rich.compute                     # Fraction(2, 5)
    derive("sgd")                      # the same results as Piecewise formulas

Layout: :mod:`.powercount` (the one power-counting rule), :mod:`.terms` (each loss term's
mode sum), :mod:`.timechange` (rich effective time), :mod:`.regimes` (boundaries),
:mod:`.maxmin` and :mod:`.compute` (max-min allocation), :mod:`.crossover` (when each
law shows), :mod:`.formulas` (formulas), :mod:`.compiled` (formulas shipped as text),
:mod:`.summary` (one task). Names are imported on first use, so that the compiled fast
path does not pay for importing SymPy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "exponents": "summary", "ENGINES": "summary",
    "TaskExponents": "results", "TrainingExponents": "results", "Crossovers": "results",
    "Optimum": "maxmin", "optimum": "maxmin",
    "derive": "formulas", "Derived": "formulas",
    "compute_optimum": "compute", "derive_compute": "compute", "loss_lines": "compute",
    "classify": "regimes", "hard_easy_boundary": "regimes", "easy_supereasy_boundary": "regimes",
    "REGIMES": "regimes", "DYNAMICS": "regimes",
    "TRAININGS": "timechange", "ModeSum": "powercount",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
