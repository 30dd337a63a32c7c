"""The ``mlp-study`` kind's schema (theory §5): its ``[params]`` (:class:`StudyParams`), its
stored part data (:class:`StudyData`), and the part ids of its grid."""

from __future__ import annotations

import itertools
from typing import Any, Literal

from pydantic import Field

from ....config import DATA_MODES, DTYPES, PARAMETRISATIONS
from ...schema.fields import Exact, Positive, Tolerance, Values, limited, numbers, positive, unique
from ...schema.models import KindParams, StoredData
from ..study_ids import config_key, gamma0_of

__all__ = ["StudyParams", "StudyData", "EXPECT", "GRID", "grid", "part_id", "config_key", "gamma0_of"]

#: the checks' keys (not the runs'): changing them must not recompute a part
EXPECT = ("lazy_tolerance", "max_drift")
#: the keys that span the grid of parts (each part gets one value of each)
GRID = ("beta", "gamma0", "depth", "data", "width")


class StudyParams(KindParams):
    """``mlp-study`` (theory §5): one part per ``(beta, depth, data, width, gamma0)``."""

    beta: numbers("beta", 6)  # type: ignore[valid-type]
    gamma0: numbers("gamma0", 12)  # type: ignore[valid-type]
    depth: unique(limited("depth"), 4) = [1]  # type: ignore[valid-type]
    data: unique(Literal[DATA_MODES], 2) = ["online"]  # type: ignore[valid-type]
    width: unique(limited("width"), 8) = [512]  # type: ignore[valid-type]
    param: Literal[PARAMETRISATIONS] = "mup"  # type: ignore[valid-type]
    seeds: limited("seeds") = 3  # type: ignore[valid-type]
    steps: limited("steps") = 2000  # type: ignore[valid-type]
    modes: limited("modes") = 64  # type: ignore[valid-type]
    batch: limited("batch") = 64  # type: ignore[valid-type]
    points: limited("points") = 256  # type: ignore[valid-type]
    kernel_points: limited("kernel_points") = 256  # type: ignore[valid-type]
    max_substeps: limited("max_substeps") = 256  # type: ignore[valid-type]
    dtype: Literal[DTYPES] = "float64"  # type: ignore[valid-type]
    #: every lazy exponent of a hard target within this of the lazy theory line (None: no check)
    lazy_tolerance: Tolerance | None = None  # type: ignore[valid-type]
    #: every part's drift of its late exponent at most this (None: no check)
    max_drift: positive(1) | None = None  # type: ignore[valid-type]


class StudyData(StoredData):
    time: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    loss_seeds: list[list[float]]
    exponents: list[float]
    mean: float
    spread: float
    early_mean: float
    drift: float
    window: tuple[Positive, Positive]
    alpha: Exact
    beta: Exact
    alpha_seeds: list[float]
    lazy_theory: Exact
    rich_theory: Exact
    rich_onset: float | None
    lr: float
    substeps_total: int
    substeps_max: int
    elapsed_s: float
    interrupted: bool
    kernel_time: list[float]
    spectrum: list[list[float]]
    rayleigh: list[float]
    alignment: list[float]
    top: list[float]
    bands: list[tuple[int, int]]
    residual_rayleigh: list[float] = Field(default_factory=list)
    eigenvalues: list[list[float]] = Field(default_factory=list)
    band_fractions: list[list[float]]
    #: the theory §6 estimate of the configuration's task (None: stored before it was measured)
    bridge: dict[str, Any] | None = None


def grid(params: StudyParams) -> list[tuple[str, int, str, int, float]]:
    """The ``(beta, depth, data, width, gamma0)`` of every part, in the plan's order."""
    return list(itertools.product([str(b) for b in params.beta], params.depth, params.data, params.width,
                                  [float(g) for g in params.gamma0]))


def part_id(beta: str, depth: int, data: str, width: int, gamma0: float) -> str:
    """The store id of the part of one configuration and gamma0."""
    return f"b{beta}_d{depth}_{data}_N{width}_g{gamma0:g}".replace("/", "_")
