"""The ``cnn-study`` kind's schema (theory §5): its ``[params]`` (:class:`CnnStudyParams`), its
stored part data (:class:`CnnStudyData`), and the part ids of its grid."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from ....config import DTYPES, PARAMETRISATIONS, VISION_DATA
from ....errors import UsageError
from ...schema.fields import Positive, Values, limited, numbers, unique
from ...schema.models import KindParams, StoredData
from ..study_ids import config_key, gamma0_of

__all__ = ["CnnStudyParams", "CnnStudyData", "GRID", "grid", "part_id", "config_key", "gamma0_of"]

#: the keys that span the grid of parts (each part gets one value of each)
GRID = ("width", "gamma0")
#: the vision tasks a study runs on: the built-in ones and a user's own images (at ``path``)
TASKS = ("mnist1d", "digits", "mnist", "npz", "folder")
#: the tasks that read a user's own images at ``path``
OWN = ("npz", "folder")


class CnnStudyParams(KindParams):
    """``cnn-study`` (theory §5): one part per ``(width, gamma0)`` on one task and data mode; a
    user's own images with ``task = "npz"`` or ``"folder"`` and ``path`` (data = "finite")."""

    task: Literal[TASKS] = "mnist1d"  # type: ignore[valid-type]
    path: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = Field(default=None, description=(
        "the user's images for task 'npz' (a .npz with arrays x and y) or 'folder' (root/CLASS/*.png); "
        "a relative path is relative to the recipe file's folder"))
    data: Literal[VISION_DATA] = "online"  # type: ignore[valid-type]
    #: P, the fixed training images of each seed (data = "finite" only)
    samples: limited("data") | None = None  # type: ignore[valid-type]
    gamma0: numbers("gamma0", 12)  # type: ignore[valid-type]
    width: unique(limited("width"), 4) = [16]  # type: ignore[valid-type]
    param: Literal[PARAMETRISATIONS] = "mup"  # type: ignore[valid-type]
    seeds: limited("seeds") = 3  # type: ignore[valid-type]
    steps: limited("steps") = 2000  # type: ignore[valid-type]
    batch: limited("batch") = 64  # type: ignore[valid-type]
    kernel_size: limited("kernel_size") = 3  # type: ignore[valid-type]
    test_samples: limited("test_samples") = 1000  # type: ignore[valid-type]
    pool_samples: limited("pool_samples") = 40000  # type: ignore[valid-type]
    max_substeps: limited("max_substeps") = 64  # type: ignore[valid-type]
    #: test images the tangent kernel is taken on (and alpha, beta estimated from)
    kernel_points: limited("kernel_points") = 256  # type: ignore[valid-type]
    #: tangent-kernel snapshots per decade of steps (and one at step 0)
    kernel_per_decade: limited("kernel_per_decade") = 1  # type: ignore[valid-type]
    #: modes of the alpha, beta fits: "auto" (the estimator's rule) or "K1:K2"
    window: Annotated[str, StringConstraints(pattern=r"^(auto|[1-9][0-9]*:[1-9][0-9]*)$")] = "auto"
    dtype: Literal[DTYPES] = "float32"  # type: ignore[valid-type]

    @field_validator("path")
    @classmethod
    def _resolved(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The task's images checked (:func:`_check_path`) at ``path`` taken relative to the
        recipe's folder (``context["folder"]``), then made absolute, so that the stored config
        names the same files from any working folder."""
        task = info.data.get("task")
        if value is None or task is None:  # no path, or a bad task reported on its own
            return value
        if "\0" in value:
            raise UsageError("expected a file or folder name, got a NUL character")
        folder = (info.context or {}).get("folder")
        path = (folder if isinstance(folder, Path) else Path()) / Path(value).expanduser()
        _check_path(task, str(path))
        return str(path.absolute())

    @model_validator(mode="after")
    def _modes(self) -> "CnnStudyParams":
        if self.task in OWN and self.path is None:
            raise UsageError(f"task = '{self.task}' needs path: the .npz file or the image folder")
        if self.path is not None:
            _check_sizes(_check_path(self.task, self.path), self.test_samples, self.samples)
        if self.data == "online" and self.task != "mnist1d":
            raise UsageError(f"data = 'online' needs task 'mnist1d' (a generated stream); task '{self.task}' "
                             "is a fixed data set: use data = 'finite' with samples")
        if self.kernel_points > self.test_samples:
            raise UsageError(f"kernel_points = {self.kernel_points} is out of range: expected at most "
                             f"test_samples = {self.test_samples} (the kernel is taken on test images)")
        return self


def _check_path(task: str, path: str) -> int:
    """The number of images at ``path``, for the user's own tasks: a readable .npz (its arrays'
    headers) or an image folder (its class folders); else a one-line :class:`UsageError`."""
    # deferred: the image readers load when a recipe names a user's images, not for every kind
    from ....simulate.vision import check_folder, check_npz

    if task not in OWN:
        raise UsageError(f"path is only for task 'npz' or 'folder', not '{task}'")
    return check_npz(path)[1][0] if task == "npz" else check_folder(path)


def _check_sizes(images: int, test_samples: int, samples: int | None) -> None:
    """The held-out images and the training set fit in the user's ``images``
    (:func:`~scalingtool.simulate.vision.data.split_test` holds out ``test_samples``)."""
    if test_samples >= images:
        raise UsageError(f"test_samples = {test_samples} is out of range: path holds {images} images and "
                         f"needs some for training; expected at most {images - 1}")
    if samples is not None and samples > images - test_samples:
        raise UsageError(f"samples = {samples} is out of range: path holds {images} images, {test_samples} "
                         f"of them held out (test_samples); expected at most {images - test_samples}")


class CnnStudyData(StoredData):
    time: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    loss_seeds: list[list[float]]
    accuracy: Values  # type: ignore[valid-type]
    exponents: list[float]
    mean: float
    spread: float
    window: tuple[Positive, Positive]
    running_time: list[float]
    running: list[float]
    kernel_time: list[float]
    modes: list[int]
    spectrum: list[list[float]]
    alignment: list[list[float]]
    top: list[float]
    #: the theory §6 estimate from the initial kernel (``failed``: why there is none)
    estimate: dict[str, Any]
    lr: float
    substeps_total: int
    elapsed_s: float
    interrupted: bool


def grid(params: CnnStudyParams) -> list[tuple[int, float]]:
    """The ``(width, gamma0)`` of every part, in the plan's order."""
    return list(itertools.product(params.width, [float(g) for g in params.gamma0]))


def part_id(task: str, data: str, width: int, gamma0: float) -> str:
    """The store id of the part of one configuration and gamma0."""
    return f"{task}_{data}_N{width}_g{gamma0:g}"
