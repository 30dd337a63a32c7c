"""The computations a recipe can name (its ``kind``), each in the module of its layer.

A :class:`Kind` turns validated parameters into a :class:`Plan` of independent parts
(each computed once and stored, so runs resume), then turns the parts' data into a table,
the measured-vs-predicted checks, and a figure.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ...errors import UsageError
from ...verify.checks import Check

__all__ = ["Kind", "Part", "Plan", "Outcome", "KINDS", "get_kind"]

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class Part:
    """One stored unit of work: ``params`` identify it (a changed recipe recomputes it)."""

    id: str
    params: dict[str, Any]
    compute: Callable[[Progress], dict[str, Any]]


@dataclass
class Plan:
    config: dict[str, Any]
    parts: list[Part]


@dataclass
class Outcome:
    columns: list[str]
    rows: list[dict[str, Any]]
    checks: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    """``plan(params, expect) -> Plan``; ``finish(config, data) -> Outcome``;
    ``draw(config, data, plt) -> Figure`` (``data``: part id -> stored data)."""

    name: str
    layer: str
    summary: str
    plan: Callable[..., Plan]
    finish: Callable[[dict[str, Any], dict[str, dict[str, Any]]], Outcome]
    draw: Callable[..., Any]


#: kind name -> module defining ``KIND`` or ``KINDS[name]`` (imported on first use)
KINDS: dict[str, str] = {
    "phase": "scalingtool.run.kinds.phase",
    "time-curves": "scalingtool.run.kinds.curves",
    "width-curve": "scalingtool.run.kinds.curves",
    "data-curve": "scalingtool.run.kinds.curves",
    "sgd-noise": "scalingtool.run.kinds.curves",
    "frontier": "scalingtool.run.kinds.frontier",
    "mlp-circle": "scalingtool.run.kinds.mlp",
    "mlp-study": "scalingtool.run.kinds.mlp_study",
}


def get_kind(name: str, layer: str | None = None, source: str = "recipe") -> Kind:
    """The kind called ``name``; a usage error names the known kinds (and a layer mismatch)."""
    if name not in KINDS:
        raise UsageError(f"{source}: key 'kind': unknown kind {name!r}; known: {', '.join(sorted(KINDS))}")
    module = importlib.import_module(KINDS[name])
    kind = module.KINDS[name] if hasattr(module, "KINDS") else module.KIND
    if layer is not None and kind.layer != layer:
        raise UsageError(f"{source}: kind {name!r} belongs to layer {kind.layer!r}, not {layer!r}")
    return kind
