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

A recipe may instead state only how it differs from another: ``extends = "BASE"`` names the
recipe ``BASE.toml`` in the same folder, else the built-in recipe ``BASE``. The base's table
(itself resolved the same way: a chain of at most :data:`MAX_EXTENDS` recipes, no cycle) is
merged with the variant's: tables (``[params]``, ``[quick]``, inline tables) merge key by key,
recursively; a scalar or an array (``[[...]]`` arrays of tables included) replaces the base's
value whole. ``name``, ``title`` and ``description`` are never inherited: they are the
variant's own. The merged table is validated once, as if it had been written out in full.

No code, no expressions that run: values are numbers, strings and tables, validated against
declared schemas (:mod:`.schema`) with numbers parsed by :mod:`scalingtool.params`. Every
problem is one line naming the file and key. ``[expect]`` is reserved and must be empty: a
kind's expected outcome is its checks, with tolerances in ``[params]``; a measured number a
check compares against comes from the recipe's reference run (:mod:`.reference`), never from
the recipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..echo import shown, short_path
from ..errors import UsageError
from ..files import read_user_text
from ..readers import parse_toml
from . import builtin
from .schema.messages import validate
from .schema.models import RECIPE_MAX_BYTES, RecipeFile

if TYPE_CHECKING:  # annotations only (importlib.resources.abc is Python 3.11+)
    from importlib.resources.abc import Traversable

__all__ = ["Recipe", "BuiltinRecipe", "load_recipe", "parse_recipe", "merge", "listing", "MAX_EXTENDS"]

#: the longest chain of ``extends`` (the variant and its bases) a recipe may form
MAX_EXTENDS = 8
#: the keys a variant never inherits from its base
OWN_KEYS = ("name", "title", "description")


@dataclass(frozen=True)
class Recipe:
    """A parsed recipe (top level validated; ``[params]`` is checked by the kind's schema).
    ``folder`` is where it sits (its base recipes and ``references/`` are looked for there)."""

    source: str
    name: str
    title: str
    layer: str
    kind: str
    description: str
    params: dict[str, Any]
    quick: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)
    extends: str | None = None
    folder: Any = None


@dataclass(frozen=True)
class BuiltinRecipe:
    """One line of ``scalingtool recipes``: the name to run, its layer and its title."""

    name: str
    layer: str
    title: str


def merge(base: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``variant``: tables merge key by key (recursively), any other value
    (a scalar, an array, an array of tables) replaces the base's whole."""
    out = dict(base)
    for key, value in variant.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _base_text(name: Any, folder: Traversable | Path | None, source: str) -> tuple[str, str, Any]:
    """``(text, source, folder)`` of the base ``name`` of the recipe ``source``."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.endswith(builtin.SUFFIX) \
            or Path(name).name != name:
        raise UsageError(f"{source}: key 'extends': expected the name of a recipe (no path, no "
                         f"{builtin.SUFFIX!r}), got {shown(name)}")
    local = None if folder is None else folder.joinpath(name + builtin.SUFFIX)
    if local is not None and local.is_file() and folder != builtin.folder():
        path = str(local)
        return read_user_text(path, "recipe file", limit=RECIPE_MAX_BYTES), path, folder
    if name in builtin.names():
        return builtin.read(name), builtin.source_of(name), builtin.folder()
    raise UsageError(f"{source}: key 'extends': no recipe {shown(name)} (neither {name}{builtin.SUFFIX} "
                     f"beside it nor a built-in recipe)")


def _label(source: str) -> str:
    """How a chain of bases names a recipe: a built-in's name, a file's name."""
    return source if source.startswith("built-in recipe") else Path(source).name


def _resolved(text: str, source: str, folder: Traversable | Path | None) -> dict[str, Any]:
    """The recipe's table with its chain of bases merged in (not yet validated)."""
    chain: list[str] = []
    doc: dict[str, Any] = {}
    layers = []
    while True:
        if len(text) > RECIPE_MAX_BYTES:
            raise UsageError(f"{short_path(source)}: recipe too large ({len(text)} characters; "
                             f"at most {RECIPE_MAX_BYTES})")
        layer = parse_toml(text, short_path(source))
        layers.append(layer)
        chain.append(source)
        if "extends" not in layer:
            break
        if len(chain) >= MAX_EXTENDS:
            raise UsageError(f"{short_path(chain[0])}: key 'extends': a chain of more than "
                             f"{MAX_EXTENDS - 1} bases ({' -> '.join(map(_label, chain))} -> ...)")
        text, source, folder = _base_text(layer["extends"], folder, short_path(source))
        if source in chain:
            raise UsageError(f"{short_path(chain[0])}: key 'extends': a cycle "
                             f"({' -> '.join(map(_label, [*chain, source]))})")
    for layer in reversed(layers):
        own = {k: layer[k] for k in OWN_KEYS if k in layer}
        doc = {**{k: v for k, v in merge(doc, layer).items() if k not in OWN_KEYS}, **own}
    return doc


def parse_recipe(text: str, source: str = "<recipe>", folder: Traversable | Path | None = None) -> Recipe:
    """A :class:`Recipe` from TOML text (structure only; the kind checks ``[params]``), its
    ``extends`` chain merged in. ``folder``: where the recipe sits (default: the folder of
    ``source``, the built-in folder for a built-in recipe)."""
    folder = builtin.folder_of(source) if folder is None else folder
    doc = _resolved(text, source, folder)
    source = short_path(source)
    top = validate(RecipeFile, doc, source)
    return Recipe(source, top.name, top.title, top.layer, top.kind, top.description,
                  top.params, top.quick, top.expect, top.extends, folder)


def load_recipe(path: str | Path) -> Recipe:
    """Read and parse a recipe file (one-line :class:`UsageError` on any problem)."""
    return parse_recipe(read_user_text(path, "recipe file", limit=RECIPE_MAX_BYTES), str(path))


def listing() -> list[BuiltinRecipe]:
    """Every built-in recipe with its layer and title, as parsed from its file."""
    result = []
    for name in builtin.names():
        recipe = parse_recipe(builtin.read(name), builtin.source_of(name), builtin.folder())
        result.append(BuiltinRecipe(name, recipe.layer, recipe.title))
    return result
