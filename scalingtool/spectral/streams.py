"""The random streams of a seed: one NumPy generator per ``(seed, stream)`` (theory §1).

Every random quantity of a run comes from its own stream of its seed. The frozen projection
``A`` -- shared by the reduced solvers and the simulators -- draws from the seed's root
sequence, ``default_rng(seed)`` (:func:`projection_generator`); every other stream from
``default_rng(SeedSequence([stream, seed]))`` (:func:`generator`), with the stream numbers
registered below so that no two kinds of draw share one. A stream's draws depend only on
``(seed, stream)``: not on which command asks, which other seeds run beside it, or which
other streams were used first. Seeds below ``2**32`` keep every stream of every seed
distinct (a root sequence of a larger seed can repeat the ``[stream, seed]`` words of another).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["NOISE_STREAM", "DATA_STREAM", "MLP_STREAM", "MLP_SAMPLE_STREAM", "CNN_STREAM", "CNN_SAMPLE_STREAM", "stream_seed", "generator",
           "generators", "projection_generator"]

#: the fresh samples of online SGD
NOISE_STREAM = 2
#: the fixed data set of full-batch GD on P points
DATA_STREAM = 3
#: the ReLU MLP's initial weights and its target's phases (theory §5)
MLP_STREAM = 4
#: the ReLU MLP's online SGD angles (theory §5)
MLP_SAMPLE_STREAM = 5
#: the CNN's initial weights (theory §5)
CNN_STREAM = 6
#: the CNN's training batches and its finite training set
CNN_SAMPLE_STREAM = 7


def stream_seed(seed: int, stream: int) -> np.random.SeedSequence:
    """The seed sequence of stream ``stream`` of seed ``seed`` (both whole numbers ``>= 0``)."""
    return np.random.SeedSequence([int(stream), int(seed)])


def generator(seed: int, stream: int) -> np.random.Generator:
    """The NumPy generator of stream ``stream`` of seed ``seed``."""
    return np.random.default_rng(stream_seed(seed, stream))


def generators(seeds: Sequence[int], stream: int) -> list[np.random.Generator]:
    """One independent generator per seed, all for the same stream."""
    return [generator(s, stream) for s in seeds]


def projection_generator(seed: int) -> np.random.Generator:
    """The generator of the projection ``A`` of seed ``seed``: ``default_rng(seed)``."""
    return np.random.default_rng(int(seed))
