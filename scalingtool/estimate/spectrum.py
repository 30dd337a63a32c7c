"""Eigen-decomposition of a kernel and the target's power in each mode (theory §6).

With ``K / P = sum_k lambda_k u_k u_k^T`` (eigenvalues descending) the capacity is read off
``lambda_k ~ k^-alpha`` and the target power in mode k is ``p_k = (u_k . y)^2 / P``, the
finite-sample estimate of ``lambda_k w*_k^2 ~ k^-(alpha beta + 1)``. A target of C columns
(``Y``, P x C: one per network output, e.g. a centred one-hot class target) has the power
``p_k = sum_c (u_k . y_c)^2 / P`` in mode k: every column is learnt through the same kernel,
so their errors add, mode by mode.

For the bootstrap the decomposition also keeps the samples' coordinates in the top ``r``
modes, ``Phi = U_r diag(sqrt(P lambda_r))`` (row i: sample i, ``Phi Phi^T`` is the rank-r part
of ``K``): resampling the samples re-weights the rows of ``Phi`` (see :mod:`.bootstrap`);
``tail_trace`` is the trace of ``K / P`` outside those modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .lapack import eigh_top

__all__ = ["MeasuredSpectrum", "decompose", "powers_from_arrays"]


@dataclass
class MeasuredSpectrum:
    """``lambda_k`` and ``p_k`` (descending ``lambda``), the sample count, and for resampling
    the coordinates ``phi`` (P x r) of the samples in the top r modes and the labels."""

    eigenvalues: np.ndarray
    powers: np.ndarray | None
    samples: int
    phi: np.ndarray | None = None
    labels: np.ndarray | None = None
    tail_trace: float = 0.0

    @property
    def size(self) -> int:
        return int(self.eigenvalues.shape[0])


def decompose(gram: np.ndarray, labels: np.ndarray, keep: int | None = None,
              columns: int | None = None) -> MeasuredSpectrum:
    """The spectrum of ``K / P`` and the target powers ``p_k`` of ``labels`` (theory §6).

    ``labels``: P values, or P x C (the powers summed over the columns). ``keep`` modes
    (default all) are kept, and the sample coordinates of the top ``columns``
    of them (default all kept) for resampling; ``gram`` is overwritten to save memory.
    """
    samples = gram.shape[0]
    gram /= samples
    trace = float(np.trace(gram))
    labels = np.asarray(labels, dtype=float)
    values, vectors, proj = eigh_top(gram, keep or samples, columns, labels)
    powers = proj ** 2 / samples if proj.ndim == 1 else np.sum(proj ** 2, axis=1) / samples
    phi = vectors * np.sqrt(np.clip(values[: vectors.shape[1]], 0.0, None) * samples)[None, :]
    return MeasuredSpectrum(values, powers, samples, phi, labels, max(trace - float(np.sum(values)), 0.0))


def powers_from_arrays(eigenvalues: np.ndarray, powers: np.ndarray | None, samples: int | None) -> MeasuredSpectrum:
    """A spectrum given directly (no samples to resample): sorted descending, checked."""
    lam = np.asarray(eigenvalues, dtype=float)
    order = np.argsort(lam)[::-1]
    lam = lam[order]
    if powers is not None:
        powers = np.asarray(powers, dtype=float)
        if powers.shape != lam.shape:
            raise UsageError(f"target power has {powers.shape[0]} values but the spectrum has {lam.shape[0]}")
        if np.any(powers < 0):
            raise UsageError("target power must be non-negative (it is a squared projection)")
        powers = powers[order]
    return MeasuredSpectrum(lam, powers, samples or lam.shape[0])
