"""Recipes: reproducible experiments described as TOML data.

``run_recipe(path, out, quick)`` runs one recipe into a folder (resumable, atomic files);
``redraw(folder)`` draws its figures again. See :mod:`.recipe` for the file format and
:mod:`.kinds` for the computations a recipe can name.
"""

from .recipe import Recipe, load_recipe, parse_recipe
from .runner import RunResult, check_recipe, redraw, run_recipe

__all__ = ["Recipe", "RunResult", "load_recipe", "parse_recipe", "redraw", "run_recipe", "check_recipe"]
