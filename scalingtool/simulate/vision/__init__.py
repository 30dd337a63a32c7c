"""Vision tasks behind one interface (:mod:`.data`), for the CNN of :mod:`scalingtool.simulate.cnn`."""

from __future__ import annotations

from ...config import CnnRun
from .data import VISION_MISSING, TrainStream, VisionData, centred_onehot
from .images import check_folder, check_npz, fingerprint, load_digits, load_folder, load_mnist, load_npz
from .mnist1d import cache_folder, load_mnist1d

__all__ = ["VisionData", "TrainStream", "centred_onehot", "load_task", "cache_folder", "VISION_MISSING",
           "check_npz", "check_folder", "fingerprint"]


def load_task(config: CnnRun) -> VisionData:
    """The task ``config`` names, its test set of ``config.test_samples`` images."""
    if config.task == "mnist1d":
        return load_mnist1d(config.pool_samples, config.test_samples)
    if config.task == "digits":
        return load_digits(config.test_samples)
    if config.task == "mnist":
        return load_mnist(config.test_samples)
    if config.task == "npz":
        return load_npz(str(config.path), config.test_samples)
    return load_folder(str(config.path), config.test_samples)
