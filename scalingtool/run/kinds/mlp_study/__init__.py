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
``lazy_tolerance`` and ``max_drift``, and each rich configuration's rich - lazy difference
(paired over seeds) against the recipe's reference run (:mod:`scalingtool.run.reference`:
within twice the combined standard error, at least 0.02), with the theory's prediction for
the estimated task printed beside it.
"""

from __future__ import annotations

from .. import Kind
from .compute import finish, plan
from .figures import draw
from .schema import StudyData, StudyParams

__all__ = ["KIND"]

KIND = Kind("mlp-study", "simulation", "ReLU MLP time exponent vs gamma0 with its kernel (theory §5)",
            plan, finish, draw, StudyParams, StudyData)
