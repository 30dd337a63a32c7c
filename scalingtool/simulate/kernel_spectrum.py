"""Measurements of a network's tangent kernel on the circle (theory §5).

On a uniform grid of G angles ``theta_j = 2 pi j / G`` a rotation-invariant kernel is circulant,
so its eigenfunctions are the Fourier modes ``e_k(theta) = exp(i k theta)`` and its eigenvalues
are the Fourier diagonal

    P_k = e_k^* K e_k / G^2,    k = 0..G/2,

(the eigenvalue of ``K/G`` for both ``cos k theta`` and ``sin k theta``). A trained network's
kernel is only approximately circulant (a finite set of units breaks rotation invariance), and
``P_k`` is then the kernel's power along mode k -- the quantity the linear model's
``lambda_k`` stands for (theory §1). The target sees the kernel through

    rayleigh = y^T K y / (G |y|^2)      (the kernel's eigenvalue averaged over the target's power)
    alignment = y^T K y / (|K|_F |y|^2)  (kernel-target alignment, 1 when K ~ y y^T),

and the loss ``1/2 mean (y - f)^2`` splits over frequency bands by Parseval:
``band_fractions`` gives the share of each band ``[k_lo, k_hi)``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["fourier_diagonal", "target_alignment", "octave_bands", "band_fractions"]


def fourier_diagonal(kernel: Any) -> np.ndarray:
    """``P_k = e_k^* K e_k / G^2`` for ``k = 0..G/2`` of each (G, G) kernel in a (S, G, G) torch tensor."""
    import torch  # optional extra: torch (the kernel is a torch tensor)

    points = kernel.shape[-1]
    rows = torch.fft.fft(kernel.to(torch.complex128), dim=-2)
    both = torch.fft.ifft(rows, dim=-1)  # (1/G) F K F^H
    diag = torch.diagonal(both, dim1=-2, dim2=-1).real / points
    return diag[..., : points // 2 + 1].cpu().numpy()


def target_alignment(kernel: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(rayleigh, alignment)`` per member (module docstring); ``kernel`` (S, G, G), ``y`` (S, G)."""
    quad = (y * (kernel @ y[..., None])[..., 0]).sum(-1)
    norm2 = (y * y).sum(-1)
    rayleigh = quad / (kernel.shape[-1] * norm2)
    alignment = quad / (torch_norm(kernel) * norm2)
    return rayleigh.cpu().numpy(), alignment.cpu().numpy()


def torch_norm(kernel: Any) -> Any:
    """Frobenius norm of each (G, G) block."""
    return (kernel * kernel).sum(dim=(-2, -1)).sqrt()


def octave_bands(modes: int) -> list[tuple[int, int]]:
    """``[0,1), [1,2), [2,4), ...`` up to ``modes`` inclusive, then ``[modes+1, inf)`` (the network's own)."""
    bands = [(0, 1)]
    lo = 1
    while lo <= modes:
        hi = min(2 * lo, modes + 1)
        bands.append((lo, hi))
        lo = hi
    bands.append((modes + 1, 10**9))
    return bands


def band_fractions(residual: np.ndarray, bands: Sequence[tuple[int, int]]) -> np.ndarray:
    """Share of ``mean residual^2`` in each frequency band, per member: (S, len(bands)).

    Exact by Parseval on the grid: ``mean r^2 = sum_k |r_hat_k|^2 / G^2`` over all k; the
    real FFT counts each ``k`` in ``1..G/2 - 1`` twice (``+-k``).
    """
    points = residual.shape[-1]
    power = np.abs(np.fft.rfft(residual, axis=-1)) ** 2
    weight = np.full(power.shape[-1], 2.0)
    weight[0] = 1.0
    if points % 2 == 0:
        weight[-1] = 1.0
    power = power * weight
    total = np.maximum(power.sum(-1, keepdims=True), 1e-300)
    k = np.arange(power.shape[-1])
    return np.stack([power[..., (k >= lo) & (k < hi)].sum(-1) for lo, hi in bands], axis=-1) / total
