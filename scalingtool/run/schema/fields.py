"""Field types of the recipe and store schemas, each with its validator.

Numbers go through :mod:`scalingtool.params` (exact :class:`~fractions.Fraction`), so a recipe
accepts the ranges of the command line and of the Python API (theory §1). A failed check raises
a :class:`~scalingtool.errors.UsageError` that :mod:`.messages` turns into one line.

Each field type also states its type and range in the models' JSON schema
(``model_json_schema()``): a number as ``{"type": ["number", "string"], "format": "exact"}``
(a TOML number, or text such as ``"3/2"``), a quantity of the one table of limits with
``"x-limit": name``, other ranges as ``minimum`` / ``maximum`` (``exclusiveMinimum`` for an
open end). The reference of the documentation is generated from these schemas.
"""

from __future__ import annotations

from fractions import Fraction
import math
from typing import Annotated, Any, Callable, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PlainValidator, Tag, WithJsonSchema,
                      conlist)

from ...config.reduced import T_MAX_FLOAT64, end_time_rule
from ...errors import UsageError
from ...params import LIMITS, check, parse_int, parse_number, parse_positive

__all__ = [
    "checked", "whole", "positive", "limited", "unique", "numbers", "Grid", "SHAPE_TAGS",
    "Float64End", "Alpha", "Beta", "Exact", "Gamma0", "Tolerance",
    "Positive", "Values", "same_length", "EXACT_SCHEMA", "limit_schema",
]

#: the JSON schema of an exact number: a TOML number or text such as ``"3/2"`` or ``"1e3"``
EXACT_SCHEMA: dict[str, Any] = {"type": ["number", "string"], "format": "exact"}


def _json_number(value: Fraction | int) -> int | float:
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _range_schema(low: Fraction | int | None, high: Fraction | int | None, low_open: bool = False,
                  integer: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer"} if integer else dict(EXACT_SCHEMA)
    if low is not None:
        out["exclusiveMinimum" if low_open else "minimum"] = _json_number(low)
    if high is not None:
        out["maximum"] = _json_number(high)
    return out


def limit_schema(name: str) -> dict[str, Any]:
    """The JSON schema of ``LIMITS[name]``: its type, its range and ``"x-limit": name``."""
    limit = LIMITS[name]
    return {**_range_schema(limit.low, limit.high, limit.low_open, limit.integer), "x-limit": name}


def checked(parse: Callable[[Any, str], Any], name: str | None = None) -> PlainValidator:
    """A validator calling ``parse(value, name)`` (a :mod:`scalingtool.params` parser);
    ``name`` defaults to the key."""
    return PlainValidator(lambda value, info: parse(value, name or info.field_name or "value"))


def whole(low: int, high: int) -> Any:
    """A whole number in ``[low, high]`` (TOML integer or text such as ``"1e3"``)."""
    return Annotated[int, checked(lambda v, n: parse_int(v, n, low, high)),
                     WithJsonSchema(_range_schema(low, high, integer=True))]


def positive(high: Fraction | int | str) -> Any:
    """An exact number in ``(0, high]``."""
    top = Fraction(high)
    return Annotated[Fraction, checked(lambda v, n: parse_positive(v, n, top)),
                     WithJsonSchema(_range_schema(0, top, low_open=True))]


def limited(name: str, label: str | None = None) -> Any:
    """A quantity of the one table of limits (``LIMITS[name]``), named by its key in messages
    (or by ``label``: an item of a list): the range a recipe accepts is the range of the command
    line and of the Python API."""
    return Annotated[int if LIMITS[name].integer else Fraction,
                     checked(lambda v, key: check(name, v, label or key)), WithJsonSchema(limit_schema(name))]


def _float64_end(value: Any, key: str) -> Fraction:
    end = check("t_max", value, key)
    end_time_rule(end, "float64", key, hint=False)
    return end


#: the end time of a float64 run: ``LIMITS["t_max"]`` and the float64 rule of the reduced configs
Float64End = Annotated[Fraction, checked(_float64_end),
                       WithJsonSchema({**limit_schema("t_max"), "maximum": _json_number(T_MAX_FLOAT64)})]
Alpha = limited("alpha")  #: capacity, theory §1
Beta = limited("beta")  #: source exponent, theory §1
Exact = Annotated[Fraction, checked(parse_number), WithJsonSchema(EXACT_SCHEMA)]  #: any exact number
Gamma0 = limited("gamma0")  #: the one limit of params.LIMITS
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


def numbers(name: str, max_len: int) -> Any:
    """A list ``[a, b, ...]`` or a grid table ``{min, max, steps, spacing = "linear"|"log"}``
    of 1 to ``max_len`` distinct numbers, each a quantity of ``LIMITS[name]`` (named by the key)."""
    item = limited(name)

    def parse(value: Any, key: str) -> Fraction:
        return check(name, value, key)

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
