"""Run a recipe: validate, plan, compute (or reuse) each part, summarise, check its measured
numbers against the recipe's reference run (or record one), write tables and figures.

Stored parts are reused when their parameters match. A corrupt stored part is recomputed by
``run`` (it owns the folder, and recomputing is the way out; the run's notes name the file)
but refused by ``plot``, which cannot compute: its message names the file and says to run the
recipe again into the folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable

from .. import schemas
from ..echo import short_path
from ..errors import ScalingToolError, UsageError
from ..formats import csv_text
from ..work import Executor, Part, SequentialExecutor
from ..work import Progress as PartProgress
from .builtin import resolve
from ..jsonable import to_json
from .kinds import Kind, Outcome, get_kind
from .recipe import Recipe, parse_recipe
from .reference import record as record_reference, reference_checks
from .schema.messages import validate, validate_params
from .schema.models import KindParams
from .store import BlockedPart, CorruptPart, Store, folder_path

__all__ = ["RunResult", "run_recipe", "check_recipe", "redraw", "PLOT_EXTRA_MESSAGE"]

PLOT_EXTRA_MESSAGE = "figures need matplotlib: pip install 'scalingtool[plot]'"
#: ``progress(done, total)``: parts done (with the running part's share) of ``total``
Progress = Callable[[float, int], None] | None


@dataclass
class RunResult:
    recipe: str
    kind: str
    folder: Path
    outcome: Outcome
    computed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _figures(kind: Kind, name: str, params: KindParams, data: dict, store: Store) -> tuple[list[Path], list[str]]:
    try:
        import matplotlib  # optional extra: plot

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # optional extra: plot
    except ImportError:
        return [], [PLOT_EXTRA_MESSAGE]
    figure = kind.draw(params, data, plt)
    paths = []
    try:
        for fmt in ("png", "svg"):
            paths.append(store.write_bytes(f"{name}.{fmt}", lambda handle: figure.savefig(
                handle, format=fmt, dpi=110, bbox_inches="tight")))
    finally:
        plt.close(figure)
    return paths, []


def _plan(kind: Kind, params: KindParams, source: str) -> list[Part]:
    plan = kind.plan(params)
    keys = [p.key for p in plan]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise UsageError(f"{source}: [params] give the part {twice!r} twice; make the values distinct")
    return plan


def _compute(part: Part, source: str, progress: PartProgress = None) -> dict[str, Any]:
    """A part's data; a library error names the recipe and the part it came from."""
    try:
        return part.compute(progress)
    except ScalingToolError as exc:
        raise type(exc)(f"{source}: part {part.key}: {exc}") from None


def _compute_parts(kind: Kind, parts: list[Part], store: Store, result: RunResult, source: str,
                   executor: Executor, progress: Progress) -> dict[str, dict[str, Any]]:
    """Each part's data, in plan order: reused when stored with the same params, else computed
    by ``executor`` and stored (atomically, here) as soon as it is ready."""
    data: dict[str, dict[str, Any]] = {}
    todo: dict[str, Part] = {}
    for part in parts:
        try:
            stored = store.load(part.key, part.params, kind.data)
        except BlockedPart as exc:
            raise UsageError(f"{exc} to recompute the part") from None
        except CorruptPart as exc:
            result.notes.append(f"recomputed a corrupt stored part: {exc}")
            stored = None
        if stored is None:
            todo[part.key] = part
        else:
            data[part.key] = stored
    if progress and data:
        progress(len(data), len(parts))

    def done(key: str, computed: dict[str, Any]) -> None:
        fresh = to_json(computed)
        store.save(key, todo[key].params, fresh)
        data[key] = validate(kind.data, fresh, short_path(store.part_path(key)), "data").plain()
        if progress:
            progress(len(data), len(parts))

    # a part computed in this process also reports its own progress, as a fraction of a part
    within = _within(progress, data, len(parts)) if progress else None
    try:
        executor.map_parts([replace(p, compute=partial(_compute, p, source)) for p in todo.values()], done, within)
    finally:
        result.computed = [p.key for p in parts if p.key in todo and p.key in data]
        result.reused = [p.key for p in parts if p.key not in todo]
    return {p.key: data[p.key] for p in parts}


def _within(progress: Callable[[float, int], None], data: dict[str, Any], parts: int) -> Callable[[int, int], None]:
    """The progress callback of the part being computed: ``done`` parts plus the running part's
    share ``step / steps`` (never moving back when the part starts another loop)."""
    share = {"parts": -1, "value": 0.0}

    def update(step: int, steps: int) -> None:
        if steps <= 0:
            return
        if share["parts"] != len(data):
            share["parts"], share["value"] = len(data), 0.0
        share["value"] = max(share["value"], min(step / steps, 1.0))
        progress(len(data) + share["value"], parts)

    return update


