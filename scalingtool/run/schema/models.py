"""The base models of the recipe schemas and the models of the recipe and store files.

:class:`KindParams` (a kind's ``[params]``) and :class:`StoredData` (a stored part's ``data``)
are what each kind subclasses in its own module; :class:`RecipeFile` is a recipe's top level,
:class:`RunFile` a run's ``run.json`` and :class:`PartFile` a stored ``parts/<id>.json``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, conlist

from ... import schemas
from ...jsonable import to_json

__all__ = ["RECIPE_MAX_BYTES", "Strict", "KindParams", "StoredData", "RecipeFile", "RunFile", "PartFile"]

RECIPE_MAX_BYTES = 1 << 20  #: a recipe is a few kB; refuse anything over 1 MiB


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
    """The top level of a recipe file (after its ``extends`` chain is merged in: see
    :mod:`scalingtool.run.recipe`)."""

    name: Name
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    layer: Layer
    kind: KindName
    description: Annotated[str, StringConstraints(max_length=8000)] = ""
    params: Table = Field(default_factory=dict)
    quick: Table = Field(default_factory=dict)
    expect: Annotated[Table, Field(max_length=0)] = Field(default_factory=dict)
    #: the recipe this one states its differences from: ``BASE.toml`` beside it, else the
    #: built-in ``BASE``; tables merge key by key, scalars and arrays replace, and ``name``,
    #: ``title`` and ``description`` are never inherited
    extends: Name | None = Field(default=None, description=(
        "the recipe this one states its differences from: BASE.toml beside it, else the built-in "
        "recipe BASE; tables ([params], [quick]) merge key by key, scalars and arrays replace; name, "
        "title and description are the recipe's own; a chain of at most 8, no cycle"))


PartId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.=+-]*$", max_length=200)]


class RunFile(BaseModel):
    """``run.json``: what was run, with which validated parameters, in which parts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: Literal[schemas.RUN] = Field(alias="schema")
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
