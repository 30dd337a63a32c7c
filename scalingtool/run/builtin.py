"""The built-in recipes: TOML files shipped inside the package, found by name.

``scalingtool run phase`` runs the built-in recipe ``phase``; ``scalingtool run my.toml`` runs
a file. A name is a bare word without a path separator or a ``.toml`` suffix; anything else
is read as a path. The files live in :mod:`scalingtool.recipes` and are read through
:mod:`importlib.resources`, so they work from a wheel, a zip or a source checkout alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..echo import shown
from ..errors import UsageError
from ..files import read_user_text
from .recipe import parse_recipe
from .schema.models import RECIPE_MAX_BYTES

__all__ = ["BuiltinRecipe", "names", "listing", "read", "resolve", "source_of"]

_PACKAGE = "scalingtool.recipes"
_SUFFIX = ".toml"


@dataclass(frozen=True)
class BuiltinRecipe:
    """One line of ``scalingtool recipes``: the name to run, its layer and its title."""

    name: str
    layer: str
    title: str


def _folder():
    return resources.files(_PACKAGE)


def names() -> list[str]:
    """The names of the built-in recipes, sorted."""
    return sorted(entry.name[: -len(_SUFFIX)] for entry in _folder().iterdir()
                  if entry.name.endswith(_SUFFIX) and entry.is_file())


def source_of(name: str) -> str:
    """How errors name a built-in recipe (in place of a file path)."""
    return f"built-in recipe {name}"


def read(name: str) -> str:
    """The TOML text of the built-in recipe ``name`` (one-line :class:`UsageError` if unknown)."""
    if name not in names():
        raise UsageError(f"unknown recipe {shown(name)}: built-in recipes are {', '.join(names())}")
    return _folder().joinpath(name + _SUFFIX).read_text("utf-8")


def listing() -> list[BuiltinRecipe]:
    """Every built-in recipe with its layer and title, as parsed from its file."""
    result = []
    for name in names():
        recipe = parse_recipe(read(name), source_of(name))
        result.append(BuiltinRecipe(name, recipe.layer, recipe.title))
    return result


def _is_name(text: str) -> bool:
    return bool(text) and "/" not in text and "\\" not in text and not text.endswith(_SUFFIX) \
        and Path(text).name == text


def resolve(name_or_path: str | Path) -> tuple[str, str]:
    """``(text, source)`` of a recipe given by built-in name or by file path.

    A bare word (no path separator, no ``.toml`` suffix) is a built-in name when one exists,
    else a file of that name if there is one; everything else is a path. ``source`` is what
    error messages call the recipe: the path, or ``built-in recipe NAME``.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and _is_name(text):
        if text in names():
            return read(text), source_of(text)
        try:
            is_file = Path(text).is_file()
        except (OSError, ValueError):  # a name too long for the file system, a NUL
            is_file = False
        if not is_file:
            raise UsageError(f"unknown recipe {shown(text)}: not a built-in recipe "
                             f"({', '.join(names())}) and no such file")
    return read_user_text(text, "recipe file", limit=RECIPE_MAX_BYTES), text
