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

from .errors import UsageError

__all__ = [
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
_MAX_DIGITS = 30  # digits in a numerator or denominator

Training = Literal["lazy", "rich"]
Dynamics = Literal["sgd", "gd"]

# An optional sign, a decimal (with optional exponent) or a ratio of integers.
_NUMBER = re.compile(
    r"""^[+-]?(
        (\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?   # 1, 1.5, .5, 15e-1
        |\d+\s*/\s*\d+                         # 3/2
    )$""",
    re.VERBOSE,
)


def parse_number(text: str | int | float | Fraction, name: str) -> Fraction:
    """Parse ``text`` as an exact rational, or raise :class:`UsageError` naming ``name``.

    Floats are accepted from Python callers (converted exactly via ``Fraction(float)``
    after a finiteness check, then limited to a readable denominator); text must be a
    plain decimal or ``p/q``. NaN, inf, empty strings and anything else are rejected.
    """
    if isinstance(text, bool):
        raise UsageError(f"{name}: expected a number, got {text!r}")
    if isinstance(text, Fraction):
        return text
    if isinstance(text, numbers.Integral):
        return Fraction(int(text))
    if isinstance(text, numbers.Real):  # float, numpy floats
        value = float(text)
        if not math.isfinite(value):
            raise UsageError(f"{name}: expected a finite number, got {value!r}")
        return Fraction(repr(value))
    if not isinstance(text, str):
        raise UsageError(f"{name}: expected a number, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise UsageError(f"{name}: expected a number, got an empty string")
    if len(s) > _MAX_TEXT:
        raise UsageError(f"{name}: number too long ({len(s)} characters; at most {_MAX_TEXT})")
    if not _NUMBER.match(s):
        low = s.lower().lstrip("+-")
        if low in {"nan", "inf", "infinity"}:
            raise UsageError(f"{name}: expected a finite number, got {s!r}")
        raise UsageError(f"{name}: expected a number such as 1.5, 3/2 or 2, got {s!r}")
    try:
        value = Fraction(s.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{name}: {s!r} is not a valid number (zero denominator?)") from None
    if max(len(str(value.numerator)), len(str(value.denominator))) > _MAX_DIGITS:
        raise UsageError(f"{name}: {s!r} has too many digits (at most {_MAX_DIGITS})")
    return value


def _check_range(value: Fraction, name: str, low: Fraction | None, high: Fraction | None,
                 low_open: bool, what: str) -> Fraction:
    bad_low = low is not None and (value <= low if low_open else value < low)
    bad_high = high is not None and value > high
    if bad_low or bad_high:
        raise UsageError(f"{name} = {_fmt(value)} is out of range: expected {what}")
    return value


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value} (= {float(value):.6g})"


def parse_alpha(text: str | int | float | Fraction, name: str = "alpha") -> Fraction:
    """Capacity: ``1 < alpha <= 1000`` (theory §1: ``sum_k k^-alpha`` must converge)."""
    return _check_range(parse_number(text, name), name, Fraction(1), ALPHA_MAX, True,
                        f"1 < {name} <= {ALPHA_MAX}")


def parse_beta(text: str | int | float | Fraction, name: str = "beta") -> Fraction:
    """Source exponent: ``0 < beta <= 1000`` (theory §1)."""
    return _check_range(parse_number(text, name), name, Fraction(0), BETA_MAX, True,
                        f"0 < {name} <= {BETA_MAX}")


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
class Task:
    """A power-law task (theory §1): capacity ``alpha`` and source ``beta``, exact rationals."""

    alpha: Fraction
    beta: Fraction

    @classmethod
    def parse(cls, alpha: str | int | float | Fraction, beta: str | int | float | Fraction) -> "Task":
        """Validate and build a task from text or numbers."""
        return cls(parse_alpha(alpha), parse_beta(beta))
