"""Finite width: the N-space form of theory §2 in the eigenbasis of ``Sigma``.

A seeded random ``A`` (N x M, i.i.d. N(0,1); :mod:`scalingtool.spectral.projection`, the same
``A`` the simulators draw for the same seed, N and M) gives ``Sigma = A Lambda A^T`` and
``b = A Lambda w*``; one eigendecomposition ``Sigma = E diag(sigma) E^T`` (``bt = E^T b``)
and the rescaling of theory §2,

    lambda_i' = sigma_i / N,    w_i' = sqrt(N) bt_i / sigma_i,    (y_i = sqrt(N) x_i),

turn the network's gradient flow into the same mode ODE as infinite width, solved by the
same code (:mod:`~scalingtool.reduced.modesolver`), with ``s(1+s) = gamma0^2 N |u|^2 =
gamma0^2 |y|^2`` and the constant ``r`` of ``2L = r + sum_i lambda_i' (w_i' - y_i)^2``. The
same spectrum drives the finite-width SGD recursion (:mod:`~scalingtool.reduced.sgd`).

``r = w*^T Lambda w* - sum_i bt_i^2/sigma_i`` is computed without cancellation, as the
residual of the best predictor in the span: ``u* = Sigma^-1 b``, ``v = w* - A^T u*``,
``r = v^T Lambda v (+ tail terms)`` (a second pass regenerates ``A`` from its seed).

Finite ``M`` and the modes beyond it (theory §1, last paragraph). ``M`` defaults to
``max(16 N, 1024)``, and with ``tail="isotropic"`` (default) the modes ``k > M`` are added as
an extra Gaussian, *approximately*: ``Sigma += (sum_{k>M} lambda_k) I`` (their projections
are nearly isotropic, fluctuating by ``O(sqrt(N/M))`` of this small trace) and their power
``sum_{k>M} lambda_k w_k^2`` is added to ``w*^T Lambda w*`` (it cannot be learned, and it
correlates with nothing in ``b``). With ``tail="drop"`` the model is exactly the finite-``M``
one (used for the exactness test against the network). The tails are Hurwitz zeta values
(:func:`scalingtool.spectral.power_law_tails`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..config.reduced import TAILS, FlowRun, ProjectedTask, default_modes
from ..errors import NumericalError
from ..resources import require_memory
from ..spectral import power_law_modes, power_law_tails, projection_blocks, projection_moments
from .curve import Curve, Progress
from .infinite_width import run_infinite_flow, solve_spectrum
from .modes import Spectrum
from .precision import Precision, get_precision, named_precision

__all__ = ["TAILS", "default_modes", "finite_width_spectrum", "projection_spectrum", "spectrum_from_projection",
           "solve_finite_width", "run_finite_flow", "run_flow"]


def spectrum_from_projection(sigma_mat: np.ndarray, b: np.ndarray, r: float, width: int,
                             precision: str | Precision = "float64",
                             info: dict[str, Any] | None = None) -> Spectrum:
    """The rescaled modes ``(sigma/N, sqrt(N) bt/sigma)`` of theory §2 with constant ``r``."""
    be = get_precision(precision)
    sigma, vecs = np.linalg.eigh(sigma_mat)
    if sigma[0] <= 0:
        raise NumericalError(f"Sigma = A Lambda A^T is singular (smallest eigenvalue {sigma[0]:.3g})")
    order = np.argsort(sigma)[::-1]
    sigma, vecs = sigma[order], vecs[:, order]
    bt = vecs.T @ b
    with be.context():
        lam = be.array(sigma / width)
        w = be.array(np.sqrt(width) * bt / sigma)
        spec = Spectrum(lam, w, be.array(np.ones(width)), be.scalar(r), be.scalar(0), be,
                        dict(info or {}, grid="finite-width eigenbasis", nodes=width))
    return spec


def finite_width_spectrum(alpha: Any, beta: Any, width: int, seed: int = 0,
                          modes: int | None = None, tail: str = "isotropic",
                          precision: str = "float64") -> Spectrum:
    """Draw ``A`` for ``seed`` and build the rescaled eigen-spectrum of theory §2 (module docstring).

    The Python edge of :func:`projection_spectrum` (checked once by :class:`~scalingtool.config.ProjectedTask`).
    """
    return projection_spectrum(ProjectedTask.from_user(alpha=alpha, beta=beta, width=width, seed=seed, modes=modes,
                                                    tail=tail, precision=precision))


def projection_spectrum(config: ProjectedTask) -> Spectrum:
    """The rescaled eigen-spectrum of the projection ``config`` describes (module docstring)."""
    alpha, beta, n, m, seed, tail = config.alpha, config.beta, config.width, config.m, config.seed, config.tail
    # Sigma, its eigenvectors and eigh's workspace (~5 N x N), plus one block of A
    require_memory(8.0 * (5 * n * n + 2 * n * min(m, 4096)), f"a projection of width {n}", "width")
    lam, w = power_law_modes(alpha, beta, m)
    lam_tail, power_tail = power_law_tails(alpha, beta, m) if tail == "isotropic" else (0.0, 0.0)
    sigma_mat, b, _ = projection_moments(lam, w, n, seed, lam_tail)
    u_star = np.linalg.solve(sigma_mat, b)
    r = power_tail + lam_tail * float(u_star @ u_star)
    for start, block in projection_blocks(n, m, seed):  # block = rows of A^T
        cols = slice(start, start + block.shape[0])
        v = w[cols] - block @ u_star
        r += float(np.sum(lam[cols] * v * v))
    info = {"width": n, "modes": m, "seed": seed, "tail": tail}
    return spectrum_from_projection(sigma_mat, b, r, n, named_precision(config.precision), info)


def solve_finite_width(alpha: Any, beta: Any, gamma0: Any = 0, width: int = 64, seed: int = 0,
                       t_max: Any = 1e8, eta: Any = 1, modes: int | None = None,
                       tail: str = "isotropic", precision: str = "float64",
                       points_per_decade: int | None = None, substeps: int | None = None,
                       t_min: Any = Fraction(1, 100), estimate_error: bool = False,
                       progress: Progress = None) -> Curve:
    """Loss curve of gradient flow at width ``N`` (theory §2, N-space form), lazy or rich.

    The Python edge of :func:`run_finite_flow` (checked once by :class:`~scalingtool.config.FlowRun`).
    Columns ``s`` (with ``s(1+s) = gamma0^2 N |u|^2``) and ``tau``. The draw of ``A`` is fixed
    by ``seed``; run several seeds for an error bar.
    """
    config = FlowRun.from_user(alpha=alpha, beta=beta, gamma0=gamma0, eta=eta, t_max=t_max, t_min=t_min,
                               precision=precision, points_per_decade=points_per_decade, substeps=substeps,
                               estimate_error=estimate_error, width=width, seed=seed, modes=modes, tail=tail)
    return run_finite_flow(config, progress)


def run_finite_flow(config: FlowRun, progress: Progress = None) -> Curve:
    """The finite-width flow ``config`` describes (its ``width`` set): one projection, then the
    mode ODE of infinite width on its rescaled spectrum."""
    spec = projection_spectrum(config.projection())
    ppd, sub = config.stepping
    meta = {"solver": "finite_width", "alpha": config.alpha, "beta": config.beta, "gamma0": config.gamma0,
            "eta": config.eta, "training": config.training, **spec.info}
    return solve_spectrum(spec, config.gamma0, config.eta, config.t_max, config.start, ppd, sub,
                          config.estimate_error, progress, meta)


def run_flow(config: FlowRun, progress: Progress = None, **grid: Any) -> Curve:
    """Gradient flow at infinite width (``config.width`` None; ``grid`` sets the mode grid) or at
    width ``N``."""
    if config.width is None:
        return run_infinite_flow(config, progress, **grid)
    return run_finite_flow(config, progress)
