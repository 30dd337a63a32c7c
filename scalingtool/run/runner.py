"""Run a recipe: plan, compute (or reuse) each part, summarise, write tables and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable

from ..files import atomic_open, write_text_atomic
from ..formats import csv_text
from .executor import Executor, SequentialExecutor, Task
from .kinds import Kind, Outcome, Part, get_kind
from .recipe import Params, Recipe, load_recipe
from .store import Store

__all__ = ["RunResult", "run_recipe", "redraw", "PLOT_EXTRA_MESSAGE"]

PLOT_EXTRA_MESSAGE = "figures need matplotlib: pip install 'scalingtool[plot]'"
Progress = Callable[[int, int], None] | None


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


def _figures(kind: Kind, name: str, config: dict, data: dict, folder: Path) -> tuple[list[Path], list[str]]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [], [PLOT_EXTRA_MESSAGE]
    figure = kind.draw(config, data, plt)
    paths = []
    try:
        for fmt in ("png", "svg"):
            path = folder / f"{name}.{fmt}"
            with atomic_open(path, "wb") as handle:
                figure.savefig(handle, format=fmt, dpi=110, bbox_inches="tight")
            paths.append(path)
    finally:
        plt.close(figure)
    return paths, []


def _compute_parts(parts: list[Part], store: Store, result: RunResult, executor: Executor,
                   progress: Progress) -> dict[str, dict[str, Any]]:
    """Each part's data, in plan order: reused when stored with the same params, else computed
    by ``executor`` and stored (atomically, here) as soon as it is ready."""
    data: dict[str, dict[str, Any]] = {}
    todo = {}
    for part in parts:
        stored = store.load(part.id, part.params)
        if stored is None:
            todo[part.id] = part
        else:
            data[part.id] = stored
    if progress and data:
        progress(len(data), len(parts))

    def done(part_id: str, stored: dict[str, Any]) -> None:
        store.save(part_id, todo[part_id].params, stored)
        data[part_id] = stored
        if progress:
            progress(len(data), len(parts))

    try:
        executor.map_parts([Task(p.id, partial(p.compute, None), getattr(p.compute, "resources", None))
                            for p in todo.values()], done)
    finally:
        result.computed = [p.id for p in parts if p.id in todo and p.id in data]
        result.reused = [p.id for p in parts if p.id not in todo]
    return {p.id: data[p.id] for p in parts}


def run_recipe(recipe: str | Path | Recipe, out: str | Path | None = None, quick: bool = False,
               progress: Progress = None, figures: bool = True, *,
               executor: Executor | None = None) -> RunResult:
    """Run ``recipe`` into ``out`` (default ``out/<name>``), reusing parts already stored.

    ``executor`` computes the missing parts (default: one after another, here); each is
    stored as it finishes, so an interrupted or failed run resumes where it stopped.
    """
    recipe = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
    kind = get_kind(recipe.kind, recipe.layer, recipe.source)
    plan = kind.plan(Params(recipe.effective(quick), recipe.source), recipe.expect)
    store = Store(out if out is not None else Path("out") / recipe.name)
    store.write_json("run.json", {
        "schema": "scalingtool/run/v1", "recipe": recipe.name, "title": recipe.title,
        "kind": recipe.kind, "layer": recipe.layer, "quick": quick, "source": recipe.source,
        "config": plan.config, "parts": [p.id for p in plan.parts],
    })
    result = RunResult(recipe.name, recipe.kind, store.folder, Outcome([], []))
    data = _compute_parts(plan.parts, store, result, executor or SequentialExecutor(), progress)
    result.outcome = kind.finish(plan.config, data)
    table = store.folder / f"{recipe.name}.csv"
    write_text_atomic(table, csv_text(result.outcome.columns, result.outcome.rows))
    summary = store.write_json("summary.json", {
        "schema": "scalingtool/run-summary/v1", "recipe": recipe.name, "kind": recipe.kind,
        "quick": quick, "computed": result.computed, "reused": result.reused,
        "checks": [c.row() for c in result.outcome.checks],
    })
    result.files += [store.folder / "run.json", table, summary]
    if figures:
        paths, notes = _figures(kind, recipe.name, plan.config, data, store.folder)
        result.files += paths
        result.notes += notes
    return result


def redraw(folder: str | Path) -> list[Path]:
    """Draw the figures of a finished run again from its stored parts (``scalingtool plot``)."""
    from ..errors import UsageError

    store = Store(folder, create=False)
    run = store.read_json("run.json")
    kind = get_kind(run["kind"], source=str(store.folder / "run.json"))
    data = {}
    for part_id in run["parts"]:
        path = store.folder / "parts" / f"{part_id}.json"
        try:
            import json

            data[part_id] = json.loads(path.read_text("utf-8"))["data"]
        except (OSError, ValueError, KeyError):
            raise UsageError(f"{path}: missing or unreadable; run the recipe again to complete it") from None
    paths, notes = _figures(kind, run["recipe"], run["config"], data, store.folder)
    if notes:
        raise UsageError(notes[0])
    return paths
