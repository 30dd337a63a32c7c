"""Declared schemas of every file a recipe run reads: the recipe, its kind's parameters, the store.

One place of truth, validated with pydantic 2. Numbers keep going through
:mod:`scalingtool.params` (exact :class:`~fractions.Fraction`; a TOML number or a string such
as ``"3/2"``), so the ranges of theory §1 are stated once. A failed validation becomes one
:class:`~scalingtool.errors.UsageError` line naming the file, the section and key, and the
expected type; echoed values are cut to :data:`~scalingtool.echo.ECHO` characters.

A kind declares its parameters as a :class:`KindParams` model and its stored part data as a
:class:`StoredData` model, and hands both to its :class:`~scalingtool.run.kinds.Kind` (that
is the registration: a new kind keeps its models in its own module).
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from typing import Annotated, Any, Callable, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, PlainValidator,
                      StrictBool, StringConstraints, Tag, ValidationError, conlist, model_validator)

from ..echo import short_path, shown
from ..errors import UsageError
from ..files import read_user_text
from ..params import LIMITS, check, parse_alpha, parse_beta, parse_int, parse_number, parse_positive
from ..jsonable import to_json

__all__ = [
    "RECIPE_MAX_BYTES", "STORE_MAX_BYTES", "limited", "Alpha", "Beta", "KindParams", "StoredData",
    "RecipeFile", "RunFile", "PartFile", "checked", "numbers", "unique", "whole",
    "validate", "validate_params", "read_json",
]

RECIPE_MAX_BYTES = 1 << 20  #: a recipe is a few kB; refuse anything over 1 MiB
STORE_MAX_BYTES = 256 << 20  #: a stored part holds curves of at most ~1e5 points

M = TypeVar("M", bound=BaseModel)


# ---------------------------------------------------------------- counts in messages

def _items(n: Any) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


# ---------------------------------------------------------------- field types

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
    from ..config.reduced import end_time_rule

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


_SHAPE_TAGS = {"<list>", "<grid>"}  # union tags pydantic puts in an error's location


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


# ---------------------------------------------------------------- models

class Strict(BaseModel):
    """Unknown keys refused; defaults validated like given values."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class KindParams(Strict):
    """The ``[params]`` of a kind; ``[quick]`` overrides them with the same keys."""

    def config(self) -> dict[str, Any]:
        """The validated values as JSON data (stored as ``config`` in ``run.json``)."""
        return to_json({name: _plain(getattr(self, name)) for name in type(self).model_fields})


class StoredData(BaseModel):
    """The ``data`` of a stored part (extra keys kept: they are ours, from newer versions)."""

    model_config = ConfigDict(extra="ignore")

    def plain(self) -> dict[str, Any]:
        """The validated values as plain dicts and lists (what ``finish`` and ``draw`` read)."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
KindName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Layer = Literal["theory", "reduced", "simulation"]
Table = dict[str, Any]


class RecipeFile(Strict):
    """The top level of a recipe file."""

    name: Name
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    layer: Layer
    kind: KindName
    description: Annotated[str, StringConstraints(max_length=8000)] = ""
    params: Table = Field(default_factory=dict)
    quick: Table = Field(default_factory=dict)
    expect: Annotated[Table, Field(max_length=0)] = Field(default_factory=dict)


PartId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.=+-]*$", max_length=200)]


class RunFile(BaseModel):
    """``run.json``: what was run, with which validated parameters, in which parts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: Literal["scalingtool/run/v1"] = Field(alias="schema")
    recipe: Name
    title: str
    kind: KindName
    layer: Layer
    quick: StrictBool
    source: str
    config: Table
    parts: conlist(PartId, min_length=1, max_length=100_000)  # type: ignore[valid-type]


