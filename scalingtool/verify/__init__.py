"""Verification: theory, reduced dynamics and simulation side by side.

:func:`verify` runs the requested tiers and returns the table rows; the command exits 1
when any row fails. Tiers are looked up in :data:`TIERS` and imported on first use, so a
tier's heavy dependencies are paid only when it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import UsageError
from .checks import FAIL, PASS, SKIP, Check

__all__ = ["TIERS", "DEFAULT_TIERS", "CLAIM_CHECKS", "Verification", "verify", "parse_tiers", "Check"]

#: tier name -> "module:function" with signature (quick, progress) -> list[Check]
TIERS: dict[str, str] = {
    "theory": "scalingtool.verify.theory_tier:theory_checks",
    "reduced": "scalingtool.verify.reduced_tier:reduced_checks",
    "simulation": "scalingtool.verify.simulation_tier:simulation_checks",
}
DEFAULT_TIERS = tuple(TIERS)
#: checks of a claims file: "module:function" with signature (claims, quick) -> list[Check]
CLAIM_CHECKS: tuple[str, ...] = (
    "scalingtool.verify.theory_tier:claim_theory_checks",
    "scalingtool.verify.reduced_tier:claim_numeric_checks",
)

Progress = Callable[[int, int], None]


@dataclass
class Verification:
    """The rows of a verification run; ``ok`` when none failed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def counts(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.checks) for s in (PASS, FAIL, SKIP)}


def parse_tiers(text: str) -> tuple[str, ...]:
    """``"theory,reduced"`` -> ``("theory", "reduced")``, checked against :data:`TIERS`."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise UsageError("--tier: name at least one tier")
    for name in names:
        if name not in TIERS:
            raise UsageError(f"--tier: unknown tier {name!r}; choose from {', '.join(TIERS)}")
    return names


def _load(target: str) -> Callable[..., list[Check]]:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def verify(tiers: tuple[str, ...] = DEFAULT_TIERS, quick: bool = False,
           claims: str | Path | None = None,
           progress: Callable[[str], Progress] | None = None) -> Verification:
    """Run ``tiers`` (and the checks of a claims file); ``progress(label)`` gives a callback."""
    result = Verification()
    if claims is not None:
        from .claims import load_claims

        parsed = load_claims(claims)
        for target in CLAIM_CHECKS:
            result.checks += _load(target)(parsed, quick=quick)
    for name in tiers:
        callback = progress(name) if progress else None
        result.checks += _load(TIERS[name])(quick=quick, progress=callback)
    return result
