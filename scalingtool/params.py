"""Validated inputs, parsed from text without ``eval`` (theory §1, §3).

Numbers are parsed with :class:`fractions.Fraction`, so ``"1.5"``, ``"3/2"``, ``"2"``
and ``"15e-1"`` are all the exact rational 3/2. Nothing here evaluates Python:
the text must match a plain number grammar before it is handed to ``Fraction``.

The model's parameters (theory §1):

* capacity ``alpha > 1`` (``lambda_k = k^-alpha`` summable),
* source ``beta > 0`` (``lambda_k w*_k^2 = k^(-alpha beta - 1)``),
* feature-learning strength ``gamma0 >= 0`` (0 is the lazy model).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from .echo import shown
from .errors import UsageError

__all__ = [
    "LIMITS",
    "Limit",
    "check",
    "check_precision",
    "ALPHA_MAX",
    "BETA_MAX",
    "Dynamics",
    "Task",
    "Training",
    "parse_number",
    "parse_alpha",
    "parse_beta",
    "parse_nonnegative",
    "parse_positive",
    "parse_int",
]

#: Upper limits: far beyond anything physical, low enough that exact arithmetic stays cheap.
ALPHA_MAX = Fraction(1000)
BETA_MAX = Fraction(1000)
_MAX_TEXT = 64  # characters in one number
_MAX_DIGITS = 40  # digits in a numerator or denominator (1e30, the longest time, has 31)

Training = Literal["lazy", "rich"]
Dynamics = Literal["sgd", "gd"]

# An optional sign, a decimal (with optional exponent) or a ratio of integers. ASCII digits
# only: ``\d`` would also take Arabic-Indic or full-width digits, which Fraction then accepts.
_NUMBER = re.compile(
    r"""^[+-]?(
        ([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?   # 1, 1.5, .5, 15e-1
        |[0-9]+[ ]*/[ ]*[0-9]+                              # 3/2
    )$""",
    re.VERBOSE | re.ASCII,
)


def parse_number(text: str | int | float | Fraction, name: str) -> Fraction:
    """Parse ``text`` as an exact rational, or raise :class:`UsageError` naming ``name``.

    Floats are accepted from Python callers (converted exactly via ``Fraction(float)``
    after a finiteness check, then limited to a readable denominator); text must be a
    plain decimal or ``p/q``. NaN, inf, empty strings and anything else are rejected.
    """
    if isinstance(text, bool):
        raise UsageError(f"{name}: expected a number, got {text!r}", field=name)
    if isinstance(text, Fraction):
        return text
    if isinstance(text, numbers.Integral):
        whole = int(text)
        if abs(whole) >= 10 ** _MAX_DIGITS:  # a TOML or Python integer: text is checked below
            digits = int(abs(whole).bit_length() * math.log10(2)) + 1
            raise UsageError(f"{name}: a whole number of about {digits} digits has too many digits "
                             f"(at most {_MAX_DIGITS})", field=name)
        return Fraction(whole)
    if isinstance(text, numbers.Real):  # float, numpy floats
        value = float(text)
        if not math.isfinite(value):
            raise UsageError(f"{name}: expected a finite number, got {value!r}", field=name)
        return Fraction(repr(value))
    if not isinstance(text, str):
        raise UsageError(f"{name}: expected a number, got {type(text).__name__}", field=name)
    s = text.strip()
    if not s:
        raise UsageError(f"{name}: expected a number, got an empty string", field=name)
    if len(s) > _MAX_TEXT:
        raise UsageError(f"{name}: number too long ({len(s)} characters; at most {_MAX_TEXT})", field=name)
    if not _NUMBER.match(s):
        low = s.lower().lstrip("+-")
        if low in {"nan", "inf", "infinity"}:
            raise UsageError(f"{name}: expected a finite number, got {s!r}", field=name)
        raise UsageError(f"{name}: expected a number such as 1.5, 3/2 or 2, got {s!r}", field=name)
    try:
        value = Fraction(s.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{name}: {s!r} is not a valid number (zero denominator?)", field=name) from None
    if max(len(str(value.numerator)), len(str(value.denominator))) > _MAX_DIGITS:
        raise UsageError(f"{name}: {s!r} has too many digits (at most {_MAX_DIGITS})", field=name)
    return value


def _check_range(value: Fraction, name: str, low: Fraction | None, high: Fraction | None,
                 low_open: bool, what: str) -> Fraction:
    bad_low = low is not None and (value <= low if low_open else value < low)
    bad_high = high is not None and value > high
    if bad_low or bad_high:
        raise UsageError(f"{name} = {_fmt(value)} is out of range: expected {what}", field=name)
    return value


def _fmt(value: Fraction) -> str:
    """``value`` as a message shows it: a whole number exactly (at most ``_MAX_DIGITS`` digits), a
    ratio with its decimal value beside it; never only a rounding, which could land on a bound."""
    if value.denominator == 1:
        return str(value.numerator)
    if max(abs(value.numerator), value.denominator) < 10**12:
        return f"{value} (= {float(value):.6g})"
    approx = repr(float(value))
    return approx if Fraction(approx) == value else str(value)


def parse_alpha(text: str | int | float | Fraction, name: str = "alpha") -> Fraction:
    """Capacity: ``1 < alpha <= 1000`` (theory §1: ``sum_k k^-alpha`` must converge)."""
    limit = LIMITS["alpha"]
    return _check_range(parse_number(text, name), name, limit.low, limit.high, True, limit.describe(name))


def parse_beta(text: str | int | float | Fraction, name: str = "beta") -> Fraction:
    """Source exponent: ``0 < beta <= 1000`` (theory §1)."""
    limit = LIMITS["beta"]
    return _check_range(parse_number(text, name), name, limit.low, limit.high, True, limit.describe(name))


def parse_nonnegative(text: str | int | float | Fraction, name: str,
                      high: Fraction = Fraction(10) ** 12) -> Fraction:
    """A number in ``[0, high]`` (e.g. ``gamma0``)."""
    return _check_range(parse_number(text, name), name, Fraction(0), high, False,
                        f"0 <= {name} <= {high}")


def parse_positive(text: str | int | float | Fraction, name: str,
                   high: Fraction = Fraction(10) ** 30) -> Fraction:
    """A number in ``(0, high]`` (e.g. a learning rate or a time)."""
    return _check_range(parse_number(text, name), name, Fraction(0), high, True,
                        f"0 < {name} <= {float(high):.3g}")


def parse_int(text: str | int, name: str, low: int = 1, high: int = 10**12) -> int:
    """An integer in ``[low, high]`` (widths, seeds, batch sizes, steps)."""
    value = parse_number(text, name)
    if value.denominator != 1:
        raise UsageError(f"{name}: expected a whole number, got {_fmt(value)}")
    return int(_check_range(value, name, Fraction(low), Fraction(high), False,
                            f"a whole number from {low} to {high}"))


@dataclass(frozen=True)
class Limit:
    """The allowed range of one named quantity: ``low < x`` (or ``<=``) and ``x <= high``."""

    low: Fraction
    high: Fraction
    low_open: bool = False
    integer: bool = False
    meaning: str = ""

    def describe(self, name: str) -> str:
        if self.integer:
            return f"a whole number from {self.low} to {_short(self.high)}"
        return f"{self.low} {'<' if self.low_open else '<='} {name} <= {_short(self.high)}"


def _short(value: Fraction) -> str:
    """``1000`` and ``9223372036854775807`` stay exact; ``10**30`` prints as ``1e+30``."""
    text = str(value)
    power_of_ten = text.startswith("1") and set(text[1:]) == {"0"}
    return f"{float(value):.0e}" if power_of_ten and len(text) > 6 else text


_F = Fraction
#: The one table of limits. Every layer validates a named quantity through :func:`check`,
#: so the command line, the recipes and the Python API accept exactly the same values.
LIMITS: dict[str, Limit] = {
    "alpha": Limit(_F(1), ALPHA_MAX, low_open=True, meaning="capacity (theory §1: sum_k k^-alpha converges)"),
    "beta": Limit(_F(0), BETA_MAX, low_open=True, meaning="source exponent (theory §1)"),
    "gamma0": Limit(_F(0), _F(10) ** 6, meaning="feature-learning strength (0: lazy)"),
    "width": Limit(_F(1), _F(10) ** 12, integer=True, meaning="network width N"),
    "depth": Limit(_F(1), _F(4), integer=True, meaning="hidden layers of the ReLU MLP (theory §5)"),
    "batch": Limit(_F(1), _F(10) ** 9, integer=True, meaning="SGD batch size"),
    "data": Limit(_F(1), _F(10) ** 9, integer=True, meaning="number of training samples P"),
    "steps": Limit(_F(1), _F(10) ** 9, integer=True, meaning="training steps"),
    "seeds": Limit(_F(1), _F(10000), integer=True, meaning="number of seeds"),
    "seed": Limit(_F(0), _F(2**63 - 1), integer=True, meaning="random seed"),
    "lr": Limit(_F(0), _F(10) ** 6, low_open=True, meaning="learning rate eta"),
    "t_max": Limit(_F(0), _F(10) ** 30, low_open=True, meaning="end time of a run"),
    "decades": Limit(_F(0), _F(20), low_open=True, meaning="width of a fit window in decades"),
    "tolerance": Limit(_F(0), _F(1), low_open=True, meaning="largest drift of a converged measurement"),
    "n_power": Limit(_F(0), _F(100), low_open=True, meaning="compute convention C = N^p t^q: p"),
    "t_power": Limit(_F(0), _F(100), low_open=True, meaning="compute convention C = N^p t^q: q"),
    "lr_over_batch": Limit(_F(0), _F(10) ** 30, low_open=True, meaning="SGD noise scale eta/Bsz"),
    "digits": Limit(_F(16), _F(1000), integer=True, meaning="mpmath working digits"),
    # the simulators (theory §1, §5)
    # M: the explicit path of the simulator holds M x N features; the reduced projection costs N^2 M
    "M": Limit(_F(1), _F(2**22), integer=True, meaning="feature modes M of the linear model's task"),
    "safety": Limit(_F(0), _F(1), low_open=True, meaning="fraction of the stable step the default rate takes"),
    "record_per_decade": Limit(_F(2), _F(1000), integer=True, meaning="recorded steps per decade"),
    "modes": Limit(_F(1), _F(2**14), integer=True, meaning="highest frequency K of the circle target"),
    "points": Limit(_F(4), _F(2**20), integer=True, meaning="training angles of full-batch GD on the circle"),
    "test_points": Limit(_F(4), _F(2**20), integer=True, meaning="test angles (at least 4 modes)"),
    "kernel_points": Limit(_F(16), _F(2**14), integer=True, meaning="angles of the kernel measurements"),
    "kernel_per_decade": Limit(_F(1), _F(100), integer=True, meaning="kernel measurements per decade"),
    "alpha_range": Limit(_F(1), _F(2**13), integer=True, meaning="k range of the capacity fit"),
    "max_substeps": Limit(_F(1), _F(10) ** 6, integer=True, meaning="most stable sub-steps of one unit of time"),
    "check_every": Limit(_F(1), _F(10) ** 6, integer=True, meaning="units of time between kernel re-estimates"),
    # the CNN on vision tasks (theory §5)
    "kernel_size": Limit(_F(1), _F(15), integer=True, meaning="convolution kernel size of the CNN"),
    "test_samples": Limit(_F(1), _F(2**20), integer=True, meaning="held-out test samples of a vision task"),
    "pool_samples": Limit(_F(100), _F(2**22), integer=True,
                          meaning="MNIST-1D samples drawn once and cached, the online stream's pool"),
    # the reduced dynamics (theory §2, §3)
    "t_min": Limit(_F(0), _F(10) ** 30, low_open=True, meaning="first time of a run (over eta) or of a fit window"),
    "points_per_decade": Limit(_F(1), _F(1000), integer=True,
                               meaning="output points per decade of a solved curve (time or compute)"),
    "substeps": Limit(_F(1), _F(1000), integer=True, meaning="integration steps between two output points"),
    # one N x N eigendecomposition per width: cubic time (hours at 1e5); its memory is also
    # checked against the machine before anything is allocated
    "projection_width": Limit(_F(1), _F(10) ** 5, integer=True,
                              meaning="width N of the reduced model's random projection"),
    # block steps: the recursion's cost grows like log(steps), so it reaches far past the simulators
    "sgd_steps": Limit(_F(1), _F(10) ** 15, integer=True, meaning="steps of the exact lazy SGD recursion"),
    "size": Limit(_F(1), _F(10) ** 12, integer=True,
                  meaning="width N or data size P of a deterministic-equivalent curve"),
    "modes_factor": Limit(_F(1), _F(1024), integer=True,
                          meaning="feature modes per unit of width of a frontier (M = max(factor N, 1024))"),
    "cut": Limit(_F(1), _F(10) ** 30, low_open=True, meaning="a frontier fit's transient window ends at N^alpha/cut"),
    "dominance": Limit(_F(0), _F(99, 100), meaning="share of the loss the transient carries at a fitted point"),
}


def check(name: str, value: str | int | float | Fraction, label: str | None = None) -> Fraction | int:
    """``value`` validated against ``LIMITS[name]``: an exact Fraction, or an int for counts.

    The error names ``label`` (default ``name``: the quantity under another name, such as a
    grid of ``points``) and the allowed range (one line, :class:`UsageError`).
    """
    limit = LIMITS[name]
    name = label or name
    number = parse_number(value, name)
    if limit.integer and number.denominator != 1:
        raise UsageError(f"{name}: expected a whole number, got {_fmt(number)}", field=name)
    _check_range(number, name, limit.low, limit.high, limit.low_open, limit.describe(name))
    return int(number) if limit.integer else number


#: Precision names: float64, or mpmath with a number of digits inside ``LIMITS["digits"]``.
_PRECISION = re.compile(r"^mp:([0-9]{1,6})$", re.ASCII)


def check_precision(value: str) -> str:
    """``"float64"`` or ``"mp:DIGITS"`` (digits within ``LIMITS["digits"]``), normalised."""
    if not isinstance(value, str):
        raise UsageError(f"precision: expected float64 or mp:DIGITS, got {type(value).__name__}",
                         field="precision")
    text = value.strip().lower()
    if text in {"float64", "float", "double"}:
        return "float64"
    match = _PRECISION.match(text)
    digits = LIMITS["digits"]
    if not match:
        raise UsageError(f"precision: {shown(value, 40)} is not recognised: expected float64 or mp:DIGITS "
                         f"with {digits.low} <= DIGITS <= {digits.high}", field="precision")
    number = int(match.group(1))
    if not digits.low <= number <= digits.high:
        raise UsageError(f"precision: {shown(value, 40)} is out of range: expected mp:DIGITS with "
                         f"{digits.low} <= DIGITS <= {digits.high}", field="precision")
    return f"mp:{number}"


@dataclass(frozen=True)
class Task:
    """A power-law task (theory §1): capacity ``alpha`` and source ``beta``, exact rationals."""

    alpha: Fraction
    beta: Fraction

    @classmethod
    def parse(cls, alpha: str | int | float | Fraction, beta: str | int | float | Fraction) -> "Task":
        """Validate and build a task from text or numbers."""
        return cls(check("alpha", alpha), check("beta", beta))
