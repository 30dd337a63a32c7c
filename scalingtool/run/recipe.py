"""Recipe files: TOML data describing one experiment.

A recipe names what it computes, with which layer, on which grid, and what it expects::

    name = "phase"                         # also the stem of the output files
    title = "Compute-optimal exponent over (alpha, beta)"
    layer = "theory"                       # theory | reduced | simulation
    kind = "phase"                         # the computation (see `scalingtool run --help`)
    description = "..."

    [params]                               # the kind's parameters (validated by the kind)
    alpha = { min = "3/2", max = "4", steps = 11 }
    [quick]                                # overrides of [params] under --quick
    alpha = { min = "3/2", max = "4", steps = 3 }
    [expect]                               # the expected outcome, checked in the summary
    tolerance = 0.02

No code, no expressions that run: values are numbers, strings and tables, parsed by the
kind with :mod:`scalingtool.params`. Every problem is one line naming the file and key.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..files import read_user_text
from ..params import parse_int, parse_number

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Recipe", "load_recipe", "parse_recipe", "Params"]

LAYERS = ("theory", "reduced", "simulation")
_KEYS = {"name", "title", "layer", "kind", "description", "params", "quick", "expect"}


@dataclass(frozen=True)
class Recipe:
    """A parsed recipe; ``params`` already has ``quick`` applied when asked."""

    source: str
    name: str
    title: str
    layer: str
    kind: str
    description: str
    params: dict[str, Any]
    quick: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)

    def effective(self, quick: bool) -> dict[str, Any]:
        """``params`` with the ``[quick]`` overrides applied when ``quick``."""
        return {**self.params, **self.quick} if quick else dict(self.params)


class Params:
    """Typed access to a ``[params]`` table, with errors naming the recipe file and key."""

    def __init__(self, values: dict[str, Any], source: str, section: str = "params"):
        self.values, self.source, self.section = values, source, section

    def error(self, key: str, what: str) -> UsageError:
        return UsageError(f"{self.source}: [{self.section}] key {key!r}: {what}")

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.values:
            if default is ...:
                raise self.error(key, "missing")
            return default
        return self.values[key]

    def number(self, key: str, default: Any = ..., parse=parse_number) -> Fraction:
        """A number, parsed by ``parse(value, name)`` (e.g. :func:`~scalingtool.params.parse_alpha`)."""
        value = self.raw(key, default)
        try:
            return parse(value, key)
        except UsageError as exc:
            raise self.error(key, str(exc)) from None

    def integer(self, key: str, default: Any = ..., low: int = 1, high: int = 10**12) -> int:
        value = self.raw(key, default)
        try:
            return parse_int(value, key, low, high)
        except UsageError as exc:
            raise self.error(key, str(exc)) from None

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.raw(key, default)
        if value not in options:
            raise self.error(key, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def numbers(self, key: str, default: Any = ..., parse=parse_number, max_len: int = 200) -> list[Fraction]:
        """A list ``[a, b, ...]`` or a grid ``{min, max, steps, spacing = "linear"|"log"}``."""
        value = self.raw(key, default)
        one = parse
        try:
            if isinstance(value, list):
                if not value or len(value) > max_len:
                    raise UsageError(f"expected 1 to {max_len} values")
                return [one(v, key) for v in value]
            if isinstance(value, dict):
                unknown = set(value) - {"min", "max", "steps", "spacing"}
                if unknown:
                    raise UsageError(f"unknown grid key {sorted(unknown)[0]!r} (min, max, steps, spacing)")
                low, high = one(value.get("min"), f"{key}.min"), one(value.get("max"), f"{key}.max")
                steps = parse_int(value.get("steps", 5), f"{key}.steps", 1, max_len)
                if low > high:
                    raise UsageError("min must not exceed max")
                if steps == 1:
                    return [low]
                if value.get("spacing", "linear") == "log":
                    import math
                    lo, hi = math.log(low), math.log(high)
                    return [Fraction(math.exp(lo + (hi - lo) * i / (steps - 1))).limit_denominator(10**6)
                            for i in range(steps)]
                return [low + (high - low) * i / (steps - 1) for i in range(steps)]
            raise UsageError("expected a list of numbers or a table {min, max, steps}")
        except UsageError as exc:
            raise self.error(key, str(exc)) from None


def _text(doc: dict, key: str, source: str, default: Any = ...) -> str:
    value = doc.get(key, default)
    if value is ...:
        raise UsageError(f"{source}: missing key {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{source}: key {key!r}: expected a non-empty string")
    return value


def parse_recipe(text: str, source: str = "<recipe>") -> Recipe:
    """A :class:`Recipe` from TOML text (structure only; the kind checks ``[params]``)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{source}: not valid TOML: {exc}") from None
    unknown = set(doc) - _KEYS
    if unknown:
        raise UsageError(f"{source}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_KEYS))})")
    name = _text(doc, "name", source)
    if not name.replace("-", "").replace("_", "").isalnum():
        raise UsageError(f"{source}: key 'name': use letters, digits, '-' and '_' only")
    layer = _text(doc, "layer", source)
    if layer not in LAYERS:
        raise UsageError(f"{source}: key 'layer': expected one of {', '.join(LAYERS)}, got {layer!r}")
    tables = {}
    for key in ("params", "quick", "expect"):
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise UsageError(f"{source}: key {key!r}: expected a table [{key}]")
        tables[key] = value
    return Recipe(source, name, _text(doc, "title", source), layer, _text(doc, "kind", source),
                  _text(doc, "description", source, ""), tables["params"], tables["quick"],
                  tables["expect"])


def load_recipe(path: str | Path) -> Recipe:
    """Read and parse a recipe file (one-line :class:`UsageError` on any problem)."""
    text = read_user_text(path, "recipe file")
    return parse_recipe(text, str(path))
