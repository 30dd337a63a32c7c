"""Field types of the recipe and store schemas, each with its validator.

Numbers go through :mod:`scalingtool.params` (exact :class:`~fractions.Fraction`), so a recipe
accepts the ranges of the command line and of the Python API (theory §1). A failed check raises
a :class:`~scalingtool.errors.UsageError` that :mod:`.messages` turns into one line.
"""

from __future__ import annotations

from fractions import Fraction
import math
from typing import Annotated, Any, Callable, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PlainValidator, Tag, conlist

from ...config.reduced import end_time_rule
from ...errors import UsageError
from ...params import LIMITS, check, parse_alpha, parse_beta, parse_int, parse_number, parse_positive

__all__ = [
    "checked", "whole", "positive", "limited", "unique", "numbers", "Grid", "SHAPE_TAGS",
    "Float64End", "Alpha", "Beta", "Exact", "Gamma0", "Tolerance",
    "Positive", "Values", "same_length",
]


def checked(parse: Callable[[Any, str], Any], name: str | None = None) -> PlainValidator:
    """A validator calling ``parse(value, name)`` (a :mod:`scalingtool.params` parser);
    ``name`` defaults to the key."""
    return PlainValidator(lambda value, info: parse(value, name or info.field_name or "value"))


def whole(low: int, high: int) -> Any:
    """A whole number in ``[low, high]`` (TOML integer or text such as ``"1e3"``)."""
    return Annotated[int, checked(lambda v, n: parse_int(v, n, low, high))]


def positive(high: Fraction | int | str) -> Any:
    """An exact number in ``(0, high]``."""
    top = Fraction(high)
    return Annotated[Fraction, checked(lambda v, n: parse_positive(v, n, top))]


def limited(name: str) -> Any:
    """A quantity of the one table of limits (``LIMITS[name]``), named by its key in messages:
    the range a recipe accepts is the range of the command line and of the Python API."""
    return Annotated[int if LIMITS[name].integer else Fraction, checked(lambda v, key: check(name, v, key))]


def _float64_end(value: Any, key: str) -> Fraction:
    end = check("t_max", value, key)
    end_time_rule(end, "float64", key, hint=False)
    return end


#: the end time of a float64 run: ``LIMITS["t_max"]`` and the float64 rule of the reduced configs
Float64End = Annotated[Fraction, checked(_float64_end)]
Alpha = Annotated[Fraction, checked(parse_alpha)]  #: capacity, theory §1
Beta = Annotated[Fraction, checked(parse_beta)]  #: source exponent, theory §1
Exact = Annotated[Fraction, checked(parse_number)]  #: any exact number
Gamma0 = Annotated[Fraction, checked(lambda v, n: check("gamma0", v))]  #: the one limit of params.LIMITS
Tolerance = positive(1)  #: an absolute tolerance on an exponent, in (0, 1]


def _unique(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise UsageError("each value may appear only once")
    return values


def unique(item: Any, max_len: int, min_len: int = 1) -> Any:
    """A list of ``min_len`` to ``max_len`` distinct ``item`` values."""
    return Annotated[conlist(item, min_length=min_len, max_length=max_len), AfterValidator(_unique)]


class Grid(BaseModel):
    """``{min, max, steps, spacing}``: ``steps`` values from ``min`` to ``max``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min: Exact
    max: Exact
    steps: whole(1, 1000) = 5  # type: ignore[valid-type]
    spacing: Literal["linear", "log"] = "linear"

    def values(self) -> list[Fraction]:
        if self.min > self.max:
            raise UsageError("min must not exceed max")
        n = self.steps
        if n == 1:
            return [self.min]
        if self.spacing == "linear":
            return [self.min + (self.max - self.min) * i / (n - 1) for i in range(n)]
        if self.min <= 0:
            raise UsageError('spacing = "log" needs min > 0')
        lo, hi = math.log(self.min), math.log(self.max)
        return [Fraction(math.exp(lo + (hi - lo) * i / (n - 1))).limit_denominator(10**6) for i in range(n)]


def _grid_shape(value: Any) -> str | None:
    return "<list>" if isinstance(value, list) else "<grid>" if isinstance(value, dict) else None


SHAPE_TAGS = {"<list>", "<grid>"}  # union tags pydantic puts in an error's location


def numbers(parse: Callable[[Any, str], Fraction], max_len: int) -> Any:
    """A list ``[a, b, ...]`` or a grid table ``{min, max, steps, spacing = "linear"|"log"}``
    of 1 to ``max_len`` distinct numbers, each checked by ``parse(value, key)``."""
    item = Annotated[Fraction, checked(parse)]

    def expand(value: Any, info: Any) -> list[Fraction]:
        values = value.values() if isinstance(value, Grid) else list(value)
        if len(values) > max_len:
            raise UsageError(f"expected at most {max_len} values, got {len(values)}")
        _unique(values)
        return [parse(v, info.field_name) for v in values]

    shapes = Annotated[Annotated[conlist(item, min_length=1, max_length=max_len), Tag("<list>")]
                       | Annotated[Grid, Tag("<grid>")],
                       Discriminator(_grid_shape, custom_error_type="grid_shape",
                                     custom_error_message="expected a list of numbers or a table "
                                                          "{min, max, steps, spacing}")]
    return Annotated[shapes, AfterValidator(expand)]


# ---------------------------------------------------------------- stored data

Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Values = conlist(float, min_length=1)  # floats; non-finite ones stored as "nan", "inf"


def same_length(model: BaseModel, *names: str) -> None:
    """Refuse ``model`` unless its lists ``names`` all have the same length."""
    lengths = {len(getattr(model, n)) for n in names}
    if len(lengths) > 1:
        raise UsageError(f"{', '.join(names)} must have the same length")