def _prepare(recipe: str | Path | Recipe, quick: bool) -> tuple[Recipe, Kind, KindParams, list[Part]]:
    recipe = recipe if isinstance(recipe, Recipe) else parse_recipe(*resolve(recipe))
    kind = get_kind(recipe.kind, recipe.layer, recipe.source)
    params = validate_params(kind.schema, recipe.params, recipe.quick, recipe.source, quick,
                             {"folder": recipe.folder})
    return recipe, kind, params, _plan(kind, params, recipe.source)


def output_folder(recipe: Recipe, out: str | Path | None) -> Path:
    """Where a run of ``recipe`` writes: ``out``, or ``out/<recipe name>`` by default."""
    return folder_path(out) if out is not None else Path("out") / recipe.name


def check_recipe(recipe: str | Path | Recipe, quick: bool = False) -> Recipe:
    """``recipe`` read, validated and planned (raises :class:`UsageError` naming the problem),
    so that a caller can refuse a bad recipe before it starts a cluster."""
    return _prepare(recipe, quick)[0]


def run_recipe(recipe: str | Path | Recipe, out: str | Path | None = None, quick: bool = False,
               progress: Progress = None, figures: bool = True, *,
               executor: Executor | None = None, force: bool = False, record: bool = False) -> RunResult:
    """Run ``recipe`` (a :class:`Recipe`, a built-in name or a file path) into ``out``
    (default ``out/<name>``), reusing parts already stored.

    ``executor`` computes the missing parts (default: one after another, here); each is
    stored as it finishes, so an interrupted or failed run resumes where it stopped. A folder
    that holds another recipe's run or files no run writes is refused unless ``force``. The
    run's measured numbers are checked against the recipe's reference run
    (:mod:`.reference`); with ``record`` they are written as its new reference run instead.
    """
    recipe, kind, params, plan = _prepare(recipe, quick)
    store = Store(output_folder(recipe, out), recipe=recipe.name, force=force)
    store.write_json("run.json", {
        "schema": schemas.RUN, "recipe": recipe.name, "title": recipe.title,
        "kind": recipe.kind, "layer": recipe.layer, "quick": quick, "source": recipe.source,
        "config": params.config(), "parts": [p.key for p in plan],
    })
    result = RunResult(recipe.name, recipe.kind, store.folder, Outcome([], []))
    data = _compute_parts(kind, plan, store, result, recipe.source, executor or SequentialExecutor(),
                          progress)
    result.outcome = kind.finish(params, data)
    if record:
        path = record_reference(recipe, quick, plan, result.outcome.measured)
        result.notes.append(f"recorded the reference run {short_path(path)}")
    else:
        checks, notes = reference_checks(recipe, quick, plan, result.outcome.measured)
        result.outcome.checks += checks
        result.notes += notes
    table = store.write_text(f"{recipe.name}.csv", csv_text(result.outcome.columns, result.outcome.rows))
    summary = store.write_json("summary.json", {
        "schema": schemas.RUN_SUMMARY, "recipe": recipe.name, "kind": recipe.kind,
        "quick": quick, "computed": result.computed, "reused": result.reused,
        "checks": [c.row() for c in result.outcome.checks], "summary": result.outcome.summary,
    })
    result.files += [store.folder / "run.json", table, summary]
    if figures:
        paths, notes = _figures(kind, recipe.name, params, data, store)
        result.files += paths
        result.notes += notes
    return result


def redraw(folder: str | Path) -> list[Path]:
    """Draw the figures of a finished run again from its stored parts (``scalingtool plot``).

    ``run.json`` and every part are validated; a missing, corrupt or stale part is refused
    with its file named and the way out (run the recipe again into the folder)."""
    store = Store(folder, create=False)
    run = store.read_run()
    source = short_path(store.folder / "run.json")
    kind = get_kind(run.kind, run.layer, source)
    params = validate(kind.schema, run.config, source, "config")
    plan = _plan(kind, params, source)
    if [p.key for p in plan] != list(run.parts):
        raise UsageError(f"{source}: key 'parts' does not match its config; run the recipe again into "
                         f"{short_path(store.folder)}")
    again = f"run the recipe again into {short_path(store.folder)} to recompute it"
    data = {}
    for part in plan:
        path = short_path(store.part_path(part.key))
        try:
            stored = store.load(part.key, part.params, kind.data)
        except BlockedPart as exc:
            raise UsageError(f"{exc}, then {again}") from None
        except CorruptPart as exc:
            raise UsageError(f"{exc}; {again}") from None
        if stored is None:
            missing = "missing" if not store.part_path(part.key).exists() else "computed with other parameters"
            raise UsageError(f"{path}: stored part {missing}; {again}")
        data[part.key] = stored
    paths, notes = _figures(kind, run.recipe, params, data, store)
    if notes:
        raise UsageError(notes[0])
    return paths