class PartFile(BaseModel):
    """``parts/<id>.json``: the parameters a part was computed with, and its data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    params: Table
    data: Table


# ---------------------------------------------------------------- messages

_EXPECTED = {
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_pattern_mismatch": "use letters, digits, '-' and '_' only, starting with a letter or digit",
}


def _what(error: dict[str, Any], model: type[BaseModel] | None) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return "missing"
    if kind == "literal_error":
        options = ctx.get("expected", "?").replace("' or '", ", ").replace("'", "")
        return f"expected one of {options}, got {shown(error['input'])}"
    if kind == "string_too_long":
        return f"at most {ctx['max_length']} characters, got {len(error['input'])}"
    if kind == "string_too_short":
        return "expected a non-empty string"
    if kind == "too_short":
        return f"expected at least {_items(ctx.get('min_length'))}, got {ctx.get('actual_length', '?')}"
    if kind == "too_long":
        if ctx.get("max_length") == 0:
            return "expected an empty table"
        return f"expected at most {_items(ctx.get('max_length'))}, got {ctx.get('actual_length', '?')}"
    if kind == "grid_shape":
        return f"{error['msg']}, got {shown(error['input'])}"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {shown(error['input'])}"
    return f"{error['msg']} (got {shown(error['input'])})"


def _message(exc: ValidationError, model: type[BaseModel], source: str, section: str | None,
             sections: dict[str, str] | None = None) -> str:
    """One line for the first error of ``exc``: file, ``[section]`` and key, what was expected."""
    errors = exc.errors(include_url=False)
    # an unknown key first: a misspelt key also makes the intended one "missing"
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = list(error["loc"][:1]) + [p for p in error["loc"][1:] if p not in _SHAPE_TAGS]
    if loc and sections:  # [quick] overrides: name the section the bad key came from
        section = sections.get(str(loc[0]), section)
    where = f"{source}: " + (f"[{section}] " if section else "")
    if error["type"] == "extra_forbidden" and len(loc) == 1:
        allowed = ", ".join(f.alias or name for name, f in model.model_fields.items())
        return f"{where}unknown key {shown(str(loc[0]))} (allowed: {allowed})"
    if not loc:
        return f"{where.rstrip()} {_what(error, model)}"
    key = f"key {shown(str(loc[0]))}"
    inner = loc[1:-1] if error["type"] == "extra_forbidden" else loc[1:]
    if inner:
        key += " at " + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner).lstrip(".")
    if error["type"] == "extra_forbidden":
        return f"{where}{key}: unknown key {shown(str(loc[-1]))}"
    what = _what(error, model)
    return f"{where}{key}: {what.removeprefix(f'{loc[0]}: ')}"


def validate(model: type[M], value: Any, source: str, section: str | None = None) -> M:
    """``model`` validated from ``value``, or a one-line :class:`UsageError`."""
    if not isinstance(value, dict):
        where = f"[{section}]" if section else "the file"
        raise UsageError(f"{source}: {where} must be a table (object), got {shown(value)}")
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise UsageError(_message(exc, model, source, section)) from None


def validate_params(model: type[M], params: dict[str, Any], quick: dict[str, Any], source: str,
                    use_quick: bool) -> M:
    """A kind's parameters: ``[params]`` alone and with ``[quick]`` applied must both be valid;
    the one asked for (``use_quick``) is returned."""
    plain = validate(model, params, source, "params")
    unknown = [k for k in quick if k not in model.model_fields]
    if unknown:
        raise UsageError(f"{source}: [quick] unknown key {shown(unknown[0])} "
                         f"(it overrides [params]; allowed: {', '.join(model.model_fields)})")
    if not quick:
        return plain
    try:
        fast = model.model_validate({**params, **quick})
    except ValidationError as exc:
        raise UsageError(_message(exc, model, source, "params", {k: "quick" for k in quick})) from None
    return fast if use_quick else plain


# ---------------------------------------------------------------- capped reads

def read_json(path: str | os.PathLike[str], what: str, cap: int = STORE_MAX_BYTES) -> Any:
    """A JSON document from a capped read; invalid JSON is a one-line :class:`UsageError`."""
    text = read_user_text(path, what, limit=cap)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{short_path(path)}: not valid JSON ({shown(str(exc), 80)[1:-1]})") from None
    except RecursionError:
        raise UsageError(f"{short_path(path)}: not valid JSON (nested too deeply)") from None



# ---------------------------------------------------------------- the kinds' parameters and data
# One model per kind (its [params]) and one per shape of stored part data. A kind hands both to
# its Kind(...); a kind defined elsewhere declares its models the same way in its own module.

Dynamics = Literal["sgd", "gd"]
Training = Literal["lazy", "rich"]
Count = whole(1, 10**6)
Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Values = conlist(float, min_length=1)  # floats; non-finite ones stored as "nan", "inf"


def _same_length(model: BaseModel, *names: str) -> None:
    lengths = {len(getattr(model, n)) for n in names}
    if len(lengths) > 1:
        raise UsageError(f"{', '.join(names)} must have the same length")


class PhaseParams(KindParams):
    """``phase`` (theory §3): an (alpha, beta) grid of compute-optimal exponents."""

    alpha: numbers(parse_alpha, 60)  # type: ignore[valid-type]
    beta: numbers(parse_beta, 60)  # type: ignore[valid-type]
    dynamics: Dynamics = "sgd"


#: an exponent as stored: exact and positive (the figures and the table divide by them)
Exponent = positive(1000)


class PhaseRow(StoredData):
    beta: Beta
    regime: Annotated[str, StringConstraints(max_length=40)]
    lazy: Exponent  # type: ignore[valid-type]
    rich: Exponent  # type: ignore[valid-type]
    lazy_time: Exponent  # type: ignore[valid-type]
    rich_time: Exponent  # type: ignore[valid-type]


class PhaseData(StoredData):
    alpha: Alpha
    rows: conlist(PhaseRow, min_length=1, max_length=60)  # type: ignore[valid-type]


def _variants(*labels: str) -> Any:
    return unique(Literal[labels], len(labels))  # type: ignore[valid-type]


Tasks = conlist(tuple[Annotated[Fraction, checked(parse_alpha, "alpha")],
                      Annotated[Fraction, checked(parse_beta, "beta")]], min_length=1, max_length=12)


class CurveParams(KindParams):
    """Shared by the curve kinds (theory §2-§4): tasks ``[[alpha, beta], ...]``, the measured
    window in decades and the tolerance on the measured exponent."""

    tasks: Tasks  # type: ignore[valid-type]
    decades: limited("decades") = "2"  # type: ignore[valid-type]
    tolerance: Tolerance = "5e-3"  # type: ignore[valid-type]


class TimeCurvesParams(CurveParams):
    """``time-curves``: infinite-width gradient flow up to ``end`` (float64: ``t <= 1e12``)."""

    variants: _variants("lazy", "rich") = ["lazy", "rich"]  # type: ignore[valid-type]
    gamma0: limited("gamma0") = "1"  # type: ignore[valid-type]
    end: Float64End = "1e10"  # type: ignore[valid-type]


class SizeCurveParams(CurveParams):
    """A curve over sizes ``start..end`` (``per_decade`` points a decade, at most 1e8)."""

    variants: _variants("lazy") = ["lazy"]  # type: ignore[valid-type]
    start: positive(10**8) = "1e3"  # type: ignore[valid-type]
    end: positive(10**8) = "1e6"  # type: ignore[valid-type]
    per_decade: whole(1, 50) = 4  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        if not 1 <= self.start < self.end:
            raise UsageError(f"expected 1 <= start < end, got start = {self.start}, end = {self.end}")
        return self


class WidthCurveParams(SizeCurveParams):
    """``width-curve``: lazy ``t -> inf`` loss versus width."""


class DataCurveParams(SizeCurveParams):
    """``data-curve``: lazy ridgeless loss versus data size."""


class SgdNoiseParams(CurveParams):
    """``sgd-noise``: online SGD (step ``lr``, ``batch``) against flow, to ``t = end``,
    that is ``end / lr`` steps (within ``LIMITS["sgd_steps"]``)."""

    variants: _variants("sgd", "flow") = ["sgd", "flow"]  # type: ignore[valid-type]
    lr: limited("lr") = "3/10"  # type: ignore[valid-type]
    batch: limited("batch") = 1  # type: ignore[valid-type]
    end: Float64End = "1e7"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        steps, limit = self.end / self.lr, LIMITS["sgd_steps"]
        if not limit.low <= steps <= limit.high:
            raise UsageError(f"end / lr = {float(steps):.3g} steps is out of range: expected "
                             f"{limit.describe('steps')}")
        return self


class CurveData(StoredData):
    x: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    measured: float | None
    estimate: float
    drift: float
    window: tuple[Positive, Positive]
    reason: Text
    predicted: Exact

    @model_validator(mode="after")
    def _check(self) -> Any:
        _same_length(self, "x", "loss")
        return self


class FrontierParams(KindParams):
    """``frontier`` (theory §2-§3): finite-width flow over 3 to 12 distinct widths (``LIMITS["projection_width"]``)."""

    alpha: Alpha
    beta: Beta
    widths: unique(limited("projection_width"), 12, 3)  # type: ignore[valid-type]
    trainings: unique(Training, 2) = ["lazy", "rich"]  # type: ignore[valid-type]
    tolerance: Tolerance = "0.03"  # type: ignore[valid-type]
    allocation_tolerance: Tolerance = "0.06"  # type: ignore[valid-type]


class FrontierData(StoredData):
    """One width's loss curve of a frontier (``t`` increasing, ``loss`` positive)."""

    training: Training
    width: limited("projection_width")  # type: ignore[valid-type]
    t: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        _same_length(self, "t", "loss")
        if not all(0 < a < b for a, b in zip(self.t, self.t[1:])) or not self.t[0] > 0:
            raise ValueError("t must be positive and increasing")
        if not all(v > 0 for v in self.loss):
            raise ValueError("loss must be positive")
        return self


