"""One interface for the CNN's vision tasks: train batches, a held-out test set, centred targets.

A task is a :class:`VisionData`: training images ``x_train`` (n, C, H, W) float32 with integer
labels, and a held-out test set of the same shape. One-dimensional signals (MNIST-1D) have
``H = 1``; the network then runs its one-dimensional form (:mod:`scalingtool.simulate.cnn_net`).
Targets are centred one-hot vectors, ``y_c = 1[label = c] - 1/C`` (theory §5: a mean-zero
target, so that the centred network's zero output at initialisation is the best constant),
and the loss is the mean squared error ``1/2 mean_i |y_i - f_i|^2``.

:class:`TrainStream` hands each ensemble member its training batches: ``online``, ``batch``
samples a step drawn without replacement from the task's stream (MNIST-1D's pool, reshuffled
when it is used up: the metadata counts the passes); ``finite``, the member's own fixed set of
P training images, cycled in shuffled epochs (``batch = P``: full-batch gradient descent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ...errors import UsageError
from ...spectral import CNN_SAMPLE_STREAM, generators

__all__ = ["VisionData", "TrainStream", "centred_onehot", "split_test", "VISION_MISSING"]

VISION_MISSING = "the vision tasks need the vision extra: pip install 'scalingtool[vision]'"


@dataclass(frozen=True)
class VisionData:
    """A vision task's images and labels (module docstring); ``source`` says where they came from."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(C, H, W)`` of one image."""
        return tuple(int(n) for n in self.x_train.shape[1:])  # type: ignore[return-value]


def centred_onehot(labels: np.ndarray, classes: int) -> np.ndarray:
    """``1[label = c] - 1/C`` for each label: (n, C) float32."""
    out = np.full((len(labels), classes), -1.0 / classes, dtype=np.float32)
    out[np.arange(len(labels)), labels] += 1.0
    return out


def split_test(name: str, x: np.ndarray, y: np.ndarray, test_samples: int, source: str) -> VisionData:
    """A fixed data set split once: a permutation of seed 0 (the same for every run), its last
    ``test_samples`` images held out; inputs standardised by the training images' mean and
    standard deviation (one number each); labels renumbered ``0..C-1``."""
    n = len(y)
    if test_samples >= n:
        raise UsageError(f"test_samples = {test_samples} is out of range: task '{name}' has {n} images "
                         f"and needs some for training; expected at most {n - 1}", field="test_samples")
    values, labels = np.unique(y, return_inverse=True)
    if len(values) < 2:
        raise UsageError(f"task '{name}' ({source}): expected at least 2 classes, found {len(values)}")
    order = np.random.default_rng(0).permutation(n)
    train, test = order[: n - test_samples], order[n - test_samples:]
    x = x.astype(np.float32, copy=False)
    mean, std = float(x[train].mean()), float(x[train].std())
    scale = 1.0 / std if std > 0 else 1.0
    x_train = ((x[train] - mean) * scale).astype(np.float32)
    x_test = ((x[test] - mean) * scale).astype(np.float32)
    return VisionData(name, x_train, labels[train].astype(np.int64), x_test, labels[test].astype(np.int64),
                      len(values), source)


class TrainStream:
    """Each member's training indices into ``x_train`` (module docstring).

    ``samples=None``: online, every member draws from all ``n`` training images; else the member's
    own ``samples`` images (a draw of its sample stream), cycled in epochs. Per member a shuffled
    order is walked ``batch`` at a time and reshuffled when used up.
    """

    def __init__(self, n: int, seeds: Sequence[int], batch: int, samples: int | None) -> None:
        if samples is not None and samples > n:
            raise UsageError(f"samples = {samples} is out of range: the task has {n} training images; "
                             f"expected at most {n}", field="samples")
        self.gens = generators(seeds, CNN_SAMPLE_STREAM)
        self.batch = batch
        self.sets = [np.arange(n) if samples is None else np.sort(g.permutation(n)[:samples]) for g in self.gens]
        self.orders = [g.permutation(s) for g, s in zip(self.gens, self.sets)]
        self.cursor = 0
        self.passes = 0

    @property
    def size(self) -> int:
        """Images each member trains on (the pool or P)."""
        return len(self.sets[0])

    def next(self) -> np.ndarray:
        """The next batch of every member: (S, batch) indices into ``x_train``."""
        if self.cursor + self.batch > self.size:
            self.orders = [g.permutation(s) for g, s in zip(self.gens, self.sets)]
            self.cursor, self.passes = 0, self.passes + 1
        out = np.stack([o[self.cursor: self.cursor + self.batch] for o in self.orders])
        self.cursor += self.batch
        return out

    def epochs(self) -> float:
        """Passes over each member's set so far (partial passes counted by their share)."""
        return self.passes + self.cursor / self.size
