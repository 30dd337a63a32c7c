"""Simulation recipe: the CNN's time exponent on a vision task against gamma0, with its NTK (theory §5).

One part per ``(width, gamma0)`` of the recipe's grid on one task and data mode (online
MNIST-1D, or a fixed set of P images trained for many epochs), each an ensemble of seeds trained
by :func:`~scalingtool.simulate.cnn.run_cnn` at equal time ``t = eta * steps``. The task is
a built-in one or the user's own images (``task = "npz"`` or ``"folder"`` with ``path``,
relative to the recipe's folder); such a part names its data by their SHA-256, so changed
images recompute it. A part stores the
test loss and accuracy curves, the per-seed time exponents over the last decade and the
running exponent over sliding one-decade windows (theory §4: a transient shows as a bump, a
power law as a plateau), and the empirical tangent kernel of member 0 on ``kernel_points``
test images at log-spaced times (:func:`~scalingtool.estimate.network.network_kernel`): its
spectrum and the target's cumulative power on its top eigenvectors. From the initial kernel
and the centred one-hot target it estimates ``alpha`` and ``beta`` (theory §6, bootstrap
intervals) and the lazy and rich time exponents theory §3 predicts for them.

The summary sets each measured exponent beside those predictions, and each rich
configuration's rich - lazy difference (paired over seeds) is checked against the recipe's
reference run (:mod:`scalingtool.run.reference`). The lazy network is kernel regression with its
own initial kernel, so its exponent beside the lazy prediction is a consistency row of the
table (informational: a real task's spectrum is a power law only over a window).
"""

from __future__ import annotations

from .. import Kind
from .compute import finish, plan
from .figures import draw
from .schema import CnnStudyData, CnnStudyParams

__all__ = ["KIND"]

KIND = Kind("cnn-study", "simulation", "CNN on a vision task: time exponent vs gamma0 with its NTK (theory §5)",
            plan, finish, draw, CnnStudyParams, CnnStudyData)
