"""Exact reduced dynamics of theory §2, in float64 and mpmath ("mp:DIGITS").

Each solver is a keyword Python edge that checks its inputs once, by building its config
(:mod:`scalingtool.config.reduced`), and calls a trusted ``run_*`` function that takes the config
(each returns a :class:`Curve` with ``to_rows()``, or a :class:`Frontier`; each long-running one
takes ``progress=callable(done, total)``):

* :func:`solve_infinite_width` -- gradient flow at infinite width, lazy (``gamma0 = 0``) or rich;
* :func:`solve_finite_width` -- gradient flow at width ``N`` on a seeded random projection;
* :func:`solve_sgd` -- lazy online SGD, infinite or finite width (exact second moments);
* :func:`deterministic_width_curve` -- lazy ``t -> inf`` loss against width;
* :func:`data_curve` -- lazy ridgeless regression error against data size;
* :func:`compute_frontier` -- envelope over widths at fixed compute ``C = N^p t^q``;
* :func:`fit_frontier` -- compute exponent of easy/super-easy tasks by a term fit (theory §3).

Module map: ``precision`` (float64 or mpmath arithmetic), ``modes`` (mode grids), ``modesolver`` (the one mode ODE
solver), ``infinite_width``, ``finite_width``, ``sgd``, ``equivalent``, ``data``, ``frontier``.
"""

from __future__ import annotations

from .precision import Precision, get_precision
from .curve import Curve
from .data import data_curve, run_data_curve
from .equivalent import deterministic_width_curve, run_width_curve
from .finite_width import finite_width_spectrum, projection_spectrum, run_finite_flow, run_flow, solve_finite_width
from .frontier import Frontier, compute_frontier, run_frontier
from .frontier_fit import FrontierFit, fit_frontier, run_frontier_fit
from .infinite_width import closed_form, lazy_closed_form, run_infinite_flow, solve_infinite_width
from .modes import Spectrum, power_law_spectrum, truncated_spectrum
from .sgd import largest_stable_step, run_sgd, solve_sgd

__all__ = [
    "Precision",
    "Curve",
    "Frontier",
    "FrontierFit",
    "Spectrum",
    "closed_form",
    "compute_frontier",
    "data_curve",
    "deterministic_width_curve",
    "finite_width_spectrum",
    "fit_frontier",
    "get_precision",
    "largest_stable_step",
    "lazy_closed_form",
    "power_law_spectrum",
    "projection_spectrum",
    "run_data_curve",
    "run_finite_flow",
    "run_flow",
    "run_frontier",
    "run_frontier_fit",
    "run_infinite_flow",
    "run_sgd",
    "run_width_curve",
    "solve_finite_width",
    "solve_infinite_width",
    "solve_sgd",
    "truncated_spectrum",
]
