"""Verification: theory, reduced dynamics and simulation side by side; users' claims.

:func:`verify` checks the claims files it is given (each claim exactly against the theory
engine and numerically where a solver covers it, :mod:`.claim_checks`) and runs the
requested tiers; with no claims and no tiers named it runs every tier. The command exits 1
when any row fails. Tiers are looked up in :data:`TIERS` and imported on first use, so a
tier's heavy dependencies are paid only when it runs.

Each tier is a :class:`TierPlan`: independent :class:`~scalingtool.work.Part` s (a
measurement each, not stored, with a rough cost in seconds) and how their results become
rows. The parts of every requested tier are computed together, longest first, by one
executor (:mod:`scalingtool.work.executor`: one after another here, or on a Dask cluster),
so a cluster's workers stay busy across tiers; the rows come out in the tiers' own order
whatever the order of computation. The claims go through the same executor, one part each.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from ..echo import shown
from ..errors import UsageError
from ..work import Executor, Part, SequentialExecutor
from .checks import FAIL, PASS, SKIP, Check
from .plan import TierPlan

__all__ = ["TIERS", "DEFAULT_TIERS", "Verification", "verify", "parse_tiers", "Check", "Progress",
           "TierPlan", "run_tiers"]

#: tier name -> "module:function" with signature (quick) -> TierPlan
TIERS: dict[str, str] = {
    "theory": "scalingtool.verify.theory_tier:theory_plan",
    "reduced": "scalingtool.verify.reduced_tier:reduced_plan",
    "simulation": "scalingtool.verify.simulation_tier:simulation_plan",
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
            raise UsageError(f"unknown tier {shown(name)}; choose from {', '.join(TIERS)}")
    return names


def run_tiers(plans: dict[str, TierPlan], progress: Callable[[str, int, int], None] | None = None,
              executor: Executor | None = None) -> dict[str, list[Check]]:
    """The rows of each tier. Every part of every plan goes to ``executor`` at once (which
    starts the longest first; default: one after another, here), keyed ``"tier: part"``;
    ``progress(tier, done, total)`` as each finishes."""
    owner: dict[str, tuple[str, int]] = {}
    parts: list[Part] = []
    for tier, plan in plans.items():
        for i, part in enumerate(plan.parts):
            key = f"{tier}: {part.key}"
            if key in owner:
                raise ValueError(f"two parts of tier {tier} are both named {part.key!r}")
            owner[key] = (tier, i)
            parts.append(replace(part, key=key))
    results: dict[str, list] = {tier: [None] * len(plan.parts) for tier, plan in plans.items()}
    done_in: dict[str, int] = dict.fromkeys(plans, 0)

    def done(key: str, value: object) -> None:
        tier, i = owner[key]
        results[tier][i] = value
        done_in[tier] += 1
        if progress:
            progress(tier, done_in[tier], len(plans[tier].parts))

    (executor or SequentialExecutor()).map_parts(parts, done)
    return {tier: plan.assemble(results[tier]) for tier, plan in plans.items()}


def _load(target: str) -> Callable[..., TierPlan]:
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def verify(tiers: Sequence[str] | None = None, quick: bool = False,
           claims: Sequence[str | Path] = (), exact_only: bool = False,
           progress: Progress | None = None, executor: Executor | None = None) -> Verification:
    """Check the ``claims`` files, then run ``tiers``.

    ``tiers=None`` means every tier when no claims are given and none otherwise.
    ``exact_only`` skips the claims' numeric checks; ``quick`` takes the small tier grids
    and skips the claims' frontier measurements. Every file is read and validated before
    anything is computed, so a malformed file costs nothing. ``executor`` computes the
    claims' and the tiers' parts (default: one after another, here).
    """
    # deferred: claims need pydantic; 'import scalingtool.verify' (the pytest plugin, loaded by
    # every pytest session) stays free of it
    from .claims import load_claims

    paths = tuple(dict.fromkeys(str(p) for p in claims))  # a file named twice is checked once
    parsed = [claim for path in paths for claim in load_claims(path)]
    if tiers is None:
        tiers = () if paths else DEFAULT_TIERS
    tiers = tuple(dict.fromkeys(tiers))  # a tier named twice runs once
    for name in tiers:
        if name not in TIERS:
            raise UsageError(f"unknown tier {shown(str(name))}; choose from {', '.join(TIERS)}")
    result = Verification(tiers=tuple(tiers), claims=paths)
    if parsed:
        from .claim_checks import check_claims  # deferred: pydantic, as above

        def claim_step(done: int, total: int, rows: list[Check]) -> None:
            if progress:
                progress("claims", done, total, rows)

        result.checks += check_claims(parsed, exact_only=exact_only, quick=quick, progress=claim_step,
                                      executor=executor)
    plans = {name: _load(TIERS[name])(quick=quick) for name in tiers}

    def tier_step(name: str, done: int, total: int) -> None:
        if progress:
            progress(name, done, total, [])

    rows = run_tiers(plans, tier_step, executor)
    for name in tiers:
        result.checks += rows[name]
    return result
