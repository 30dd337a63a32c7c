"""Recipe files: TOML data describing one experiment.

A recipe names what it computes, with which layer, on which grid, and what it expects::

    name = "phase"                         # also the stem of the output files
    title = "Compute-optimal exponent over (alpha, beta)"
    layer = "theory"                       # theory | reduced | simulation
    kind = "phase"                         # the computation (see `scalingtool run --help`)
    description = "..."

    [params]                               # the kind's parameters (its schema, in its module)
    alpha = { min = "3/2", max = "4", steps = 11 }
    [quick]                                # overrides of [params] under --quick (same keys)
    alpha = { min = "3/2", max = "4", steps = 3 }

No code, no expressions that run: values are numbers, strings and tables, validated against
declared schemas (:mod:`.schema`) with numbers parsed by :mod:`scalingtool.params`. Every
problem is one line naming the file and key. ``[expect]`` is reserved and must be empty: a
kind's expected outcome is its checks, with tolerances in ``[params]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..echo import short_path
from ..errors import UsageError
from ..files import read_user_text
from ..readers import parse_toml
from .schema.messages import validate
from .schema.models import RECIPE_MAX_BYTES, RecipeFile

__all__ = ["Recipe", "load_recipe", "parse_recipe"]


@dataclass(frozen=True)
class Recipe:
    """A parsed recipe (top level validated; ``[params]`` is checked by the kind's schema)."""

    source: str
    name: str
    title: str
    layer: str
    kind: str
    description: str
    params: dict[str, Any]
    quick: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)


def parse_recipe(text: str, source: str = "<recipe>") -> Recipe:
    """A :class:`Recipe` from TOML text (structure only; the kind checks ``[params]``)."""
    source = short_path(source)
    if len(text) > RECIPE_MAX_BYTES:
        raise UsageError(f"{source}: recipe too large ({len(text)} characters; at most {RECIPE_MAX_BYTES})")
    doc = parse_toml(text, source)
    top = validate(RecipeFile, doc, source)
    return Recipe(source, top.name, top.title, top.layer, top.kind, top.description,
                  top.params, top.quick, top.expect)


def load_recipe(path: str | Path) -> Recipe:
    """Read and parse a recipe file (one-line :class:`UsageError` on any problem)."""
    return parse_recipe(read_user_text(path, "recipe file", limit=RECIPE_MAX_BYTES), str(path))
