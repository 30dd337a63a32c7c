"""The simulated models' configs: the linear network (theory §1) and the ReLU MLP (theory §5)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import UsageError
from ..params import LIMITS
from .fields import (BACKENDS, DATA_MODES, DEVICES, DTYPES, LR_RULES, MEASURES, PARAMETRISATIONS, PATHS,
                     RNG_SOURCES, TAIL_MODES, Config, choices, flag, limit, shape)

__all__ = ["LinearRun", "ReluMLPRun"]


# ---------------------------------------------------------------- the linear network

@dataclass(frozen=True)
class LinearRun(Config):
    """The projected two-layer linear network of theory §1, trained by (S)GD.

    ``batch``: online SGD with this batch; ``data``: full-batch GD on P fixed points; neither:
    GD on the population loss. ``lr=None``: the default step rule (``lr_rule``, ``safety``).
    ``M=None``: the number of feature modes chosen from the width floor (``tail``).
    """

    alpha: Fraction = limit("alpha", Fraction(2))
    beta: Fraction = limit("beta", Fraction(1, 2))
    gamma0: Fraction = limit("gamma0", Fraction(0))
    width: int = limit("width", 1024)
    steps: int = limit("steps", 3000)
    batch: int | None = limit("batch", None, optional=True)
    data: int | None = limit("data", None, optional=True)
    lr: Fraction | None = limit("lr", None, optional=True)
    seeds: tuple[int, ...] = shape("seeds", (0,))
    backend: str = choices(BACKENDS, "numpy")
    device: str = choices(DEVICES, "auto")
    path: str = choices(PATHS, "fast")
    M: int | None = limit("M", None, optional=True)
    tail: str = choices(TAIL_MODES, "auto")
    fit_window: tuple[float, float] | None = shape("window", None)
    measure: str = choices(MEASURES, "excess")
    rng: str | None = choices(RNG_SOURCES, None, optional=True)
    share_projection: bool = flag(False)
    lr_rule: str = choices(LR_RULES, "predicted")
    safety: Fraction = limit("safety", Fraction(1, 2))
    record_per_decade: int = limit("record_per_decade", 16)

    def rules(self) -> None:
        if self.batch is not None and self.data is not None:
            raise UsageError("batch and data are exclusive: batch = online SGD, data = full-batch GD on P points")

    @property
    def mode(self) -> str:
        """``"population-gd"``, ``"online-sgd"`` or ``"full-batch-gd"``."""
        if self.data is not None:
            return "full-batch-gd"
        return "online-sgd" if self.batch is not None else "population-gd"


# ---------------------------------------------------------------- the ReLU MLP

@dataclass(frozen=True)
class ReluMLPRun(Config):
    """The ReLU MLP of depth 1-4 on the circle (theory §5), lazy (``gamma0 = 0``) or rich.

    ``data="online"``: ``batch`` fresh angles a step; ``"grid"``: full-batch GD on ``points``
    angles. ``test_points=None``: ``8 modes``. ``lr=None``: ``safety`` times the stable step of
    the initial kernel on ``kernel_points`` angles.
    """

    beta: Fraction = limit("beta", Fraction(1, 2))
    gamma0: Fraction = limit("gamma0", Fraction(0))
    depth: int = limit("depth", 1)
    width: int = limit("width", 512)
    param: str = choices(PARAMETRISATIONS, "mup")
    data: str = choices(DATA_MODES, "online")
    batch: int = limit("batch", 64)
    points: int = limit("points", 512)
    steps: int = limit("steps", 2000)
    modes: int = limit("modes", 64)
    test_points: int | None = limit("test_points", None, optional=True)
    bias: bool = flag(True)
    lr: Fraction | None = limit("lr", None, optional=True)
    seeds: tuple[int, ...] = shape("seeds", (0, 1, 2))
    safety: Fraction = limit("safety", Fraction(1, 2))
    max_substeps: int = limit("max_substeps", 256)
    check_every: int = limit("check_every", 4)
    kernel_points: int = limit("kernel_points", 256)
    kernel_per_decade: int = limit("kernel_per_decade", 2)
    alpha_range: tuple[int, int] = shape("pair", (4, 32))
    fit_window: tuple[float, float] | None = shape("window", None)
    record_per_decade: int = limit("record_per_decade", 16)
    device: str = choices(DEVICES, "cpu")
    dtype: str = choices(DTYPES, "float64")

    def rules(self) -> None:
        if self.test_points is not None and self.test_points < 4 * self.modes:
            raise UsageError(f"test_points = {self.test_points} is out of range: expected a whole number "
                             f"from {4 * self.modes} (4 x modes) to {LIMITS['test_points'].high}", field="test_points")
        k_lo, k_hi = self.alpha_range
        if max(k_lo, k_hi) > self.kernel_points // 2:
            raise UsageError(f"alpha_range = {self.alpha_range} is out of range: expected k <= kernel_points / 2 "
                             f"= {self.kernel_points // 2}", field="alpha_range")
        if not k_lo + 2 <= k_hi:
            raise UsageError(f"alpha_range = {self.alpha_range} is out of range: expected k_lo + 2 <= k_hi",
                             field="alpha_range")

    @property
    def test_grid(self) -> int:
        """The test grid: ``test_points``, or ``8 modes`` by default."""
        return 8 * self.modes if self.test_points is None else self.test_points
