"""Verification: theory, reduced dynamics and simulation side by side; users' claims.

:func:`verify` checks the claims files it is given (each claim exactly against the theory
engine and numerically where a solver covers it, :mod:`.claim_checks`) and runs the
requested tiers; with no claims and no tiers named it runs every tier. The command exits 1
when any row fails. Tiers are looked up in :data:`TIERS` and imported on first use, so a
tier's heavy dependencies are paid only when it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..errors import UsageError
from .checks import FAIL, PASS, SKIP, Check

__all__ = ["TIERS", "DEFAULT_TIERS", "Verification", "verify", "parse_tiers", "Check", "Progress"]

#: tier name -> "module:function" with signature (quick, progress) -> list[Check]
TIERS: dict[str, str] = {
    "theory": "scalingtool.verify.theory_tier:theory_checks",
    "reduced": "scalingtool.verify.reduced_tier:reduced_checks",
    "simulation": "scalingtool.verify.simulation_tier:simulation_checks",
}
DEFAULT_TIERS = tuple(TIERS)

#: ``progress(label, done, total, rows)``: ``label`` is ``"claims"`` or a tier name, ``rows``
#: the rows finished with this step (a claim's rows; empty for a tier's steps)
Progress = Callable[[str, int, int, list[Check]], None]


@dataclass
class Verification:
    """The rows of a verification run; ``ok`` when none failed."""

    checks: list[Check] = field(default_factory=list)
    tiers: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def counts(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.checks) for s in (PASS, FAIL, SKIP)}


def parse_tiers(text: str) -> tuple[str, ...]:
    """``"theory,reduced"`` -> ``("theory", "reduced")``, checked against :data:`TIERS`."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise UsageError("name at least one tier")
    for name in names:
        if name not in TIERS:
            raise UsageError(f"unknown tier {name[:60]!r}; choose from {', '.join(TIERS)}")
    return names


def map_rows(tasks: list, progress: Callable[[int, int], None] | None, executor: object | None) -> list:
    """The results of ``tasks`` (``(name, function)`` pairs, independent) in their order,
    computed by ``executor.map_parts`` (``scalingtool.run.executor``) or here, one after
    another; ``progress(done, total)`` as each finishes."""
    results: dict[str, object] = {}

    def done(name: str, value: object) -> None:
        results[name] = value
        if progress:
            progress(len(results), len(tasks))

    if executor is None:
        for name, function in tasks:
            done(name, function())
    else:
        executor.map_parts(tasks, done)
    return [results[name] for name, _ in tasks]


def _load(target: str) -> Callable[..., list[Check]]:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def verify(tiers: Sequence[str] | None = None, quick: bool = False,
           claims: Sequence[str | Path] = (), exact_only: bool = False,
           progress: Progress | None = None, executor: object | None = None) -> Verification:
    """Check the ``claims`` files, then run ``tiers``.

    ``tiers=None`` means every tier when no claims are given and none otherwise.
    ``exact_only`` skips the claims' numeric checks; ``quick`` takes the small tier grids
    and skips the claims' frontier measurements. Every file is read and validated before
    anything is computed, so a malformed file costs nothing.
    """
    from .claims import load_claims

    paths = tuple(dict.fromkeys(str(p) for p in claims))  # a file named twice is checked once
    parsed = [claim for path in paths for claim in load_claims(path)]
    if tiers is None:
        tiers = () if paths else DEFAULT_TIERS
    for name in tiers:
        if name not in TIERS:
            raise UsageError(f"unknown tier {str(name)[:60]!r}; choose from {', '.join(TIERS)}")
    result = Verification(tiers=tuple(tiers), claims=paths)
    if parsed:
        from .claim_checks import check_claims

        def claim_step(done: int, total: int, rows: list[Check]) -> None:
            if progress:
                progress("claims", done, total, rows)

        result.checks += check_claims(parsed, exact_only=exact_only, quick=quick, progress=claim_step)
    for name in tiers:
        def tier_step(done: int, total: int, name: str = name) -> None:
            if progress:
                progress(name, done, total, [])

        result.checks += _load(TIERS[name])(quick=quick, progress=tier_step, executor=executor)
    return result
