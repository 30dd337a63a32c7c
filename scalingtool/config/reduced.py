"""The reduced dynamics' configs (theory §2, §3): one per solver, built once by ``from_user``.

* :class:`FlowRun` -- gradient flow, infinite width (``width=None``) or on a seeded projection;
* :class:`ProjectedTask` -- the finite-width spectrum of one seeded projection ``A``;
* :class:`LazySgdRun` -- the exact lazy online-SGD recursion, infinite or finite width;
* :class:`WidthCurveRun`, :class:`DataCurveRun` -- the deterministic-equivalent curves;
* :class:`FrontierRun` -- the compute frontier (envelope over widths);
* :class:`FrontierFitRun` -- the compute exponent by a term fit of ``L(t, N)``;
* :class:`SolveRun` -- one setting of ``scalingtool solve`` (it picks one of the runs above).

Every ranged field names its entry of :data:`~scalingtool.params.LIMITS`; what depends on two
fields (the float64 end time, rich training with SGD, ``modes >= width``, a frontier fit's
transient window) is a rule of the config. The solvers take these configs and trust them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ..errors import UsageError
from ..params import LIMITS, _fmt
from .fields import Config, ascending, choices, flag, limit, precision, shape

__all__ = ["FlowRun", "ProjectedTask", "LazySgdRun", "WidthCurveRun", "DataCurveRun", "FrontierRun",
           "FrontierFitRun", "SolveRun", "TRAININGS", "DYNAMICS", "TAILS", "T_MAX_FLOAT64", "DEFAULT_STEPPING",
           "DEFAULT_FIT_WIDTHS", "RICH_SGD", "end_time_rule", "default_modes"]

TRAININGS = ("lazy", "rich")
DYNAMICS = ("gd", "sgd")
TAILS = ("isotropic", "drop")

#: Largest end time in float64: losses of typical tasks stay far from underflow up to here
#: (mpmath reaches ``LIMITS["t_max"]``, 1e30).
T_MAX_FLOAT64 = Fraction(10) ** 12

#: (output points per decade, steps per output interval) of a flow by precision: 40 steps per
#: decade in float64 (loss to ~4e-5, exponents to ~1e-7 on the tests' tasks), 10 with mpmath (cost)
DEFAULT_STEPPING = {"float64": (20, 2), "mp": (10, 1)}

#: default widths of a frontier fit by capacity: for ``alpha < 5/2`` the transient window
#: ``t <= N^alpha/cut`` is short and widths below 128 bias its width exponent ``m`` away from the
#: predicted 1; widths from 128 bring it back (measured: docs results page 'Implementation measurements')
DEFAULT_FIT_WIDTHS = {"alpha>=5/2": (32, 64, 128, 256, 512), "alpha<5/2": (128, 256, 512, 1024)}

RICH_SGD = ("rich training with SGD has no exact reduced closure (theory §2): solve it as gradient "
            "flow, or simulate the network for rich SGD")


def end_time_rule(t_max: Fraction, precision_name: str, name: str = "t_max", hint: bool = True) -> None:
    """The end time a precision reaches: ``T_MAX_FLOAT64`` in float64, ``LIMITS["t_max"]`` with mpmath
    (``hint``: the message points to mpmath, for callers that can choose it)."""
    if precision_name == "float64" and t_max > T_MAX_FLOAT64:
        beyond = " (use precision 'mp:30' beyond)" if hint else ""
        raise UsageError(f"{name} = {_fmt(t_max)} is out of range for precision float64: expected "
                         f"0 < {name} <= {float(T_MAX_FLOAT64):.0e}{beyond}", field=name)


def default_modes(width: int) -> int:
    """``M = max(16 N, 1024)``: the bottom of ``Sigma``'s spectrum is then set by modes well inside."""
    return max(16 * width, 1024)


def _modes_rule(modes: int | None, width: int | None) -> None:
    if modes is not None and width is not None and modes < width:
        raise UsageError(f"modes = {modes} is out of range: expected modes >= width = {width}", field="modes")


def _training_rule(training: str, dynamics: str) -> None:
    if training == "rich" and dynamics == "sgd":
        raise UsageError(RICH_SGD)


@dataclass(frozen=True)
class _Task(Config):
    """A power-law task (theory §1): capacity ``alpha`` and source ``beta``."""

    alpha: Fraction = limit("alpha", Fraction(2))
    beta: Fraction = limit("beta", Fraction(1, 2))


# ---------------------------------------------------------------- one projection and the flow

