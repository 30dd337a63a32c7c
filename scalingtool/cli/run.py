"""``scalingtool run RECIPE`` and ``scalingtool plot FOLDER``: reproducible recipes and figures.

``RECIPE`` is a built-in recipe name (``scalingtool recipes`` lists them) or a TOML file.
"""

from __future__ import annotations

from typing import Optional

import typer

from .. import schemas
from ..formats import Report, exact
from .cluster import open_executor, scheduler_option, workers_option
from .common import TableFormat, emit, format_option, progress_bar

def complete_recipe(incomplete: str) -> list[str]:
    """Shell completion: the built-in recipe names starting with ``incomplete``."""
    # deferred: recipes and their schema (pydantic); keeps start-up ('--help', 'exponents') from loading them
    from ..run.builtin import names

    return [n for n in names() if n.startswith(incomplete)]


_COLUMNS = ["case", "quantity", "predicted", "measured", "tolerance", "status", "note"]


def run_cmd(
    recipe: str = typer.Argument(..., help="A built-in recipe name (see `scalingtool recipes`) or a "
                                           "recipe file, e.g. phase or my-phase.toml.",
                                 autocompletion=complete_recipe),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Output folder (default: out/<recipe name>)."),
    quick: bool = typer.Option(False, "--quick", help="The recipe's small [quick] grid (seconds)."),
    fmt: TableFormat = format_option(),
    workers: Optional[int] = workers_option(),
    scheduler: Optional[str] = scheduler_option(),
    force: bool = typer.Option(False, "--force", help="Write into an --out folder that holds other files or another recipe's run."),
    record: bool = typer.Option(False, "--record", help="Store this run's measured numbers as the recipe's dated reference "
                                                         "run (references/NAME[.quick].json beside the recipe), which later "
                                                         "runs are checked against."),
) -> None:
    """Run a recipe: results (CSV/JSON), figures (PNG/SVG) and a measured-vs-predicted summary.

    Re-running skips the parts already computed; an interrupted run leaves no half-written file.
    Measured numbers (the mlp kinds' rich - lazy differences) are checked against the recipe's
    reference run, recorded with --record; without one they are reported as not checked.
    With --workers or --scheduler the parts run in parallel on Dask; each is stored as it
    finishes, and the stored results are the same as a sequential run's.

    Example: scalingtool run phase --quick --out out/phase
    """
    # deferred: the runner (pydantic, NumPy); keeps start-up ('--help', 'exponents') from loading it
    from ..run import check_recipe, run_recipe
    from ..run.runner import output_folder
    from ..run.store import claim_folder

    checked = check_recipe(recipe, quick)  # a bad recipe or folder is refused before a cluster starts
    if not force:
        claim_folder(output_folder(checked, out), checked.name)
    with open_executor(workers, scheduler) as executor, progress_bar(f"run {recipe}") as update:
        result = run_recipe(checked, out, quick=quick, progress=update, executor=executor, force=force,
                            record=record)
    rows = [{k: v for k, v in c.row().items() if k != "tier"} for c in result.outcome.checks]
    ok = all(c.status != "fail" for c in result.outcome.checks)
    payload = {
        "schema": schemas.RUN, "recipe": result.recipe, "kind": result.kind,
        "folder": str(result.folder), "ok": ok, "computed": result.computed, "reused": result.reused,
        "files": [str(p) for p in result.files], "notes": result.notes, "summary": result.outcome.summary,
        "checks": [{**row, **{k: (exact(row[k]) if not isinstance(row[k], float) else row[k])
                              for k in ("predicted", "measured", "tolerance")}} for row in rows],
    }
    notes = [f"{len(result.computed)} parts computed, {len(result.reused)} reused; "
             f"files in {result.folder}", *result.outcome.summary, *result.notes]
    if not rows:
        notes.insert(0, "no checks: this recipe reports its results (the lines below and its CSV)")
    emit(Report(f"Recipe {result.recipe} ({result.kind})", _COLUMNS, rows, payload, notes), fmt)
    if not ok:
        raise typer.Exit(1)


def plot_cmd(folder: str = typer.Argument(..., help="The output folder of `scalingtool run`.")) -> None:
    """Draw the figures of a finished run again (PNG and SVG), from its stored results.

    Example: scalingtool plot out/phase
    """
    from ..run import redraw  # deferred: the runner, as in run_cmd

    for path in redraw(folder):
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)
    app.command("plot")(plot_cmd)
