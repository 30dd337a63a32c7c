"""The built-in recipes: TOML files shipped with the package, found by name.

``scalingtool run phase`` runs the built-in recipe ``phase``; ``scalingtool run my.toml`` runs
a file. A name is a bare word without a path separator or a ``.toml`` suffix; anything else
is read as a path. The files live in the repository's top-level ``recipes/`` folder, installed
as the data package :mod:`scalingtool.recipes` (with their reference runs in
``recipes/references/``), and are read through :mod:`importlib.resources`, so they work from a
wheel or an editable install of a source checkout alike.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..echo import shown
from ..errors import UsageError
from ..files import read_user_text
from .schema.models import RECIPE_MAX_BYTES

if TYPE_CHECKING:  # annotations only (importlib.resources.abc is Python 3.11+)
    from importlib.resources.abc import Traversable

__all__ = ["names", "read", "resolve", "source_of", "folder", "folder_of", "SUFFIX"]

_PACKAGE = "scalingtool.recipes"
SUFFIX = ".toml"
_BUILTIN = "built-in recipe "


def folder() -> Traversable:
    """The folder of the built-in recipes (``recipes/`` in a checkout, installed as package data)."""
    return resources.files(_PACKAGE)


def folder_of(source: str) -> Traversable | Path:
    """The folder a recipe called ``source`` sits in: the built-in folder for
    ``built-in recipe NAME``, else the parent of the file path (where its base recipes and its
    ``references/`` are looked for)."""
    if source.startswith(_BUILTIN) and source[len(_BUILTIN):] in names():
        return folder()
    return Path(source).parent


def names() -> list[str]:
    """The names of the built-in recipes, sorted."""
    return sorted(entry.name[: -len(SUFFIX)] for entry in folder().iterdir()
                  if entry.name.endswith(SUFFIX) and entry.is_file())


def source_of(name: str) -> str:
    """How errors name a built-in recipe (in place of a file path)."""
    return _BUILTIN + name


def read(name: str) -> str:
    """The TOML text of the built-in recipe ``name`` (one-line :class:`UsageError` if unknown)."""
    if name not in names():
        raise UsageError(f"unknown recipe {shown(name)}: built-in recipes are {', '.join(names())}")
    return folder().joinpath(name + SUFFIX).read_text("utf-8")


def _is_name(text: str) -> bool:
    return bool(text) and "/" not in text and "\\" not in text and not text.endswith(SUFFIX) \
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
