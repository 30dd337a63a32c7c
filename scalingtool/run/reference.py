"""Reference runs: the measured numbers a recipe's reruns are checked against, stored and dated.

A recipe states what to run and which law to check; it never carries a measured number. What a
network was measured to do (for the ``mlp-study`` and ``mlp-circle`` kinds: the rich - lazy time
exponent difference of each rich configuration, paired over seeds, with its standard error) is
recorded by ``scalingtool run NAME --record`` into ``references/NAME.json`` beside the recipe
(``references/NAME.quick.json`` for ``--quick``; for a built-in recipe, the repository's
``recipes/references/``, shipped with the package)::

    {"schema": schemas.REFERENCE, "recipe": "mlp-study", "kind": "mlp-study",
     "quick": true, "date": "YYYY-MM-DD", "scalingtool": "0.1.0",
     "command": "scalingtool run mlp-study --quick --record", "params_hash": "sha256:...",
     "measured": {"b1_2_d1_online_N32_g1": {"quantity": "rich - lazy exponent",
                                            "value": -0.05, "se": 0.01}}}

``params_hash`` is the SHA-256 of the run's parts and the parameters each was computed with
(what the run computes; the checks' own keys, tolerances, are not among them). A later run
checks each of its measured numbers against the reference's, passing when they differ by at
most twice their combined standard error ``sqrt(se_ref^2 + se_now^2)`` and never less than
:data:`MIN_TOLERANCE` (a standard error from a few seeds is itself uncertain). A case with no
reference entry, a recipe with no reference file, or a reference recorded with other
parameters is reported as not checked, and does not fail.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .. import __version__
from .. import schemas
from ..echo import short_path
from ..errors import UsageError
from ..files import write_text_atomic
from ..readers import read_json
from ..verify.checks import SKIP, Check, judge
from ..work import Part
from . import builtin
from .kinds import Measured
from .recipe import Recipe
from .schema.messages import validate
from .schema.models import Name

__all__ = ["SCHEMA", "MIN_TOLERANCE", "ReferenceFile", "params_hash", "reference_path", "record",
           "reference_checks", "record_command"]

SCHEMA = schemas.REFERENCE
#: the smallest tolerance of a check against a reference run
MIN_TOLERANCE = 0.02
_MAX_BYTES = 1 << 22  #: a reference holds a few hundred numbers; refuse anything over 4 MiB


class Entry(BaseModel):
    """One measured number of a reference run."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    quantity: Annotated[str, StringConstraints(max_length=200)]
    value: float = Field(allow_inf_nan=False)
    se: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class ReferenceFile(BaseModel):
    """``references/NAME[.quick].json``: a dated reference run of one recipe."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_: Literal[schemas.REFERENCE] = Field(alias="schema")  # type: ignore[valid-type]
    recipe: Name
    kind: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    quick: bool
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    scalingtool: Annotated[str, StringConstraints(max_length=64)]
    command: Annotated[str, StringConstraints(max_length=2000)]
    params_hash: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
    measured: Annotated[dict[str, Entry], Field(max_length=100_000)]


def params_hash(plan: list[Part]) -> str:
    """``sha256:`` of the run's parts and the parameters each is computed with (canonical JSON)."""
    text = json.dumps([[p.key, p.params] for p in plan], sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def reference_path(recipe: Recipe, quick: bool) -> Any:
    """Where ``recipe``'s reference run is kept: ``references/NAME[.quick].json`` in its folder."""
    folder = recipe.folder if recipe.folder is not None else builtin.folder_of(recipe.source)
    return folder.joinpath("references", f"{recipe.name}{'.quick' if quick else ''}.json")


def record_command(recipe: Recipe, quick: bool) -> str:
    """The command that records ``recipe``'s reference run."""
    target = recipe.name if recipe.source == builtin.source_of(recipe.name) else recipe.source
    return f"scalingtool run {target}{' --quick' if quick else ''} --record"


def record(recipe: Recipe, quick: bool, plan: list[Part], measured: dict[str, Measured]) -> Path:
    """Write ``recipe``'s reference run (atomically) from this run's ``measured`` numbers."""
    target = reference_path(recipe, quick)
    if not isinstance(target, Path):
        raise UsageError(f"cannot record a reference run of {recipe.name}: its folder is not on the file system")
    if not measured:
        raise UsageError(f"{recipe.source}: nothing to record: a {recipe.kind} run measures no number a "
                         f"reference run keeps")
    doc = {"schema": SCHEMA, "recipe": recipe.name, "kind": recipe.kind, "quick": quick,
           "date": datetime.now(timezone.utc).date().isoformat(), "scalingtool": __version__,
           "command": record_command(recipe, quick), "params_hash": params_hash(plan),
           "measured": {case: {"quantity": m.quantity, "value": m.value, "se": m.se} for case, m in measured.items()}}
    validate(ReferenceFile, doc, short_path(target))
    try:
        target.parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {short_path(target.parent)}: {exc.strerror}") from None
    write_text_atomic(target, json.dumps(doc, indent=1) + "\n")
    return target


def _read(recipe: Recipe, quick: bool) -> tuple[ReferenceFile | None, str]:
    path = reference_path(recipe, quick)
    if not path.is_file():
        return None, ""
    builtin_recipe = recipe.source == builtin.source_of(recipe.name)
    where = f"built-in reference {path.name}" if builtin_recipe else short_path(str(path))
    if isinstance(path, Path):
        doc = read_json(path, "reference run", _MAX_BYTES)
    else:  # inside a zip: read through importlib.resources
        try:
            doc = json.loads(path.read_text("utf-8"))
        except ValueError:
            raise UsageError(f"{where}: not valid JSON") from None
    return validate(ReferenceFile, doc, where), where


def reference_checks(recipe: Recipe, quick: bool, plan: list[Part],
                     measured: dict[str, Measured]) -> tuple[list[Check], list[str]]:
    """Each measured number against ``recipe``'s reference run (a skipped row where there is
    none), and a note naming the reference and its date."""
    if not measured:
        return [], []
    ref, where = _read(recipe, quick)
    how = f"record one with `{record_command(recipe, quick)}`"
    if ref is None:
        why, notes = f"not checked: no reference run ({how})", []
    elif ref.params_hash != params_hash(plan) or ref.recipe != recipe.name or ref.quick != quick:
        why, notes = f"not checked: the reference run was recorded with other parameters ({how})", []
    else:
        why, notes = f"not checked: no reference entry ({how})", [
            f"checked against the reference run of {ref.date} ({where}, scalingtool {ref.scalingtool})"]
    entries = ref.measured if ref is not None and notes else {}
    checks = []
    for case, now in measured.items():
        entry = entries.get(case)
        quantity = f"{now.quantity} (reference run)"
        if entry is None:
            checks.append(Check(recipe.kind, case, quantity, None, now.value, None, SKIP, why))
            continue
        combined = math.hypot(entry.se or 0.0, now.se or 0.0)
        se = "" if entry.se is None else f" +- {entry.se:.3f}"
        checks.append(judge(recipe.kind, case, quantity, entry.value, now.value, max(MIN_TOLERANCE, 2 * combined),
                            f"reference run of {ref.date}: {entry.value:+.3f}{se}; {now.note}".rstrip("; ")))
    return checks, notes
