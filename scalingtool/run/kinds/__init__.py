"""The computations a recipe can name (its ``kind``), each in the module of its layer.

A :class:`Kind` declares its ``[params]`` and its stored part data as schemas, models in its
own module (:class:`~scalingtool.run.schema.models.KindParams`,
:class:`~scalingtool.run.schema.models.StoredData`), turns the validated parameters into a list of independent :class:`~scalingtool.work.Part` s
(each computed once and stored, so runs resume), then turns the parts' data into a table, the
measured-vs-predicted checks, and a figure. A new kind registers by naming its module in
:data:`KINDS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ...echo import shown
from ...errors import UsageError
from ...verify.checks import Check
from ...work import Part
from ..schema.models import KindParams, StoredData

__all__ = ["Kind", "Outcome", "Measured", "KINDS", "get_kind"]


@dataclass(frozen=True)
class Measured:
    """A measured number that a rerun is checked against the recipe's reference run for
    (:mod:`scalingtool.run.reference`): ``quantity``, its ``value`` and standard error ``se``
    (None: unknown, e.g. one seed), and ``note``: what the theory says, printed beside it."""

    quantity: str
    value: float
    se: float | None = None
    note: str = ""


@dataclass
class Outcome:
    """The run's table (``columns``, ``rows``: its CSV), its checks, and ``summary``: a few
    lines that state the result in words (printed under the checks). ``measured``: the numbers
    a reference run stores and a rerun is checked against, by case."""

    columns: list[str]
    rows: list[dict[str, Any]]
    checks: list[Check] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    measured: dict[str, Measured] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """``plan(params) -> list[Part]`` (the run's parts, in order: each part's ``key`` is its
    store id, its ``params`` what identifies it, its ``compute`` returns its data);
    ``finish(params, data) -> Outcome``; ``draw(params, data, plt) -> Figure``, where
    ``params`` is a validated ``schema`` and ``data`` maps part key -> the part's validated
    stored data (``data.plain()``)."""

    name: str
    layer: str
    summary: str
    plan: Callable[[Any], list[Part]]
    finish: Callable[[Any, dict[str, dict[str, Any]]], Outcome]
    draw: Callable[..., Any]
    schema: type[KindParams]
    data: type[StoredData]


#: kind name -> module defining ``KIND`` or ``KINDS[name]`` (imported on first use)
KINDS: dict[str, str] = {
    "phase": "scalingtool.run.kinds.phase",
    "time-curves": "scalingtool.run.kinds.curves",
    "width-curve": "scalingtool.run.kinds.curves",
    "data-curve": "scalingtool.run.kinds.curves",
    "sgd-noise": "scalingtool.run.kinds.curves",
    "frontier": "scalingtool.run.kinds.frontier",
    "mlp-circle": "scalingtool.run.kinds.mlp",
    "simulate-sweep": "scalingtool.run.kinds.sweep",
    "estimate-digits": "scalingtool.run.kinds.estimate",
    "mlp-study": "scalingtool.run.kinds.mlp_study",
    "cnn-study": "scalingtool.run.kinds.cnn_study",
}


def get_kind(name: str, layer: str | None = None, source: str = "recipe") -> Kind:
    """The kind called ``name``; a usage error names the known kinds (and a layer mismatch)."""
    if name not in KINDS:
        raise UsageError(f"{source}: key 'kind': unknown kind {shown(name)}; known: {', '.join(sorted(KINDS))}")
    module = importlib.import_module(KINDS[name])
    kind = module.KINDS[name] if hasattr(module, "KINDS") else module.KIND
    if layer is not None and kind.layer != layer:
        raise UsageError(f"{source}: kind {name!r} belongs to layer {kind.layer!r}, not {shown(layer)}")
    return kind