@dataclass(frozen=True)
class ProjectedTask(_Task):
    """The rescaled eigen-spectrum of ``Sigma = A Lambda A^T`` for one seeded ``A`` (theory §2).

    ``modes=None``: ``M = max(16 N, 1024)``; ``tail``: the modes beyond ``M`` as an isotropic
    term, or dropped (the exact finite-``M`` model).
    """

    width: int = limit("projection_width", 64)
    seed: int = limit("seed", 0)
    modes: int | None = limit("M", None, optional=True)
    tail: str = choices(TAILS, "isotropic")
    precision: str = precision()

    def rules(self) -> None:
        _modes_rule(self.modes, self.width)

    @property
    def m(self) -> int:
        """The number of feature modes ``M``."""
        return default_modes(self.width) if self.modes is None else self.modes


@dataclass(frozen=True)
class FlowRun(_Task):
    """Gradient flow (theory §2), lazy (``gamma0 = 0``) or rich; ``width=None`` is infinite width,
    a whole ``width`` the N-space form on the projection ``seed``, ``modes``, ``tail``.

    Output times run from ``t_min/eta`` to ``t_max`` (float64 to 1e12, mpmath to 1e30), with
    ``points_per_decade`` points and ``substeps`` steps between them (``None``:
    :data:`DEFAULT_STEPPING`); ``estimate_error`` repeats the run with half the step.
    """

    gamma0: Fraction = limit("gamma0", Fraction(0))
    eta: Fraction = limit("lr", Fraction(1))
    t_max: Fraction = limit("t_max", Fraction(10) ** 10)
    t_min: Fraction = limit("t_min", Fraction(1, 100))
    precision: str = precision()
    points_per_decade: int | None = limit("points_per_decade", None, optional=True)
    substeps: int | None = limit("substeps", None, optional=True)
    estimate_error: bool = flag(False)
    width: int | None = limit("projection_width", None, optional=True)
    seed: int = limit("seed", 0)
    modes: int | None = limit("M", None, optional=True)
    tail: str = choices(TAILS, "isotropic")

    def rules(self) -> None:
        end_time_rule(self.t_max, self.precision)
        if self.start >= self.t_max:
            raise UsageError(f"t_min/eta = {float(self.start):.3g} is out of range: expected below "
                             f"t_max = {float(self.t_max):.3g}", field="t_min")
        _modes_rule(self.modes, self.width)

    @property
    def training(self) -> str:
        return "rich" if self.gamma0 > 0 else "lazy"

    @property
    def start(self) -> Fraction:
        """The first output time, ``t_min / eta``."""
        return self.t_min / self.eta

    @property
    def stepping(self) -> tuple[int, int]:
        """``(points per decade, substeps)``, :data:`DEFAULT_STEPPING` for the ``None`` entries."""
        ppd, sub = DEFAULT_STEPPING["float64" if self.precision == "float64" else "mp"]
        return (ppd if self.points_per_decade is None else self.points_per_decade,
                sub if self.substeps is None else self.substeps)

    def projection(self) -> ProjectedTask:
        """The finite-width projection of this run (``width`` must be set)."""
        return ProjectedTask(self.alpha, self.beta, self.width, self.seed, self.modes, self.tail, self.precision)


# ---------------------------------------------------------------- lazy SGD

@dataclass(frozen=True)
class LazySgdRun(_Task):
    """Lazy online SGD with step ``eta`` and ``batch`` (theory §2, exact second moments) for
    ``steps`` steps; ``width=None`` is infinite width, a whole ``width`` the projection
    ``seed``, ``modes`` (isotropic tail)."""

    eta: Fraction = limit("lr", Fraction(1, 2))
    batch: int = limit("batch", 1)
    steps: int = limit("sgd_steps", 10**8)
    width: int | None = limit("projection_width", None, optional=True)
    seed: int = limit("seed", 0)
    modes: int | None = limit("M", None, optional=True)
    precision: str = precision()
    points_per_decade: int = limit("points_per_decade", 20)
    substeps: int = limit("substeps", 1)

    def rules(self) -> None:
        _modes_rule(self.modes, self.width)

    def projection(self) -> ProjectedTask:
        return ProjectedTask(self.alpha, self.beta, self.width, self.seed, self.modes, "isotropic", self.precision)


# ---------------------------------------------------------------- deterministic equivalents

@dataclass(frozen=True)
class WidthCurveRun(_Task):
    """Lazy ``t -> inf`` loss at each width (theory §2 deterministic equivalent)."""

    widths: tuple[int, ...] = ascending("size", (10**3, 10**4, 10**5, 10**6))
    precision: str = precision()


