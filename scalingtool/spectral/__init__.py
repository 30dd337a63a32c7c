"""Mathematics that the reduced solvers and the simulators share, written once (theory §1-§3).

This layer sits below :mod:`scalingtool.reduced` and :mod:`scalingtool.simulate` and imports
neither; both call it, so a formula has one implementation and a seed one meaning.

* :mod:`~scalingtool.spectral.streams` -- the random streams of a seed (one generator per
  ``(seed, stream)``), the registry of stream numbers and the projection's generator;
* :mod:`~scalingtool.spectral.projection` -- the frozen random projection ``A`` drawn from its
  stream, and its moments ``Sigma = A Lambda A^T``, ``b = A Lambda w*`` (theory §1, §2);
* :mod:`~scalingtool.spectral.powerlaw` -- the modes ``lambda_k = k^-alpha``, ``w*_k`` of the
  power-law task and the Hurwitz tail sums ``sum_{k>M} k^-p`` (theory §1);
* :mod:`~scalingtool.spectral.kappa` -- ``kappa`` of ``sum_k lambda_k/(lambda_k + kappa) = n``, at
  any precision (theory §2, §3);
* :mod:`~scalingtool.spectral.power` -- batched power iteration for a top eigenvalue.
"""

from __future__ import annotations

from .kappa import Arithmetic, solve_kappa
from .power import power_iteration
from .powerlaw import hurwitz_tail, power_law_modes, power_law_tails
from .projection import COLUMN_BLOCK, projection_blocks, projection_matrix, projection_moments
from .streams import (CNN_SAMPLE_STREAM, CNN_STREAM, DATA_STREAM, MLP_SAMPLE_STREAM, MLP_STREAM, NOISE_STREAM, generator, generators,
                      projection_generator, stream_seed)

__all__ = [
    "Arithmetic",
    "CNN_SAMPLE_STREAM",
    "CNN_STREAM",
    "COLUMN_BLOCK",
    "DATA_STREAM",
    "MLP_SAMPLE_STREAM",
    "MLP_STREAM",
    "NOISE_STREAM",
    "generator",
    "generators",
    "hurwitz_tail",
    "power_iteration",
    "power_law_modes",
    "power_law_tails",
    "projection_blocks",
    "projection_matrix",
    "projection_generator",
    "projection_moments",
    "solve_kappa",
    "stream_seed",
]