class MlpParams(KindParams):
    """``mlp-circle`` (theory §5): the ReLU network, one part per ``gamma0`` (at most 6)."""

    beta: Beta
    gamma0: numbers(lambda v, n: check("gamma0", v, n), 6)  # type: ignore[valid-type]
    width: limited("width") = 256  # type: ignore[valid-type]
    steps: limited("steps") = 2000  # type: ignore[valid-type]
    seeds: limited("seeds") = 2  # type: ignore[valid-type]
    modes: limited("modes") = 128  # type: ignore[valid-type]
    grid: Annotated[int, checked(lambda v, key: check("points", v, key))] = 512  # type: ignore[valid-type]
    tolerance: Tolerance = "0.1"  # type: ignore[valid-type]
    #: the rich - lazy exponent difference this network was measured to have (None: check the
    #: theory's margin instead) and the tolerance on it (about twice its standard error over seeds)
    rich_minus_lazy: Exact | None = None
    rich_minus_lazy_tolerance: Tolerance = "0.1"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.grid < 4 * self.modes:
            raise UsageError(f"grid = {self.grid} must be at least 4 x modes = {4 * self.modes}")
        return self


class MlpData(StoredData):
    steps: Values  # type: ignore[valid-type]
    loss: Values  # type: ignore[valid-type]
    mean: float
    spread: float
    alpha: Exact
    beta: Exact
    training: Training
    predicted: Exact
    #: alpha, beta and the theory lines estimated from the initial kernel (theory §6; None: not measured)
    bridge: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> Any:
        _same_length(self, "steps", "loss")
        return self