@dataclass(frozen=True)
class DataCurveRun(_Task):
    """Lazy ridgeless regression error at each data size ``P`` (theory §3)."""

    sizes: tuple[int, ...] = ascending("size", (10**3, 10**4, 10**5, 10**6))
    precision: str = precision()


# ---------------------------------------------------------------- the compute frontier

@dataclass(frozen=True)
class FrontierRun(_Task):
    """The compute frontier over ``widths`` (theory §2-§3): finite-width gradient flow, lazy or
    rich (``gamma0``), or lazy SGD (``eta``, ``batch``); ``C = N^p t^q``; ``t_max=None``: past
    the widest network's width floor. Projections share ``seed``; ``M = max(modes_factor N, 1024)``."""

    widths: tuple[int, ...] = ascending("projection_width", (16, 32, 64, 128, 256), at_least=3)
    training: str = choices(TRAININGS, "rich")
    dynamics: str = choices(DYNAMICS, "gd")
    gamma0: Fraction = limit("gamma0", Fraction(1))
    eta: Fraction = limit("lr", Fraction(1))
    batch: int = limit("batch", 1)
    t_max: Fraction | None = limit("t_max", None, optional=True)
    seed: int = limit("seed", 0)
    p: Fraction = limit("n_power", Fraction(1))
    q: Fraction = limit("t_power", Fraction(1))
    compute_per_decade: int = limit("points_per_decade", 8)
    modes_factor: int = limit("modes_factor", 16)

    def rules(self) -> None:
        _training_rule(self.training, self.dynamics)
        if self.t_max is not None and self.dynamics == "gd":
            end_time_rule(self.t_max, "float64", hint=False)  # a frontier runs in float64
        _modes_factor_rule(self.modes_factor, self.widths[-1])

    @property
    def g0(self) -> Fraction:
        """The feature-learning strength of the runs: ``gamma0`` when rich, 0 when lazy."""
        return self.gamma0 if self.training == "rich" else Fraction(0)

    def modes_for(self, width: int) -> int:
        return max(self.modes_factor * width, 1024)


def _modes_factor_rule(factor: int, widest: int) -> None:
    top = LIMITS["M"].high
    if max(factor * widest, 1024) > top:
        raise UsageError(f"modes_factor = {factor} is out of range: expected modes_factor x the largest width "
                         f"{widest} <= {top} (the most feature modes M)", field="modes_factor")


@dataclass(frozen=True)
class FrontierFitRun(_Task):
    """The compute exponent of an easy or super-easy task (``beta > 1``) by a term fit of
    ``L(t, N)`` over ``widths`` x ``seeds`` (theory §3); the transient is fitted on
    ``t_min <= t <= N^alpha/cut`` where it carries at least ``dominance`` of the loss.
    ``widths=None``: :data:`DEFAULT_FIT_WIDTHS` by ``alpha``."""

    widths: tuple[int, ...] | None = ascending("projection_width", None, at_least=3, optional=True)
    training: str = choices(TRAININGS, "lazy")
    dynamics: str = choices(DYNAMICS, "gd")
    gamma0: Fraction = limit("gamma0", Fraction(1))
    eta: Fraction = limit("lr", Fraction(1))
    batch: int = limit("batch", 1)
    seeds: tuple[int, ...] = shape("seeds", (0, 1, 2))
    p: Fraction = limit("n_power", Fraction(1))
    q: Fraction = limit("t_power", Fraction(1))
    t_min: Fraction = limit("t_min", Fraction(10))
    cut: Fraction = limit("cut", Fraction(100))
    dominance: Fraction = limit("dominance", Fraction(1, 2))
    modes_factor: int = limit("modes_factor", 16)

    def rules(self) -> None:
        if self.beta <= 1:
            raise UsageError(f"beta = {_fmt(self.beta)} is a hard task: the term fit is for beta > 1 "
                             "(theory §3 keeps the transient for beta > 1 only); use compute_frontier",
                             field="beta")
        _training_rule(self.training, self.dynamics)
        widest = self.grid[-1]
        _modes_factor_rule(self.modes_factor, widest)
        if self.window_end <= 10 * self.t_min:
            raise UsageError(f"the largest width {widest} leaves no transient window: "
                             f"N^alpha/cut = {self.window_end:.3g} <= 10 t_min", field="widths")
        if self.window_end > float(LIMITS["t_max"].high):  # N^alpha past any time a run reaches (alpha ~ 300)
            raise UsageError(f"the largest width {widest} puts the transient window's end at N^alpha/cut = "
                             f"{_power_text(widest, self.alpha, self.cut)}, past the largest time "
                             f"{float(LIMITS['t_max'].high):.0e}: no term fit is possible at alpha = "
                             f"{_fmt(self.alpha)} with these widths", field="widths")
        if self.training == "rich" and 1e3 * self.window_end > T_MAX_FLOAT64:
            raise UsageError(f"the largest width {widest} puts the infinite-width reference at t = 1e3 N^alpha/cut "
                             f"= {1e3 * self.window_end:.3g}, past float64's {float(T_MAX_FLOAT64):.0e}: "
                             "lower the widths or raise cut", field="widths")

    @property
    def grid(self) -> tuple[int, ...]:
        """The widths: given, or :data:`DEFAULT_FIT_WIDTHS` by ``alpha``."""
        if self.widths is not None:
            return self.widths
        return DEFAULT_FIT_WIDTHS["alpha>=5/2" if self.alpha >= Fraction(5, 2) else "alpha<5/2"]

    @property
    def g0(self) -> Fraction:
        return self.gamma0 if self.training == "rich" else Fraction(0)

    def modes_for(self, width: int) -> int:
        return max(self.modes_factor * width, 1024)

    @property
    def window_end(self) -> float:
        """``N_max^alpha / cut``, the end of the widest width's transient window (inf past float64)."""
        try:
            return self.grid[-1] ** float(self.alpha) / float(self.cut)
        except OverflowError:
            return math.inf


