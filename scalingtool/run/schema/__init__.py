"""Declared schemas of every file a recipe run reads: the recipe, its kind's parameters, the store.

Validated with pydantic 2. Numbers keep going through :mod:`scalingtool.params` (exact
:class:`~fractions.Fraction`; a TOML number or a string such as ``"3/2"``), so the ranges of
theory §1 are stated once.

* :mod:`.fields`: the field types and their validators (exact numbers, ranges of the one table
  of limits, lists of distinct values, number lists and grids) and the field types of stored data;
* :mod:`.models`: the base models (:class:`~.models.KindParams`, :class:`~.models.StoredData`)
  and the recipe and store files (:class:`~.models.RecipeFile`, :class:`~.models.RunFile`,
  :class:`~.models.PartFile`);
* :mod:`.messages`: validation, a failure turned into one
  :class:`~scalingtool.errors.UsageError` line naming the file, the section and key, and the
  expected type (echoed values cut to :data:`~scalingtool.echo.ECHO` characters).

A kind declares its parameters as a :class:`~.models.KindParams` model and its stored part data
as a :class:`~.models.StoredData` model in its own module (:mod:`scalingtool.run.kinds`), and
hands both to its :class:`~scalingtool.run.kinds.Kind`: that is the registration.
"""
