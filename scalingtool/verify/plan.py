"""What a verification tier hands the executor: its parts and how their results become rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..work import Part
from .checks import Check

__all__ = ["TierPlan"]


@dataclass(frozen=True)
class TierPlan:
    """A tier's parts and ``assemble(results) -> rows`` (``results`` in the parts' order).
    Each part is one measurement (:meth:`Part.of <scalingtool.work.Part.of>`: not stored, no
    progress of its own), keyed by its row name; its ``cost`` is a rough duration in seconds
    on one core (full grid), used only to start the longest parts first."""

    parts: list[Part]
    assemble: Callable[[list], list[Check]]