def _power_text(width: int, alpha: Fraction, cut: Fraction) -> str:
    """``width^alpha / cut`` as text, computed in logs (it may be far past float64)."""
    exponent = float(alpha) * math.log10(width) - math.log10(float(cut))
    whole = math.floor(exponent)
    return f"{10 ** (exponent - whole):.3g}e+{whole}"


# ---------------------------------------------------------------- one setting of `solve`

@dataclass(frozen=True)
class SolveRun(_Task):
    """One setting of the exact dynamics (``scalingtool solve``): ``width=None`` is infinite
    width; ``batch=None`` gradient flow, a whole ``batch`` lazy online SGD (rich SGD has no
    exact closure, theory §2); ``lr=None``: 1 for gradient flow, half the largest stable step
    for SGD. ``decades`` and ``tolerance`` set the exponent measurement (theory §4)."""

    gamma0: Fraction = limit("gamma0", Fraction(0))
    width: int | None = limit("projection_width", None, optional=True)
    batch: int | None = limit("batch", None, optional=True)
    lr: Fraction | None = limit("lr", None, optional=True)
    t_max: Fraction = limit("t_max", Fraction(10) ** 10)
    precision: str = precision()
    seed: int = limit("seed", 0)
    decades: Fraction = limit("decades", Fraction(2))
    tolerance: Fraction = limit("tolerance", Fraction(1, 1000))

    def rules(self) -> None:
        _training_rule(self.training, self.dynamics)
        if self.dynamics == "gd":
            self.flow().rules()
        elif self.lr is not None:
            sgd_steps_rule(self.t_max / self.lr)

    @property
    def training(self) -> str:
        return "rich" if self.gamma0 > 0 else "lazy"

    @property
    def dynamics(self) -> str:
        return "gd" if self.batch is None else "sgd"

    def flow(self) -> FlowRun:
        """The gradient-flow run of this setting (step ``lr``, default 1)."""
        return FlowRun(self.alpha, self.beta, self.gamma0, Fraction(1) if self.lr is None else self.lr, self.t_max,
                       precision=self.precision, width=self.width, seed=self.seed)

    def projection(self) -> ProjectedTask:
        """The projection of a finite-width setting (default ``M``, isotropic tail)."""
        return ProjectedTask(self.alpha, self.beta, self.width, self.seed, precision=self.precision)

    def sgd(self, eta: Fraction) -> LazySgdRun:
        """The SGD run of this setting with step ``eta``: ``t_max / eta`` steps."""
        return LazySgdRun(self.alpha, self.beta, eta, self.batch, max(1, int(self.t_max / eta)), self.width,
                          self.seed, precision=self.precision)


def sgd_steps_rule(steps: Fraction) -> None:
    """``t_max / eta`` steps of the SGD recursion stay within ``LIMITS["sgd_steps"]``."""
    top = LIMITS["sgd_steps"].high
    if steps > top:
        raise UsageError(f"t_max / lr = {float(steps):.3g} steps is out of range: expected at most "
                         f"{float(top):.0e} steps of the SGD recursion", field="t_max")
