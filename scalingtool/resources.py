"""Memory budgets: estimate what an array needs before allocating it, and refuse politely.

Every allocation that grows with a user's input (a width, a number of seeds, a data set)
is estimated first and compared with :func:`memory_budget`, so that an impossible request
is one clear line naming what to lower, never a ``MemoryError`` or a machine that swaps.
"""

from __future__ import annotations

import os

from .errors import UsageError

__all__ = ["memory_budget", "physical_bytes", "require_memory", "BUDGET_ENV"]

#: Environment variable that sets the budget in GiB (e.g. ``SCALINGTOOL_MAX_MEMORY=4``).
BUDGET_ENV = "SCALINGTOOL_MAX_MEMORY"
_FRACTION = 0.7  # of the physical memory, when the variable is not set


def physical_bytes() -> int:
    """This machine's physical memory in bytes (8 GiB when it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def memory_budget() -> float:
    """Bytes one computation may hold: ``$SCALINGTOOL_MAX_MEMORY`` GiB, else 70% of the RAM."""
    text = os.environ.get(BUDGET_ENV, "").strip()
    if text:
        try:
            gib = float(text)
        except ValueError:
            raise UsageError(f"{BUDGET_ENV} = {text[:40]!r}: expected a number of GiB") from None
        if not 0 < gib < 2**40:
            raise UsageError(f"{BUDGET_ENV} = {text[:40]!r}: expected a positive number of GiB")
        return gib * 2**30
    return _FRACTION * physical_bytes()


def require_memory(nbytes: float, what: str, lower: str) -> None:
    """Raise :class:`UsageError` when ``what`` would need more than :func:`memory_budget`.

    ``lower`` names the parameters to reduce (e.g. ``"width or seeds"``).
    """
    budget = memory_budget()
    if nbytes > budget:
        raise UsageError(f"{what} would need about {nbytes / 2**30:.3g} GiB of memory, more than "
                         f"the {budget / 2**30:.3g} GiB allowed: lower {lower} "
                         f"(the allowance is set by {BUDGET_ENV}, in GiB)")
