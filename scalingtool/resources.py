"""Memory allowance: estimate what an array needs before allocating it, and refuse politely.

Every allocation that grows with a user's input (a width, a number of seeds, a data set, an
array read from a file) is estimated first and compared with :func:`memory_budget`, so that an
impossible request is one clear line naming what to lower, never a ``MemoryError``, a crash
or a machine that swaps.

The allowance is the tightest of what this process may really use:

* ``$SCALINGTOOL_MAX_MEMORY`` (GiB), when set; more than the machine's memory is refused;
* the address-space limit (``ulimit -v``, ``RLIMIT_AS``) less what the process already maps;
* the control group's limit (cgroup v2 ``memory.max``, v1 ``memory.limit_in_bytes``) less
  what the group already uses;
* 70% of the physical memory, when the variable is not set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .echo import shown
from .errors import UsageError

__all__ = ["memory_budget", "memory_allowance", "physical_bytes", "require_memory", "Allowance", "BUDGET_ENV"]

#: Environment variable that sets the budget in GiB (e.g. ``SCALINGTOOL_MAX_MEMORY=4``).
BUDGET_ENV = "SCALINGTOOL_MAX_MEMORY"
_FRACTION = 0.7  # of the physical memory, when the variable is not set
_CGROUP = Path("/sys/fs/cgroup")
_UNLIMITED = 2**60  # cgroup v1 writes a huge number for "no limit"


@dataclass(frozen=True)
class Allowance:
    """The bytes one computation may hold, and which limit sets them (said in messages)."""

    nbytes: float
    source: str


def physical_bytes() -> int:
    """This machine's physical memory in bytes (8 GiB when it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def _env_bytes(physical: int) -> float | None:
    text = os.environ.get(BUDGET_ENV, "").strip()
    if not text:
        return None
    try:
        gib = float(text)
    except ValueError:
        raise UsageError(f"{BUDGET_ENV} = {shown(text, 40)}: expected a number of GiB") from None
    if not 0 < gib < 2**40:
        raise UsageError(f"{BUDGET_ENV} = {shown(text, 40)}: expected a positive number of GiB")
    if gib * 2**30 > physical:
        raise UsageError(f"{BUDGET_ENV} = {shown(text, 40)} GiB is more than this machine's "
                         f"{physical / 2**30:.3g} GiB of memory: set at most that")
    return gib * 2**30


def _mapped_bytes() -> int:
    """What this process already maps (``VmSize``), 0 when it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _address_space_bytes() -> float | None:
    """The room left under ``RLIMIT_AS`` (None: no limit)."""
    try:
        import resource  # deferred: POSIX only (the ImportError branch covers the rest)
    except ImportError:  # pragma: no cover - non-POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return None
    return max(0.0, float(soft - _mapped_bytes()))


def _read_number(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _cgroup_bytes() -> float | None:
    """The room left under this process's control group (None: no limit found)."""
    root = _CGROUP
    for limit_file, usage_file in (("memory.max", "memory.current"),
                                   ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes")):
        limit = _read_number(root / limit_file)
        if limit is not None and limit < _UNLIMITED:
            usage = _read_number(root / usage_file) or 0
            return max(0.0, float(limit - usage))
    return None


def memory_allowance() -> Allowance:
    """The tightest of the limits in the module docstring, naming the one that binds."""
    physical = physical_bytes()
    env = _env_bytes(physical)
    candidates = [Allowance(env, f"{BUDGET_ENV}, in GiB") if env is not None
                  else Allowance(_FRACTION * physical, f"{BUDGET_ENV}, in GiB; by default 70% of the memory")]
    address = _address_space_bytes()
    if address is not None:
        candidates.append(Allowance(address, "the address-space limit, ulimit -v"))
    group = _cgroup_bytes()
    if group is not None:
        candidates.append(Allowance(group, "the control group's memory limit"))
    return min(candidates, key=lambda a: a.nbytes)


def memory_budget() -> float:
    """Bytes one computation may hold (:func:`memory_allowance`)."""
    return memory_allowance().nbytes


def require_memory(nbytes: float, what: str, lower: str) -> None:
    """Raise :class:`UsageError` when ``what`` would need more than :func:`memory_allowance`.

    ``lower`` names the parameters to reduce (e.g. ``"width or seeds"``).
    """
    allowance = memory_allowance()
    if nbytes > allowance.nbytes:
        raise UsageError(f"{what} would need about {nbytes / 2**30:.3g} GiB of memory, more than "
                         f"the {allowance.nbytes / 2**30:.3g} GiB allowed: lower {lower} "
                         f"(the allowance is set by {allowance.source})")
